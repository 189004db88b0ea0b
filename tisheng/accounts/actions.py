"""Every state change of accounts, each with its audit entry.

Role assignments and users keep their row history with simple-history (``_history_user`` names the actor
even outside a request); what history cannot show (accounts created in bulk, initial passwords handed out,
API tokens issued) is an ``AuditEvent``.
"""

import re
import secrets
from datetime import datetime

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from tisheng.accounts.initial import Credential, hash_initial, new_password, sheet
from tisheng.accounts.models import ApiToken, RoleAssignment, User
from tisheng.accounts.scope import visible
from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.roster.models import ClassMembership, Guardianship, Person, School, SchoolClass, Student, Teacher, Term

MOBILE = re.compile(r"^1[3-9]\d{9}$")


@transaction.atomic
def password_changed(user) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    record(user, AuditEvent.Action.PASSWORD_CHANGED, user.username)


# --- roles and accounts -------------------------------------------------------------------------------
@transaction.atomic
def grant_role(actor, user, *, role, district=None, school=None, grade=None, subject=None, term=None) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=role, district=district, school=school, grade=grade, subject=subject, term=term
    )
    assignment._history_user = actor
    assignment.save()
    return assignment


@transaction.atomic
def revoke_role(actor, assignment: RoleAssignment) -> None:
    assignment._history_user = actor
    assignment.delete()


@transaction.atomic
def set_active(actor, user, active: bool) -> None:
    """Deactivating ends the user's sessions and API tokens at once (both check ``is_active``)."""
    user.is_active = active
    user._history_user = actor
    user.save(update_fields=["is_active"])


@transaction.atomic
def create_account(actor, *, name: str, username: str, phone: str = "", role_fields: dict) -> Credential:
    """One account for someone not in the roster (bureau staff, a new principal), with its first role."""
    person = Person.objects.create(name=name, phone=phone)
    password = new_password()
    user = User(username=username, person=person, password=hash_initial(password), must_change_password=True)
    user._history_user = actor
    user.save()
    assignment = grant_role(actor, user, **role_fields)
    school = assignment.school
    record(actor, AuditEvent.Action.ACCOUNTS_CREATED, f"{username} ({name})", school=school, usernames=[username])
    return Credential(school=school.name if school else "", school_class="", name=name, username=username, password=password)


