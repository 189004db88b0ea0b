"""The one scope layer (R-ACC-3). Every list, detail, export, API call and task reads scoped objects here.

    visible(user, Student)                      → the students this user may see (a QuerySet)
    visible(user, Student.objects.filter(...))  → the same filter applied to a narrower queryset
    get_for_user(user, Student, pk=...)         → one object, or Http404 when it is outside the scope

How it works: ``Scope.of(user)`` turns the user's role assignments, the roster's teaching assignments and
head teachers for the current term, and the guardianships into a small set of ids (district, schools,
school × grade, classes, own person, children). Each model registers one rule (``@scope_rule(Model)``) that
turns a Scope into a ``Q``. A model without a rule is visible to nobody: adding a model to a page without
thinking about its scope fails closed.

Objects outside the scope are answered with 404, never 403, so that their existence does not leak.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, ApiToken, Role, RoleAssignment, User
from tisheng.roster.models import (
    ClassMembership,
    Guardianship,
    HeadTeacher,
    School,
    SchoolClass,
    Student,
    Teacher,
    TeachingAssignment,
    Term,
)

NOTHING = Q(pk__in=[])
# School roles that administer the school's accounts (with the bureau administrator for the district).
ACCOUNT_ADMIN_SCHOOL_ROLES = {Role.PRINCIPAL, Role.ACADEMIC_OFFICE}


@dataclass(frozen=True)
class Scope:
    """What one user may see in one term, as ids. Built once per request (cached on the user object)."""

    user_id: int | None
    term_id: int | None
    academic_year_id: int | None
    roles: frozenset[str] = frozenset()
    district_ids: frozenset[int] = frozenset()  # district-wide roles
    school_ids: frozenset[int] = frozenset()  # whole-school roles (a central school includes its branches)
    grades: frozenset[tuple[int, int]] = frozenset()  # (school_id, grade) for grade leaders
    subject_grades: frozenset[tuple[int, int, int | None]] = frozenset()  # (school, subject, grade|None)
    class_ids: frozenset[int] = frozenset()  # classes taught or led this term
    head_class_ids: frozenset[int] = frozenset()
    teacher_id: int | None = None  # the user's own teacher record
    child_ids: frozenset[int] = frozenset()  # parents: their own children
    member_school_ids: frozenset[int] = field(default=frozenset())  # every school the user belongs to at all
    # Where the user administers accounts: bureau administrators their district, principals and the
    # academic office their school (with its branch schools).
    admin_district_ids: frozenset[int] = frozenset()
    admin_school_ids: frozenset[int] = frozenset()
    # The role assignments read to build this scope, with their district, school and subject (the menu's role
    # lines name them); not part of what the scope is.
    assignments: tuple[RoleAssignment, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, user) -> "Scope":
        # An inactive account sees nothing, whatever still refers to it (a token, a task, a stale session).
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user_id=None, term_id=None, academic_year_id=None)
        cached = getattr(user, "_tisheng_scope", None)
        if cached is not None:
            return cached
        scope = cls._build(user)
        user._tisheng_scope = scope
        return scope

    @classmethod
    def _build(cls, user) -> "Scope":
        term = Term.current()
        roles, districts, schools, grades, subject_grades = set(), set(), set(), set(), set()
        admin_districts, admin_schools = set(), set()
        assignments = tuple(
            RoleAssignment.objects.valid_in(term).filter(user=user).select_related("district", "school", "subject")
        )
        for ra in assignments:
            roles.add(ra.role)
            if ra.role in DISTRICT_ROLES:
                districts.add(ra.district_id)
                if ra.role == Role.BUREAU_ADMIN:
                    admin_districts.add(ra.district_id)
            elif ra.role in SCHOOL_ROLES:
                schools.add(ra.school_id)
                if ra.role in ACCOUNT_ADMIN_SCHOOL_ROLES:
                    admin_schools.add(ra.school_id)
            elif ra.role == Role.GRADE_LEADER:
                grades.add((ra.school_id, ra.grade))
            elif ra.role == Role.SUBJECT_LEADER:
                subject_grades.add((ra.school_id, ra.subject_id, ra.grade))
        if schools:  # a central school's leaders also run its village schools and teaching points
            branches = dict(School.objects.filter(central_school_id__in=schools).values_list("id", "central_school_id"))
            schools |= set(branches)
            admin_schools |= {branch for branch, central in branches.items() if central in admin_schools}

        links = _person_links(user.person_id, term) if user.person_id else {}
        teacher = links.get("teacher")  # (teacher id, school id) of the user's active teacher record
        child_ids, class_ids, head_ids = (set(links.get(kind, ())) for kind in ("child", "class", "head"))
        if child_ids:
            roles.add(Role.PARENT)
        if class_ids:
            roles.add(Role.TEACHER)
        if head_ids:
            roles.add(Role.HEAD_TEACHER)
        member_schools = set(schools) | {s for s, _ in grades} | {s for s, _, _ in subject_grades}
        if teacher:
            member_schools.add(teacher[1])
        return cls(
            user_id=user.pk,
            term_id=term.pk if term else None,
            academic_year_id=term.academic_year_id if term else None,
            roles=frozenset(roles),
            district_ids=frozenset(districts),
            school_ids=frozenset(schools),
            grades=frozenset(grades),
            subject_grades=frozenset(subject_grades),
            class_ids=frozenset(class_ids | head_ids),
            head_class_ids=frozenset(head_ids),
            teacher_id=teacher[0] if teacher else None,
            child_ids=frozenset(child_ids),
            member_school_ids=frozenset(member_schools),
            admin_district_ids=frozenset(admin_districts),
            admin_school_ids=frozenset(admin_schools),
            assignments=assignments,
        )

    # --- what the interface asks -----------------------------------------------------------------
    @property
    def is_district_wide(self) -> bool:
        return bool(self.district_ids)

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def primary_role(self) -> str | None:
        """The widest role, which decides the home page and navigation."""
        for role in Role:
            if role in self.roles:
                return role
        return None

    def grade_school_q(self, school_field: str, grade_field: str) -> Q:
        """Q for (school, grade) pairs of grade leaders and grade-bound subject leaders."""
        q = NOTHING
        pairs = set(self.grades) | {(s, g) for s, _, g in self.subject_grades if g is not None}
        for school_id, grade in pairs:
            q |= Q(**{school_field: school_id, grade_field: grade})
        # a subject leader without a grade sees the whole school's classes of the subject; the subject
        # restriction applies to subject data (scores), not to the roster.
        whole = {s for s, _, g in self.subject_grades if g is None}
        if whole:
            q |= Q(**{f"{school_field}__in": whole})
        return q


def _person_links(person_id: int, term: Term | None) -> dict:
    """What the roster says of a person: their active teacher record as ``"teacher": (id, school id)``, and the
    ids of their children (``"child"``) and of the classes they teach (``"class"``) and lead as head teacher
    (``"head"``) in ``term``.

    One hand-written query: every request of every user builds a scope, and the ORM took longer to compile
    these four small SELECTs (separately or as a UNION) than the database took to answer them."""
    teacher, guardianship = Teacher._meta.db_table, Guardianship._meta.db_table
    sql = [f"SELECT 'teacher', id, school_id FROM {teacher} WHERE person_id = %s AND active",
           f"SELECT 'child', student_id, NULL FROM {guardianship} WHERE guardian_id = %s"]
    params = [person_id, person_id]
    if term is not None:
        for kind, model in (("class", TeachingAssignment), ("head", HeadTeacher)):
            sql.append(f"SELECT '{kind}', a.school_class_id, NULL FROM {model._meta.db_table} a "
                       f"JOIN {teacher} t ON t.id = a.teacher_id WHERE t.person_id = %s AND t.active AND a.term_id = %s")
            params += [person_id, term.pk]
    links: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        for kind, value, school in cursor.fetchall():
            if kind == "teacher":
                links["teacher"] = (value, school)
            else:
                links.setdefault(kind, []).append(value)
    return links


# --- the registry: one rule per model -----------------------------------------------------------------
_RULES: dict[type[Model], Callable[[Scope], Q]] = {}


def scope_rule(model: type[Model]):
    def register(fn: Callable[[Scope], Q]):
        _RULES[model] = fn
        return fn

    return register


def visible(user, model_or_qs: type[Model] | QuerySet) -> QuerySet:
    """The objects of a model (or of a narrower queryset) that ``user`` may see. Fails closed."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    scope = Scope.of(user)
    if scope.user_id is None:
        return qs.none()
    rule = _RULES.get(qs.model)
    if rule is None:
        raise LookupError(f"no scope rule for {qs.model.__name__}: register one with @scope_rule")
    q = rule(scope)
    return qs.none() if q == NOTHING else qs.filter(q)


