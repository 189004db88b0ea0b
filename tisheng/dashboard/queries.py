"""The home page's numbers, each computed from the user's scoped querysets so that it equals the length of
the list it links to."""

from django.utils.translation import gettext as _

from tisheng.accounts.scope import Scope, visible
from tisheng.roster import queries
from tisheng.roster.models import Sex, TeachingAssignment, grade_name


def counts(user) -> dict[str, int]:
    enrolled = queries.enrolled(queries.students(user))
    return {
        "schools": queries.schools(user).count(),
        "classes": queries.classes(user).count(),
        "students": enrolled.count(),
        "boarding": enrolled.filter(boarding=True).count(),
        "left_behind": enrolled.filter(left_behind=True).count(),
        "teachers": queries.teachers(user).filter(active=True).count(),
    }


def grade_sex_chart(user) -> dict | None:
    """Enrolled students per grade by sex, for the ECharts bar chart (labels in the user's language). A scope of
    one grade (a grade leader) is shown per class instead; a single class needs no chart."""
    enrolled = queries.enrolled(queries.students(user)).filter(grade__isnull=False)
    by_grade = queries.count_by(enrolled, "grade", "sex")
    grades = sorted({g for g, _sex in by_grade})
    if len(grades) > 1:
        categories, counts = [(g, grade_name(g)) for g in grades], by_grade
        title = _("Students per grade by sex")
    else:
        counts = queries.count_by(enrolled, "class_id", "sex")
        classes = queries.classes(user).filter(pk__in={c for c, _sex in counts}).order_by("school__code", "grade", "number")
        if len(classes) < 2:
            return None
        categories = [(c.pk, c.name) for c in classes]
        title = _("Students per class by sex")
    return {
        "title": str(title),
        "categories": [label for _key, label in categories],
        "series": [{"name": str(label), "data": [counts.get((key, code), 0) for key, _l in categories]}
                   for code, label in Sex.choices],
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
    subjects: dict[int, list] = {}
    for a in (
        visible(user, TeachingAssignment)
        .filter(teacher_id=scope.teacher_id, term_id=scope.term_id, school_class_id__in=ids)
        .select_related("subject")
        .order_by("subject__order")
    ):
        subjects.setdefault(a.school_class_id, []).append(a.subject)
    for c in result:
        c.subjects = subjects.get(c.pk, [])
    return result


def children(user) -> list:
    """A parent's own children with their school and class this term. No scores, no ranks (R-ACC-4)."""
    scope = Scope.of(user)
    if not scope.child_ids:
        return []
    return list(queries.students(user).filter(pk__in=scope.child_ids).order_by("student_no"))
