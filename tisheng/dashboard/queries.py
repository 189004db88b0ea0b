"""The home page's numbers, each computed from the user's scoped querysets so that it equals the length of
the list it links to."""

from django.utils.translation import gettext as _

from tisheng.accounts.scope import Scope, visible
from tisheng.roster import queries
from tisheng.roster.models import Sex, TeachingAssignment, grade_name


def counts(user) -> dict[str, int]:
    return {
        "schools": queries.schools(user).count(),
        "classes": queries.classes(user).count(),
        "students": queries.enrolled(queries.students(user)).count(),
        "teachers": queries.teachers(user).filter(active=True).count(),
    }


def grade_sex_chart(user) -> dict | None:
    """Enrolled students per grade by sex, for the ECharts bar chart (labels in the user's language)."""
    by_sex = queries.count_by(queries.enrolled(queries.students(user)).filter(grade__isnull=False), "grade", "sex")
    grades = sorted({g for g, _sex in by_sex})
    if not grades:
        return None
    return {
        "categories": [grade_name(g) for g in grades],
        "series": [{"name": str(label), "data": [by_sex.get((g, code), 0) for g in grades]} for code, label in Sex.choices],
        "unit": _("students"),
    }


def head_classes(user) -> list:
    """The classes the user leads as 班主任 this term, each with its enrolled students."""
    scope = Scope.of(user)
    if not scope.head_class_ids:
        return []
    result = list(queries.classes(user).filter(pk__in=scope.head_class_ids).order_by("grade", "number"))
    queries.add_class_facts(user, result, scope.academic_year_id)
    for c in result:
        c.pupils = list(queries.enrolled(queries.students(user)).filter(class_id=c.pk).order_by("student_no"))
    return result


def taught_classes(user) -> list:
    """The classes the user teaches this term (other than their own class), with the subjects taught."""
    scope = Scope.of(user)
    ids = scope.class_ids - scope.head_class_ids
    if not ids or not scope.teacher_id:
        return []
    result = list(queries.classes(user).filter(pk__in=ids).order_by("school__code", "grade", "number"))
    queries.add_class_facts(user, result, scope.academic_year_id)
    subjects: dict[int, list[str]] = {}
    for a in (
        visible(user, TeachingAssignment)
        .filter(teacher_id=scope.teacher_id, term_id=scope.term_id, school_class_id__in=ids)
        .select_related("subject")
        .order_by("subject__order")
    ):
        subjects.setdefault(a.school_class_id, []).append(a.subject.name)
    for c in result:
        c.subjects = subjects.get(c.pk, [])
    return result


def children(user) -> list:
    """A parent's own children with their school and class this term. No scores, no ranks (R-ACC-4)."""
    scope = Scope.of(user)
    if not scope.child_ids:
        return []
    return list(queries.students(user).filter(pk__in=scope.child_ids).order_by("student_no"))
