"""Who sees which homework (the scope rules of this app's models) and the scoped reads the pages use.

| model | bureau | school roles | grade leader | subject leader | head teacher | teacher | parent |
|---|---|---|---|---|---|---|---|
| Plan | district | school | the grade | the subject (in the grade) | the class's plans | own plans | — |
| PostedItem | district | school | the grade | the subject (in the grade) | the class | the classes taught | the children's classes |
| Feedback | district | school | the grade | — | the class | — | own children's |
| InSchoolCount, ClassDayLoad | district | school | the grade | the grade (the school without one) | the class | the classes taught | — |
| SupportFlag | district | school | the grade | — | the class | — | — |

Grade- and subject-bound roles see the classes of the current academic year only, as for the roster.
"""

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from tisheng.accounts.models import Role
from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.homework.models import ClassDayLoad, Feedback, InSchoolCount, Plan, PostedItem, SupportFlag
from tisheng.roster.models import ClassMembership, SchoolClass, TeachingAssignment


# --- scope rules --------------------------------------------------------------------------------------------
def _wide(s: Scope, cls: str) -> Q:
    """District and whole-school roles; ``cls`` is the path to the class, e.g. ``"school_class__"``."""
    q = NOTHING
    if s.district_ids:
        q |= Q(**{f"{cls}school__district_id__in": s.district_ids})
    if s.school_ids:
        q |= Q(**{f"{cls}school_id__in": s.school_ids})
    return q


def _grades(s: Scope, cls: str) -> Q:
    q = NOTHING
    for school_id, grade in s.grades:
        q |= Q(**{f"{cls}school_id": school_id, f"{cls}grade": grade, f"{cls}academic_year_id": s.academic_year_id})
    return q


def _subjects(s: Scope, cls: str) -> Q:
    q = NOTHING
    for school_id, subject_id, grade in s.subject_grades:
        where = {f"{cls}school_id": school_id, "subject_id": subject_id, f"{cls}academic_year_id": s.academic_year_id}
        if grade is not None:
            where[f"{cls}grade"] = grade
        q |= Q(**where)
    return q


def _children_classes(s: Scope) -> QuerySet:
    return ClassMembership.objects.filter(student_id__in=s.child_ids, term_id=s.term_id, left_on__isnull=True).values(
        "school_class_id"
    )


@scope_rule(Plan)
def _plan_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__") | _grades(s, "school_class__") | _subjects(s, "school_class__")
    if s.head_class_ids:
        q |= Q(school_class_id__in=s.head_class_ids)
    if s.teacher_id:
        q |= Q(teacher_id=s.teacher_id)
    return q


@scope_rule(PostedItem)
def _posted_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__") | _grades(s, "school_class__") | _subjects(s, "school_class__")
    if s.class_ids:
        q |= Q(school_class_id__in=s.class_ids)
    if s.child_ids:
        q |= Q(school_class_id__in=_children_classes(s))
    return q


@scope_rule(Feedback)
def _feedback_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__") | _grades(s, "school_class__")
    if s.head_class_ids:
        q |= Q(school_class_id__in=s.head_class_ids)
    if s.child_ids:
        q |= Q(student_id__in=s.child_ids)
    return q


def _class_day_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__") | s.grade_school_q("school_class__school_id", "school_class__grade") & Q(
        school_class__academic_year_id=s.academic_year_id
    )
    if s.class_ids:
        q |= Q(school_class_id__in=s.class_ids)
    return q


scope_rule(InSchoolCount)(_class_day_rule)
scope_rule(ClassDayLoad)(_class_day_rule)


@scope_rule(SupportFlag)
def _support_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__") | _grades(s, "school_class__")
    if s.head_class_ids:
        q |= Q(school_class_id__in=s.head_class_ids)
    return q


# --- weeks ------------------------------------------------------------------------------------------------------
def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(week: date) -> list[date]:
    return [week + timedelta(days=i) for i in range(7)]