def get_for_user(user, model_or_qs: type[Model] | QuerySet, **lookup) -> Model:
    """One object within the user's scope; Http404 when it does not exist *or* is out of scope."""
    try:
        return visible(user, model_or_qs).get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValidationError, ValueError, TypeError):
        raise Http404 from None


# --- rules for the roster ------------------------------------------------------------------------------
@scope_rule(School)
def _school_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(district_id__in=s.district_ids)
    if s.member_school_ids:
        q |= Q(id__in=s.member_school_ids | s.school_ids)
    return q


@scope_rule(SchoolClass)
def _class_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_id__in=s.school_ids)
    if s.grades or s.subject_grades:
        q |= s.grade_school_q("school_id", "grade") & Q(academic_year_id=s.academic_year_id)
    if s.class_ids:
        q |= Q(id__in=s.class_ids)
    return q


@scope_rule(Student)
def _student_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_id__in=s.school_ids)
    # Class- and grade-bound roles reach the students whose open membership this term is in their classes.
    # A subquery rather than a join: a join inside an OR would repeat a student once per membership.
    by_class = NOTHING
    if s.class_ids:
        by_class |= Q(school_class_id__in=s.class_ids)
    if s.grades or s.subject_grades:
        by_class |= s.grade_school_q("school_class__school_id", "school_class__grade")
    if by_class != NOTHING and s.term_id:
        q |= Q(id__in=ClassMembership.objects.filter(by_class, term_id=s.term_id, left_on__isnull=True).values("student_id"))
    if s.child_ids:
        q |= Q(id__in=s.child_ids)
    return q


