"""Account administration: who administers whom, roles, deactivation, password resets, the one-time sheet."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import Client
from openpyxl import load_workbook

from tisheng.accounts import initial
from tisheng.accounts.models import ApiToken, Role, RoleAssignment, User
from tisheng.accounts.scope import Scope, visible
from tisheng.audit.models import AuditEvent
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.roster.models import Guardianship, Person, Student, Teacher
from tisheng.testing.scope import targets

PASSWORD = re.compile(r"^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$")


def rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c or "" for c in row] for row in sheet.iter_rows(values_only=True) if any(row)]


def can_log_in(username, password) -> bool:
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.wsgi_request.user.is_authenticated


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def teacher_account(school) -> User:
    return User.objects.filter(person__teacher__school=school).exclude(username__in=DEMO_LOGINS.values()).first()


# --- initial passwords ----------------------------------------------------------------------------------------
def test_initial_passwords_are_readable_random_and_argon2():
    passwords = {initial.new_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(PASSWORD.match(p) and re.search(r"\d", p) and re.search(r"[a-z]", p) for p in passwords)
    assert not set("".join(passwords)) & set("01ilo")  # nothing to misread
    encoded = initial.hash_initial("k7mp-x9ra-4tqe")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("k7mp-x9ra-4tqe", encoded) and not check_password("k7mp-x9ra-4tqf", encoded)
    # at the first login Django re-hashes it with the standard parameters
    assert identify_hasher(encoded).must_update(encoded)


# --- who may administer -----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["bureau_staff", "researcher", "grade_leader", "head_teacher", "teacher", "parent", "school_doctor"])
def test_administration_pages_are_closed_to_other_roles(client_for, role):
    client = client_for(role)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/bulk/").status_code == 403


def test_principal_lists_the_accounts_of_the_school(world, client_for):
    t = targets(world, "principal")
    inside, outside = teacher_account(t.school_in), teacher_account(t.school_out)
    html = client_for("principal").get("/accounts/users/", {"q": inside.username[:-2]}).content.decode()
    assert inside.username in html and outside.username not in html


def test_bureau_admin_sees_the_district_not_the_neighbour(client_for):
    client = client_for("bureau_admin")
    html = client.get("/accounts/users/", {"role": "principal"}).content.decode()
    assert "xiaozhang" in html and "donghu_admin" not in html
    assert client.get(f"/accounts/users/{User.objects.get(username='donghu_admin').pk}/").status_code == 404


# --- roles -----------------------------------------------------------------------------------------------------
def test_principal_grants_a_grade_leader_role_for_the_term(world, client_for):
    principal = world.logins["principal"]
    t = targets(world, "principal")
    account = teacher_account(t.school_in)
    response = client_for("principal").post(
        f"/accounts/users/{account.pk}/roles/",
        {"role": "grade_leader", "school": t.school_in.pk, "grade": 8, "term": world.term.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=account, role=Role.GRADE_LEADER)
    assert (assignment.school, assignment.grade, assignment.term) == (t.school_in, 8, world.term)
    assert assignment.history.first().history_user == principal
    assert (t.school_in.pk, 8) in Scope.of(fresh(account)).grades


@pytest.mark.parametrize(
    "data",
    [
        {"role": "bureau_staff", "term": ""},  # a district role: not the principal's to grant
        {"role": "principal", "school": "OTHER", "term": ""},  # another school
        {"role": "grade_leader", "school": "OWN", "term": ""},  # no grade
        {"role": "subject_leader", "school": "OWN", "term": ""},  # no subject
        {"role": "principal", "school": "OWN", "term": "999999"},  # not a term on offer
    ],
)
def test_invalid_or_out_of_scope_grants_are_refused(world, client_for, data):
    t = targets(world, "principal")
    account = teacher_account(t.school_in)
    data = {**data, "school": {"OWN": t.school_in.pk, "OTHER": t.school_out.pk}.get(data.get("school"), "")}
    before = RoleAssignment.objects.count()
    response = client_for("principal").post(f"/accounts/users/{account.pk}/roles/", data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_bureau_admin_grants_a_standing_district_role(world, client_for):
    account = teacher_account(targets(world, "bureau_admin").school_in)
    response = client_for("bureau_admin").post(
        f"/accounts/users/{account.pk}/roles/", {"role": "researcher", "district": world.district.pk, "term": ""}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=account, role=Role.RESEARCHER).term is None
    assert Scope.of(fresh(account)).is_district_wide


def test_nobody_changes_their_own_roles(world, client_for):
    principal = world.logins["principal"]
    t = targets(world, "principal")
    client = client_for("principal")
    own = RoleAssignment.objects.get(user=principal)
    assert client.post(f"/accounts/roles/{own.pk}/revoke/").status_code == 403
    grant = {"role": "principal", "school": t.school_in.pk, "term": ""}
    assert client.post(f"/accounts/users/{principal.pk}/roles/", grant).status_code == 403
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_revoking_a_role_ends_its_scope_and_is_in_the_history(world, client_for):
    principal = world.logins["principal"]
    office = world.logins["academic_office"]
    assignment = RoleAssignment.objects.get(user=office)
    assert client_for("principal").post(f"/accounts/roles/{assignment.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    deleted = RoleAssignment.history.filter(id=assignment.pk, history_type="-").get()
    assert deleted.history_user == principal
    assert not visible(fresh(office), Student).exists()


def test_academic_office_cannot_revoke_a_role_it_could_not_grant(world, client_for):
    # a teacher of the school who is also bureau staff: the school sees the account, not the bureau role
    account = teacher_account(targets(world, "academic_office").school_in)
    bureau_role = RoleAssignment.objects.create(user=account, role=Role.BUREAU_STAFF, district=world.district)
    client = client_for("academic_office")
    assert client.post(f"/accounts/roles/{bureau_role.pk}/revoke/").status_code == 404
    # nor lock that person out
    assert client.post(f"/accounts/users/{account.pk}/active/", {"active": "0"}).status_code == 403
    assert client.post(f"/accounts/users/{account.pk}/password/").status_code == 403
    assert fresh(account).is_active
    # and the role filter does not reveal it
    listing = client.get("/accounts/users/", {"role": "bureau_staff"}).content.decode()
    assert account.username not in listing


# --- deactivation and password resets ---------------------------------------------------------------------
def test_deactivated_account_can_neither_log_in_nor_use_its_tokens(world, client_for):
    account = teacher_account(targets(world, "principal").school_in)
    _token, key = ApiToken.issue(account, "x")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/me").status_code == 200
    assert client_for("principal").post(f"/accounts/users/{account.pk}/active/", {"active": "0"}).status_code == 302
    assert not fresh(account).is_active
    assert fresh(account).history.first().history_user == world.logins["principal"]
    assert api.get("/api/me").status_code == 401
    assert not can_log_in(account.username, world.password)
    client_for("principal").post(f"/accounts/users/{account.pk}/active/", {"active": "1"})
    assert can_log_in(account.username, world.password)


def test_password_reset_shows_a_new_password_once(world, client_for):
    account = teacher_account(targets(world, "principal").school_in)
    response = client_for("principal").post(f"/accounts/users/{account.pk}/password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = re.search(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", response.content.decode()).group()
    account = fresh(account)
    assert account.must_change_password and account.check_password(password)
    assert not account.check_password(world.password)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORDS_EXPORTED, actor=world.logins["principal"])
    assert account.username in event.detail["usernames"] and password not in str(event.detail)
    # the user page does not show it again
    assert password not in client_for("principal").get(f"/accounts/users/{account.pk}/").content.decode()


def test_bureau_admin_creates_an_account_with_its_first_role(world, client_for):
    response = client_for("bureau_admin").post("/accounts/users/new/", {
        "name": "陈督学", "username": "chendx", "phone": "13900000000",
        "role": "bureau_staff", "district": world.district.pk, "term": "",
    })
    assert response.status_code == 200
    user = User.objects.get(username="chendx")
    assert user.person.name == "陈督学" and user.must_change_password
    assert user.password.startswith("argon2$argon2id$")
    assert RoleAssignment.objects.get(user=user).role == Role.BUREAU_STAFF
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNTS_CREATED, summary__contains="chendx").exists()
    again = client_for("bureau_admin").post("/accounts/users/new/", {
        "name": "重名", "username": "CHENDX", "role": "bureau_staff", "district": world.district.pk, "term": "",
    })
    assert again.status_code == 400 and User.objects.filter(username__iexact="chendx").count() == 1


# --- accounts in bulk from the roster ----------------------------------------------------------------------
def test_teacher_accounts_from_the_roster(world, client_for):
    principal = world.logins["principal"]
    school = targets(world, "principal").school_in
    without = list(Teacher.objects.filter(school=school).exclude(person__user__username__in=DEMO_LOGINS.values())[:3])
    User.objects.filter(person__in=[t.person for t in without]).delete()
    # one staff number is already somebody else's username: that teacher is left out, with the reason
    clash = without[2]
    User.objects.create(username=clash.staff_no)
    response = client_for("principal").post("/accounts/bulk/teachers/", {"school": school.pk})
    sheet = rows(response)
    assert sheet[0] == ["学校", "班级", "姓名", "用户名", "初始密码"]
    body = sheet[1:-1]  # the last row is the note that the sheet is made once
    assert "只导出这一次" in sheet[-1][0]
    assert sorted(r[3] for r in body) == sorted(t.staff_no for t in without[:2])
    for school_name, _class, name, username, password in body:
        user = User.objects.get(username=username)
        assert school_name == school.name and name == user.person.name
        assert PASSWORD.match(password) and user.check_password(password) and user.must_change_password
    events = AuditEvent.objects.filter(actor=principal, school=school)
    assert set(events.values_list("action", flat=True)) == {"accounts_created", "passwords_exported"}
    assert not any(r[4] in str(e.detail) + e.summary for e in events for r in body)
    # run again: nothing left to create, so no sheet (the passwords cannot be fetched a second time)
    again = client_for("principal").post("/accounts/bulk/teachers/", {"school": school.pk}, follow=True)
    assert again.redirect_chain[-1][0] == "/accounts/bulk/"
    assert clash.staff_no in again.content.decode()


def test_guardian_accounts_of_a_class_from_the_roster(world, client_for):
    t = targets(world, "head_teacher")  # a class of the principal's school
    pupils = Student.objects.filter(memberships__school_class=t.class_in, memberships__term=world.term,
                                    memberships__left_on__isnull=True)
    missing = Person.objects.filter(guardianships__student__in=pupils, user__isnull=True).distinct()
    n_missing = missing.count()
    assert n_missing
    # a guardian whose mobile number is already a username gets a generated one
    clash = missing.exclude(phone="").first()
    User.objects.create(username=clash.phone)
    response = client_for("principal").post("/accounts/bulk/guardians/", {"school": t.school_in.pk, "school_class": t.class_in.pk})
    sheet = rows(response)
    assert sheet[0] == ["学校", "班级", "姓名", "用户名", "初始密码", "学生"]
    body = sheet[1:-1]
    assert len(body) == n_missing
    for _school, class_name, name, username, password, students in body:
        user = User.objects.get(username=username)
        assert user.person.name == name and user.check_password(password) and class_name == t.class_in.name
        assert set(students.split("、")) == set(
            Guardianship.objects.filter(guardian=user.person, student__in=pupils).values_list("student__name", flat=True))
        expected = user.person.phone if user.person != clash and re.match(r"^1\d{10}$", user.person.phone) else None
        assert username == expected or re.match(r"^jz\d{8}$", username)
    assert User.objects.get(person=clash).username.startswith("jz")
    # a new parent account sees that child only, after choosing a password
    parent = User.objects.get(username=body[0][3])
    client = Client()
    assert client.post("/accounts/login/", {"username": parent.username, "password": body[0][4]}).status_code == 302
    assert client.get("/api/students").status_code == 302  # the initial password must be changed first
    assert set(visible(parent, Student)) == set(Student.objects.filter(guardianships__guardian=parent.person))


def test_bulk_forms_offer_only_administered_schools(world, client_for):
    t = targets(world, "principal")
    html = client_for("principal").get("/accounts/bulk/").content.decode()
    assert t.school_in.name in html and t.school_out.name not in html
    response = client_for("principal").post("/accounts/bulk/guardians/", {"school": t.school_out.pk})
    assert response.status_code == 400 and not AuditEvent.objects.filter(action="accounts_created").exists()


def test_a_class_of_another_school_is_refused(world, client_for):
    t = targets(world, "bureau_admin")
    other_class = world.term.academic_year.classes.filter(school__district=world.district).exclude(school=t.school_in).first()
    response = client_for("bureau_admin").post("/accounts/bulk/guardians/", {"school": t.school_in.pk, "school_class": other_class.pk})
    assert response.status_code == 400
    assert "不在所选学校" in response.content.decode() or "not in the chosen school" in response.content.decode()


# --- the initial password must be changed first ----------------------------------------------------------------
def test_initial_password_sends_the_user_to_the_password_page_until_changed(world):
    user = world.logins["teacher"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = Client()
    client.force_login(user)
    for url in ("/", "/accounts/tokens/", "/api/docs"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", url
    assert client.get("/accounts/password/").status_code == 200
    response = client.post("/accounts/password/", {
        "old_password": world.password, "new_password1": "Qingshan-2026-xyz", "new_password2": "Qingshan-2026-xyz"})
    assert response.status_code == 302
    assert not fresh(user).must_change_password
    assert client.get("/accounts/tokens/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, actor=user).exists()


# --- own API tokens ------------------------------------------------------------------------------------------
def test_a_token_is_shown_once_works_and_can_be_revoked(world, client_for):
    user = world.logins["head_teacher"]
    client = client_for("head_teacher")
    response = client.post("/accounts/tokens/", {"name": "班级管理小程序", "expires": "30"})
    key = re.search(r"ts_[A-Za-z0-9_-]{20,}", response.content.decode()).group()
    token = ApiToken.objects.get(user=user)
    assert token.expires_at is not None and token.key_hash == ApiToken.hash_key(key)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_ISSUED, actor=user).exists()
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 200
    listing = client.get("/accounts/tokens/").content.decode()
    assert "班级管理小程序" in listing and key not in listing and token.prefix in listing
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED, actor=user).exists()


def test_a_token_needs_a_name(client_for):
    response = client_for("teacher").post("/accounts/tokens/", {"name": "", "expires": "30"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