def parse_week(value: str | None, default: date) -> date:
    """The Monday of the week of an ISO date in the query string, or of ``default``."""
    try:
        return monday(date.fromisoformat(value)) if value else monday(default)
    except ValueError:
        return monday(default)


def parse_day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


# --- who may do what -------------------------------------------------------------------------------------------
def is_teacher(user) -> bool:
    return Scope.of(user).teacher_id is not None and bool(Scope.of(user).class_ids)


def may_edit(user, plan: Plan) -> bool:
    """The plan's teacher, and the grade leader who resolves a class-day over its limit."""
    s = Scope.of(user)
    return plan.teacher_id == s.teacher_id or _leads_grade(s, plan.school_class)


def may_review(user, plan: Plan) -> bool:
    """The subject-group leader of the plan's subject (in its grade, where the role names one)."""
    s = Scope.of(user)
    c = plan.school_class
    return c.academic_year_id == s.academic_year_id and any(
        school_id == c.school_id and subject_id == plan.subject_id and grade in (None, c.grade)
        for school_id, subject_id, grade in s.subject_grades
    )


def may_resolve(user, plan: Plan) -> bool:
    """A held plan: the grade leader, or the school's academic office and principal (who supervise)."""
    s = Scope.of(user)
    school_wide = plan.school_class.school_id in s.school_ids and s.has_role(Role.ACADEMIC_OFFICE, Role.PRINCIPAL)
    return _leads_grade(s, plan.school_class) or school_wide


def _leads_grade(s: Scope, c: SchoolClass) -> bool:
    return (c.school_id, c.grade) in s.grades and c.academic_year_id == s.academic_year_id


def is_reviewer(user) -> bool:
    return bool(Scope.of(user).subject_grades)


def is_coordinator(user) -> bool:
    """Grade leaders and whole-school or district roles: the views across classes."""
    s = Scope.of(user)
    return bool(s.grades or s.school_ids or s.district_ids)


def is_staff(user) -> bool:
    s = Scope.of(user)
    return bool(s.district_ids or s.school_ids or s.grades or s.subject_grades or s.class_ids)


# --- reads ---------------------------------------------------------------------------------------------------
def plans(user) -> QuerySet:
    return visible(user, Plan).select_related("teacher__person", "school_class__school", "subject")


def own_assignments(user) -> QuerySet:
    """The user's own teaching assignments this term: what the user files plans for."""
    s = Scope.of(user)
    if s.teacher_id is None:
        return TeachingAssignment.objects.none()
    return (
        visible(user, TeachingAssignment)
        .filter(teacher_id=s.teacher_id, term_id=s.term_id)
        .select_related("school_class__school", "subject")
        .order_by("school_class__grade", "school_class__number", "subject__order")
    )


def classes(user) -> QuerySet:
    return visible(user, SchoolClass).filter(academic_year_id=Scope.of(user).academic_year_id).select_related("school")


def child_classes(user) -> dict[int, SchoolClass]:
    """A parent's children → their class this term."""
    s = Scope.of(user)
    rows = ClassMembership.objects.filter(student_id__in=s.child_ids, term_id=s.term_id, left_on__isnull=True)
    return {m.student_id: m.school_class for m in rows.select_related("school_class__school__district")}


def posting_class(user, class_id: int) -> SchoolClass | None:
    """The class whose posting the user may open: a child's class, or a class in the staff member's scope."""
    for school_class in child_classes(user).values():
        if school_class.pk == class_id:
            return school_class
    if is_staff(user):
        return visible(user, SchoolClass).select_related("school").filter(pk=class_id).first()
    return None


def class_sizes(class_ids, on: date) -> dict[int, int]:
    """Pupils in each class on ``on`` (memberships that had begun and not ended)."""
    rows = (
        ClassMembership.objects.filter(school_class_id__in=class_ids, joined_on__lte=on, term__start_date__lte=on,
                                       term__end_date__gte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
    )
    return {r["school_class_id"]: r["n"] for r in rows}