@scope_rule(ClassMembership)
def _membership_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(school_class__school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_class__school_id__in=s.school_ids)
    # Class- and grade-bound roles: the open memberships of this term, as for students, so that a pupil who
    # moved class does not stay reachable (name and all) through the old class's membership row.
    if s.class_ids:
        q |= Q(school_class_id__in=s.class_ids, term_id=s.term_id, left_on__isnull=True)
    if s.grades or s.subject_grades:
        q |= s.grade_school_q("school_class__school_id", "school_class__grade") & Q(
            term_id=s.term_id, left_on__isnull=True
        )
    if s.child_ids:
        q |= Q(student_id__in=s.child_ids)
    return q


@scope_rule(Teacher)
def _teacher_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_id__in=s.school_ids)
    # Through a subquery, not a join: a teacher has many assignments and must appear once.
    taught = NOTHING
    if s.grades or s.subject_grades:  # the teachers who teach in the grade this term
        taught |= s.grade_school_q("school_class__school_id", "school_class__grade")
    if s.head_class_ids:  # a head teacher sees who teaches the class
        taught |= Q(school_class_id__in=s.head_class_ids)
    if taught != NOTHING:
        q |= Q(id__in=TeachingAssignment.objects.filter(taught, term_id=s.term_id).values("teacher_id"))
    if s.teacher_id:
        q |= Q(id=s.teacher_id)
    return q


@scope_rule(TeachingAssignment)
def _assignment_rule(s: Scope) -> Q:
    q = NOTHING
    if s.district_ids:
        q |= Q(school_class__school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_class__school_id__in=s.school_ids)
    if s.grades or s.subject_grades:
        q |= s.grade_school_q("school_class__school_id", "school_class__grade") & Q(term_id=s.term_id)
    if s.class_ids:
        q |= Q(school_class_id__in=s.class_ids, term_id=s.term_id)
    return q


# --- rules for accounts: account administrators see the accounts of their district or school ---------------
def _in_admin_scope(s: Scope, school_field: str) -> Q:
    return Q(**{f"{school_field}__district_id__in": s.admin_district_ids}) | Q(
        **{f"{school_field}_id__in": s.admin_school_ids}
    )


@scope_rule(User)
def _user_rule(s: Scope) -> Q:
    q = Q(id=s.user_id)  # everyone sees their own account
    if s.admin_district_ids or s.admin_school_ids:
        # An account belongs where it holds a role, teaches, or is the guardian of a pupil.
        by_role = RoleAssignment.objects.filter(Q(district_id__in=s.admin_district_ids) | _in_admin_scope(s, "school"))
        by_teaching = Teacher.objects.filter(_in_admin_scope(s, "school"))
        by_guardianship = Guardianship.objects.filter(_in_admin_scope(s, "student__school"))
        q |= (
            Q(id__in=by_role.values("user_id"))
            | Q(person_id__in=by_teaching.values("person_id"))
            | Q(person_id__in=by_guardianship.values("guardian_id"))
        )
    return q


@scope_rule(RoleAssignment)
def _role_assignment_rule(s: Scope) -> Q:
    q = Q(user_id=s.user_id)  # one's own roles, to show them
    if s.admin_district_ids or s.admin_school_ids:
        q |= Q(district_id__in=s.admin_district_ids) | _in_admin_scope(s, "school")
    return q


@scope_rule(ApiToken)
def _api_token_rule(s: Scope) -> Q:
    return Q(user_id=s.user_id)  # nobody, administrators included, sees another user's tokens
