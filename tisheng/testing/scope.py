"""The format of scope cases: how each app tells the scope test what to request as each role.

Each app with routes has ``tisheng/<app>/tests/scope_cases.py`` defining

    def cases(world, role: str, user) -> dict[str, list[Probe]]:
        '''url name (with namespace, e.g. "roster:student_detail") → the requests to make as ``user``.'''

``tisheng/tests/test_scope.py`` logs in as every role of ``world.logins``, collects the cases of every app,
and fails when
- a registered URL name (pages and API routes alike) has no entry for some role: a new route must say what
  each role may see;
- a probe's response status differs from ``status``;
- a response body contains any of ``absent`` (names or numbers of out-of-scope objects must not leak through
  lists, totals, search results, exports or error messages), or lacks any of ``present``.

How the probes run (``tisheng/tests/test_scope.py``):
- Each role's probes run in one test, in one transaction rolled back at the end, with one session client
  (``force_login``) and, for ``api=True``, one client sending ``Authorization: Bearer <key>`` of a token
  issued for the user. A write probe must not spoil later ones (do not deactivate the demo logins).
- ``data`` is the query string for GET, the form for other page methods, and the JSON body for API writes.
- A probe's URL must resolve to the URL name it is listed under.
- A route with a path parameter (an object) needs, over all roles, at least one 404 probe (an object
  outside the scope).
- ``absent``/``present`` are searched in the body: HTML as is, JSON with Chinese unescaped, xlsx/docx in
  their XML parts. PDF text is not extracted; test it where the PDF is made. A GET probe's own query values
  shown back (a form field's ``value="…"``, ``key=value`` in links) are removed first: searching for a name
  is not leaking it.
- ``targets(world, role)`` below gives objects just inside and just outside a role's scope.
- Routes that read no scoped data (login, language switch, translations catalogue) are listed with their
  reason in ``ROUTES_WITHOUT_SCOPE`` in the test; keep that list short.

Typical probes for a detail route: the user's own object (status 200) and one outside the scope (status 404).
For a list route: status 200, ``present`` an in-scope name and ``absent`` an out-of-scope name, also with a
search query for the out-of-scope name. For a page a role may not use at all: 403 (the page's existence is no
secret; objects' existence is, hence 404 for them).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Probe:
    url: str
    status: int = 200
    absent: tuple[str, ...] = field(default_factory=tuple)
    present: tuple[str, ...] = field(default_factory=tuple)
    method: str = "get"
    data: dict | None = None
    # API probes authenticate with a bearer token instead of the session.
    api: bool = False


# --- the objects to probe with: in and just outside each role's scope -----------------------------------------
@dataclass(frozen=True)
class Targets:
    """Roster objects just inside (``*_in``) and just outside (``*_out``) one demo login's scope.

    Chosen from roster facts (role assignments, teaching, head teachers, guardianships), never through the
    scope layer under test, and as close as possible: another class of the same school for a head teacher,
    another grade for a grade leader, another school for a principal, another district for the bureau, a
    classmate for a parent. ``None`` where the demo has no such object (e.g. no teacher in the other district,
    no school a parent sees).
    """

    school_in: object = None
    school_out: object = None
    class_in: object = None
    class_out: object = None
    student_in: object = None
    student_out: object = None
    teacher_in: object = None
    teacher_out: object = None


def targets(world, role: str) -> Targets:
    from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role, RoleAssignment
    from tisheng.roster.models import Guardianship, HeadTeacher, School, SchoolClass, Student, Teacher, TeachingAssignment

    user = world.logins[role]
    term = world.term
    classes = SchoolClass.objects.filter(academic_year_id=term.academic_year_id).order_by("school__code", "grade", "number")

    def member(school_class, exclude=()):
        if school_class is None:
            return None
        return (
            Student.objects.filter(
                memberships__school_class=school_class, memberships__term=term, memberships__left_on__isnull=True
            )
            .exclude(pk__in=exclude)
            .order_by("student_no")
            .first()
        )

    def teaching(school_class_qs):
        return TeachingAssignment.objects.filter(term=term, school_class__in=school_class_qs).values("teacher_id")

    def other_school(school):
        return (
            School.objects.filter(district=school.district)
            .exclude(pk=school.pk).exclude(central_school=school).exclude(pk=school.central_school_id)
            .order_by("code").first()
        )

    def whole_school(school, out_school):
        class_out = classes.filter(school=out_school).first()
        return Targets(
            school_in=school, school_out=out_school,
            class_in=classes.filter(school=school).first(), class_out=class_out,
            student_in=member(classes.filter(school=school).first()), student_out=member(class_out),
            teacher_in=Teacher.objects.filter(school=school).order_by("staff_no").first(),
            teacher_out=Teacher.objects.filter(school=out_school).order_by("staff_no").first(),
        )

    assignment = RoleAssignment.objects.valid_in(term).filter(user=user).first()
    if role in DISTRICT_ROLES:
        school = School.objects.filter(district=world.district).order_by("code").first()
        return whole_school(school, School.objects.exclude(district=world.district).order_by("code").first())
    if role in SCHOOL_ROLES or (role == Role.SUBJECT_LEADER and assignment.grade is None):
        return whole_school(assignment.school, other_school(assignment.school))
    if role == Role.GRADE_LEADER:
        school, grade = assignment.school, assignment.grade
        mine, others = classes.filter(school=school, grade=grade), classes.filter(school=school).exclude(grade=grade)
        return Targets(
            school_in=school, school_out=other_school(school),
            class_in=mine.first(), class_out=others.first(),
            student_in=member(mine.first()), student_out=member(others.first()),
            teacher_in=Teacher.objects.filter(pk__in=teaching(mine)).order_by("staff_no").first(),
            teacher_out=Teacher.objects.filter(school=school).exclude(pk__in=teaching(mine)).order_by("staff_no").first(),
        )
    teacher = Teacher.objects.filter(person_id=user.person_id).first() if user.person_id else None
    if role in (Role.HEAD_TEACHER, Role.TEACHER):
        if role == Role.HEAD_TEACHER:
            mine = classes.filter(pk__in=HeadTeacher.objects.filter(teacher=teacher, term=term).values("school_class_id"))
        else:
            mine = classes.filter(pk__in=TeachingAssignment.objects.filter(teacher=teacher, term=term).values("school_class_id"))
        taught = TeachingAssignment.objects.filter(teacher=teacher, term=term).values("school_class_id")
        others = classes.filter(school=teacher.school).exclude(pk__in=taught)
        return Targets(
            school_in=teacher.school, school_out=other_school(teacher.school),
            class_in=mine.first(), class_out=others.first(),
            student_in=member(mine.first()), student_out=member(others.first()),
            teacher_in=teacher,
            teacher_out=Teacher.objects.filter(school=teacher.school).exclude(pk=teacher.pk).exclude(
                pk__in=teaching(mine)).order_by("staff_no").first(),
        )
    if role == Role.PARENT:
        children = Guardianship.objects.filter(guardian_id=user.person_id).values("student_id")
        child = Student.objects.filter(pk__in=children).order_by("student_no").first()
        membership = child.membership_on(term)
        head = HeadTeacher.objects.filter(school_class=membership.school_class, term=term).first()
        return Targets(
            school_out=child.school, class_out=membership.school_class,
            student_in=child, student_out=member(membership.school_class, exclude=children),
            teacher_out=head.teacher if head else None,
        )
    raise ValueError(f"no targets for role {role}")


def shown_student_no(world, user, student) -> str:
    """The 学籍号 as ``user`` sees it on pages and in the API (the embedded ID number may be masked)."""
    from tisheng.roster.queries import shown_student_no as shown

    membership = student.membership_on(world.term)
    return shown(user, student, membership.school_class_id if membership else None)
