"""Who sees which five-managements facts (the scope rules of this app's models), who may change what, and the
scoped reads the pages use.

| model | bureau | school roles | grade leader | head teacher | subject teacher | parent |
|---|---|---|---|---|---|---|
| WakeReport, PhoneException | district | school | the grade | the class | — | own children's |
| ActivityDay, ClassWeek | district | school | the grade | the class | the classes taught | — |
| PhoneRule | district | school | the school | the school | the school | the children's schools |
| ReadingTitle | district | school | the school | the school | the school | titles on the list, children's schools |
| ReadingDecision | district | school | the school | the school | the school | — |

Grade-bound roles see the current academic year's classes only, as for the roster.
"""

from django.db.models import Q, QuerySet

from tisheng.accounts.models import DISTRICT_ROLES, Role
from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.roster.models import School, SchoolClass, Student, TeachingAssignment
from tisheng.wellbeing.models import (
    ActivityDay, ClassWeek, PhoneException, PhoneRule, ReadingDecision, ReadingTitle, WakeReport,
)

SCHOOL_LEADERS = (Role.PRINCIPAL, Role.ACADEMIC_OFFICE)


# --- scope rules --------------------------------------------------------------------------------------------
def _wide(s: Scope, school: str) -> Q:
    """District and whole-school roles; ``school`` is the path to the school id, e.g. ``"school_class__school_id"``."""
    q = NOTHING
    if s.district_ids:
        q |= Q(**{school.replace("_id", "__district_id") + "__in": s.district_ids})
    if s.school_ids:
        q |= Q(**{f"{school}__in": s.school_ids})
    return q


def _grade_classes(s: Scope) -> Q:
    q = NOTHING
    for school_id, grade in s.grades:
        q |= Q(school_class__school_id=school_id, school_class__grade=grade,
               school_class__academic_year_id=s.academic_year_id)
    return q


@scope_rule(WakeReport)
@scope_rule(PhoneException)
def _pupil_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__school_id") | _grade_classes(s)
    if s.head_class_ids:
        q |= Q(school_class_id__in=s.head_class_ids)
    if s.child_ids:
        q |= Q(student_id__in=s.child_ids)
    return q


@scope_rule(ActivityDay)
@scope_rule(ClassWeek)
def _class_rule(s: Scope) -> Q:
    q = _wide(s, "school_class__school_id") | _grade_classes(s)
    if s.class_ids:
        q |= Q(school_class_id__in=s.class_ids)
    return q


def _staff_schools(s: Scope) -> set[int]:
    """Schools whose staff the user is (teachers, grade and subject leaders, school roles)."""
    return set(s.member_school_ids) | set(s.school_ids)


def _children_schools(s: Scope) -> QuerySet:
    return Student.objects.filter(pk__in=s.child_ids).values("school_id")


@scope_rule(PhoneRule)
def _phone_rule_rule(s: Scope) -> Q:
    q = _wide(s, "school_id")
    if _staff_schools(s):
        q |= Q(school_id__in=_staff_schools(s))
    if s.child_ids:
        q |= Q(school_id__in=_children_schools(s))
    return q


@scope_rule(ReadingTitle)
def _title_rule(s: Scope) -> Q:
    q = _wide(s, "school_id")
    if _staff_schools(s):
        q |= Q(school_id__in=_staff_schools(s))
    if s.child_ids:  # parents: the recommended list only
        q |= Q(school_id__in=_children_schools(s), status=ReadingTitle.Status.LISTED)
    return q


@scope_rule(ReadingDecision)
def _decision_rule(s: Scope) -> Q:
    q = _wide(s, "title__school_id")
    if _staff_schools(s):
        q |= Q(title__school_id__in=_staff_schools(s))
    return q


# --- who may do what -------------------------------------------------------------------------------------------
def is_staff(user) -> bool:
    s = Scope.of(user)
    return bool(s.district_ids or _staff_schools(s))


def is_coordinator(user) -> bool:
    """Those who see more than their own classes: bureau, school roles, grade leaders."""
    s = Scope.of(user)
    return bool(s.district_ids or s.school_ids or s.grades)


def recordable_classes(user) -> QuerySet:
    """Classes whose activity the user records: the own class of a head teacher, the classes taught PE this term,
    every class of the school for its PE teacher / school doctor role (校医/体育教师)."""
    s = Scope.of(user)
    q = Q(pk__in=s.head_class_ids)
    if s.has_role(Role.SCHOOL_DOCTOR):
        q |= Q(school_id__in=s.school_ids)
    if s.teacher_id is not None:
        q |= Q(pk__in=TeachingAssignment.objects.filter(teacher_id=s.teacher_id, term_id=s.term_id,
                                                        subject__code="pe").values("school_class_id"))
    return classes(user).filter(q).order_by("school__code", "grade", "number")


def may_record_activity(user, school_class: SchoolClass) -> bool:
    return recordable_classes(user).filter(pk=school_class.pk).exists()


def may_set_phone_rule(user, school: School) -> bool:
    s = Scope.of(user)
    return s.has_role(*SCHOOL_LEADERS) and school.pk in s.school_ids


def may_decide_phone(user, exception: PhoneException) -> bool:
    """The child's head teacher, or the school's principal and academic office."""
    s = Scope.of(user)
    return exception.school_class_id in s.head_class_ids or may_set_phone_rule(user, exception.school_class.school)


def may_decide_step(user, title: ReadingTitle, last_step: bool) -> bool:
    """评议 and 确认 by the school's principal or academic office; 备案 (the last step) by the district."""
    s = Scope.of(user)
    if last_step:
        return s.has_role(*DISTRICT_ROLES) and title.school.district_id in s.district_ids
    return s.has_role(*SCHOOL_LEADERS) and title.school_id in s.school_ids


def proposing_schools(user) -> QuerySet:
    """Schools the user may propose titles for: where the user is on the staff (not the bureau)."""
    return visible(user, School).filter(pk__in=_staff_schools(Scope.of(user))).order_by("code")


# --- reads ---------------------------------------------------------------------------------------------------
def classes(user) -> QuerySet:
    return visible(user, SchoolClass).filter(academic_year_id=Scope.of(user).academic_year_id).select_related("school")


def phone_rule_in_force(school: School, on) -> PhoneRule | None:
    """The school's rule in force on ``on`` (callers have checked the school is visible)."""
    return PhoneRule.objects.filter(school=school, effective_from__lte=on).order_by("-effective_from").first()