@transaction.atomic
def reset_password(actor, user) -> Credential:
    """A new initial password, to be handed to the user; the old one stops working at once."""
    password = new_password()
    user.password = hash_initial(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(actor, AuditEvent.Action.PASSWORDS_EXPORTED, f"{user.username}: new initial password", usernames=[user.username])
    name = user.person.name if user.person_id else user.get_full_name()
    return Credential(school="", school_class="", name=name, username=user.username, password=password)


# --- accounts in bulk from the roster ---------------------------------------------------------------------
def _create_users(actor, rows: list[tuple[Person, str]]) -> list[str]:
    """(person, username) → users with fresh initial passwords; returns the passwords in the same order."""
    passwords = [new_password() for _ in rows]
    users = [
        User(username=username, person=person, password=hash_initial(pw), must_change_password=True)
        for (person, username), pw in zip(rows, passwords)
    ]
    bulk_create_with_history(users, User, default_user=actor)
    return passwords


@transaction.atomic
def create_teacher_accounts(actor, school: School) -> tuple[list[Credential], list[str]]:
    """An account for every active teacher of ``school`` (visible to ``actor``) who has none; username = 工号.

    Returns the credentials and, for teachers left out, why (the staff number is already someone's username).
    """
    teachers = (
        visible(actor, Teacher).filter(school=school, active=True, person__user__isnull=True)
        .select_related("person").order_by("staff_no")
    )
    taken = set(User.objects.filter(username__in=[t.staff_no for t in teachers]).values_list("username", flat=True))
    rows = [(t.person, t.staff_no) for t in teachers if t.staff_no not in taken]
    skipped = [f"{t.person.name} ({t.staff_no})" for t in teachers if t.staff_no in taken]
    passwords = _create_users(actor, rows)
    credentials = [
        Credential(school=school.name, school_class="", name=person.name, username=username, password=pw)
        for (person, username), pw in zip(rows, passwords)
    ]
    if credentials:
        record(actor, AuditEvent.Action.ACCOUNTS_CREATED, f"{len(credentials)} teacher accounts of {school.name}",
               school=school, usernames=[c.username for c in credentials])
    return credentials, skipped


def _guardian_username(phone: str, taken: set[str]) -> str:
    """The mobile number when it is free, else ``jz`` and eight random digits (家长)."""
    phone = (phone or "").strip()
    if MOBILE.match(phone) and phone not in taken:
        return phone
    while True:
        candidate = "jz" + "".join(secrets.choice("0123456789") for _ in range(8))
        if candidate not in taken and not User.objects.filter(username=candidate).exists():
            return candidate


@transaction.atomic
def create_guardian_accounts(actor, school: School, school_class: SchoolClass | None, term: Term) -> list[Credential]:
    """An account for every guardian without one of the enrolled pupils of ``school`` (or of one class this
    term) that ``actor`` may see; username = the guardian's mobile number, or a generated one."""
    pupils = visible(actor, Student).filter(school=school, active=True)
    open_memberships = ClassMembership.objects.filter(term=term, left_on__isnull=True)
    if school_class is not None:
        pupils = pupils.filter(pk__in=open_memberships.filter(school_class=school_class).values("student_id"))
    class_of = {
        m.student_id: m.school_class.name
        for m in open_memberships.filter(student__in=pupils).select_related("school_class")
    }
    links = (
        Guardianship.objects.filter(student__in=pupils, guardian__user__isnull=True)
        .select_related("guardian", "student").order_by("guardian_id", "student__student_no")
    )
    children: dict[int, list[Student]] = {}
    persons: dict[int, Person] = {}
    for link in links:
        persons[link.guardian_id] = link.guardian
        children.setdefault(link.guardian_id, []).append(link.student)
    phones = [p.phone for p in persons.values() if p.phone]
    taken = set(User.objects.filter(username__in=phones).values_list("username", flat=True))
    rows = []
    for person in persons.values():
        username = _guardian_username(person.phone, taken)
        taken.add(username)
        rows.append((person, username))
    # in class order, so that a head teacher can hand the slips out row by row
    rows.sort(key=lambda r: (class_of.get(children[r[0].pk][0].pk, ""), children[r[0].pk][0].student_no))
    passwords = _create_users(actor, rows)
    credentials = [
        Credential(
            school=school.name,
            school_class="、".join(dict.fromkeys(class_of.get(s.pk, "") for s in children[person.pk])),
            name=person.name, username=username, password=pw,
            students="、".join(s.name for s in children[person.pk]),
        )
        for (person, username), pw in zip(rows, passwords)
    ]
    if credentials:
        where = f"{school.name} {school_class.name}" if school_class else school.name
        record(actor, AuditEvent.Action.ACCOUNTS_CREATED, f"{len(credentials)} guardian accounts of {where}",
               school=school, usernames=[c.username for c in credentials])
    return credentials


@transaction.atomic
def export_initial_passwords(actor, credentials: list[Credential], *, school=None, with_students=False) -> bytes:
    """The one-time sheet of initial passwords. Call it in the transaction that created them: nothing keeps
    the passwords afterwards."""
    content = sheet(credentials, with_students=with_students)
    summary = f"{len(credentials)} initial passwords" + (f" of {school.name}" if school else "")
    record(actor, AuditEvent.Action.PASSWORDS_EXPORTED, summary, school=school, usernames=[c.username for c in credentials])
    return content


# --- API tokens -------------------------------------------------------------------------------------------
@transaction.atomic
def issue_token(user, name: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
    token, key = ApiToken.issue(user, name, expires_at=expires_at)
    record(user, AuditEvent.Action.TOKEN_ISSUED, f"{name} ({token.prefix}…)", token_id=token.pk)
    return token, key


@transaction.atomic
def revoke_token(user, token: ApiToken) -> None:
    record(user, AuditEvent.Action.TOKEN_REVOKED, f"{token.name} ({token.prefix}…)", token_id=token.pk)
    token.delete()
