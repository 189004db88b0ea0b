"""Scoped reads of the roster for pages and exports. Everything starts from ``visible``/``get_for_user``.

A student's grade and class are those of the open membership of the current term (one at most, by a
constraint), joined through a ``FilteredRelation`` so that a student appears once.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from tisheng.accounts.models import Role
from tisheng.accounts.scope import Scope, visible
from tisheng.memo import memoised
from tisheng.roster.models import (
    ClassMembership,
    HeadTeacher,
    School,
    SchoolClass,
    Student,
    Teacher,
    Term,
    grade_name,
)


def own_children(user) -> list[Student]:
    """A parent's own children with their school and district, by 学籍号 (the menu and the parent's pages ask
    for them several times a request: read once)."""
    scope = Scope.of(user)
    return memoised(("own_children", scope.user_id), lambda: list(
        Student.objects.filter(id__in=scope.child_ids).select_related("school__district").order_by("student_no")))


def current_term(user) -> Term | None:
    term_id = Scope.of(user).term_id
    return Term.objects.select_related("academic_year").filter(pk=term_id).first() if term_id else None


def students(user) -> QuerySet:
    """Visible students, each with ``grade``, ``class_number`` and ``class_id`` of the current term (or None)."""
    term_id = Scope.of(user).term_id
    return (
        visible(user, Student)
        .annotate(
            current=FilteredRelation(
                "memberships", condition=Q(memberships__term_id=term_id, memberships__left_on__isnull=True)
            )
        )
        .annotate(
            class_id=F("current__school_class_id"),
            grade=F("current__school_class__grade"),
            class_number=F("current__school_class__number"),
        )
        .select_related("school")
    )


def classes(user, academic_year_id: int | None = None) -> QuerySet:
    """Visible classes of one academic year (the current one by default)."""
    year = academic_year_id or Scope.of(user).academic_year_id
    return visible(user, SchoolClass).filter(academic_year_id=year).select_related("school", "academic_year")


def teachers(user) -> QuerySet:
    return visible(user, Teacher).select_related("person", "school").prefetch_related("subjects")


def schools(user) -> QuerySet:
    return visible(user, School).select_related("central_school", "group")


def count_by(queryset: QuerySet, *fields: str) -> Counter:
    """How many rows of ``queryset`` fall on each value (or tuple of values) of ``fields``, in one query."""
    rows = queryset.order_by().values(*fields).annotate(n=Count("pk", distinct=True))
    key = (lambda r: r[fields[0]]) if len(fields) == 1 else (lambda r: tuple(r[f] for f in fields))
    return Counter({key(r): r["n"] for r in rows})


def enrolled(student_qs: QuerySet) -> QuerySet:
    return student_qs.filter(active=True)


# --- personal data: who sees what in full (R-ACC-4, least privilege) --------------------------------------
def _scope_role_at_school(scope: Scope, school_id: int) -> bool:
    """A whole-school role (principal, academic office, school doctor) at this school or its central school."""
    return school_id in scope.school_ids


def sees_full_id_card(user, school_id: int, class_id: int | None = None, student_id: int | None = None) -> bool:
    """ID card numbers in full: the bureau administrator, the school's whole-school roles, the class's
    head teacher (who handles the 学籍 paperwork) and the pupil's own parents. Everyone else sees
    3701**********1234."""
    scope = Scope.of(user)
    return (
        scope.has_role(Role.BUREAU_ADMIN)
        or _scope_role_at_school(scope, school_id)
        or (class_id is not None and class_id in scope.head_class_ids)
        or (student_id is not None and student_id in scope.child_ids)
    )


def shown_student_no(user, student, class_id: int | None = None) -> str:
    """The 学籍号 as ``user`` may see it. The national 学籍号 is "G" + the 身份证号 for most pupils, so it is
    masked under the same rule as the ID number; other numbers (L…, school-made) are shown as they are."""
    number = student.student_no
    embeds_id = len(number) == 19 and number[1:].replace("X", "").isdigit()
    if embeds_id and not sees_full_id_card(user, student.school_id, class_id, student.pk):
        return number[0] + mask_id_card(number[1:])
    return number


def sees_full_phone(user, school_id: int) -> bool:
    """Guardians' and teachers' phone numbers in full: staff of that school, who need to call them."""
    return school_id in Scope.of(user).member_school_ids


def mask_id_card(value: str) -> str:
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "*" * max(len(value) - 2, 0)


def term_of_year(user, academic_year_id: int) -> Term | None:
    """The term whose class lists a page shows for an academic year: the current term for the current
    year, else that year's last term that has begun."""
    scope = Scope.of(user)
    if academic_year_id == scope.academic_year_id and scope.term_id:
        return Term.objects.select_related("academic_year").get(pk=scope.term_id)
    return (
        Term.objects.select_related("academic_year")
        .filter(academic_year_id=academic_year_id, start_date__lte=date.today())
        .order_by("-start_date")
        .first()
    )


def add_school_counts(user, schools: list) -> None:
    """Classes (this year), enrolled students and working teachers per school, each as the user sees them."""
    ids = [s.pk for s in schools]
    class_counts = count_by(classes(user).filter(school_id__in=ids), "school_id")
    student_counts = count_by(enrolled(visible(user, Student)).filter(school_id__in=ids), "school_id")
    teacher_counts = count_by(visible(user, Teacher).filter(active=True, school_id__in=ids), "school_id")
    for s in schools:
        s.class_count = class_counts.get(s.pk, 0)
        s.student_count = student_counts.get(s.pk, 0)
        s.teacher_count = teacher_counts.get(s.pk, 0)


def add_class_facts(user, rows: list, academic_year_id: int) -> None:
    """Each class's head teacher and number of pupils in the term the page shows. For this year's classes
    the count is of the enrolled students the student list shows behind it."""
    term = term_of_year(user, academic_year_id)
    ids = [c.pk for c in rows]
    if academic_year_id == Scope.of(user).academic_year_id:
        counts = count_by(enrolled(students(user)).filter(class_id__in=ids), "class_id")
    else:
        counts = count_by(
            visible(user, ClassMembership).filter(school_class_id__in=ids, term=term, left_on__isnull=True),
            "school_class_id",
        )
    heads = {
        h.school_class_id: h.teacher
        for h in HeadTeacher.objects.filter(school_class_id__in=ids, term=term).select_related("teacher__person")
    }
    for c in rows:
        c.student_count = counts.get(c.pk, 0)
        c.head_teacher = heads.get(c.pk)


def grade_rows(user, school=None) -> list[dict]:
    """Per grade: classes this year and enrolled students by sex, as the user sees them (one school or all)."""
    student_qs = enrolled(students(user)).filter(grade__isnull=False)
    class_qs = classes(user)
    if school is not None:
        student_qs, class_qs = student_qs.filter(school=school), class_qs.filter(school=school)
    by_sex = count_by(student_qs, "grade", "sex")
    class_counts = count_by(class_qs, "grade")
    rows = []
    for g in sorted(set(class_counts) | {g for g, _sex in by_sex}):
        male, female = by_sex.get((g, "M"), 0), by_sex.get((g, "F"), 0)
        rows.append({"grade": g, "name": grade_name(g), "classes": class_counts.get(g, 0),
                     "male": male, "female": female, "students": male + female})
    return rows
