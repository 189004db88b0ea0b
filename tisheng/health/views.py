"""Fitness pages. Thin: records come from ``queries.records`` (which starts from ``visible``), tests and pupils
from ``get_for_user``; an object outside the scope is a 404, a page the role does not use a 403."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tisheng.accounts.models import Role
from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.health import exports, queries
from tisheng.health.models import ITEMS, FitnessRecord, FitnessTest, Level
from tisheng.roster.models import Student
from tisheng.rulesets.services import rule_value

PASS_RATE_RULE = "shandong_baseline.r06.fitness_pass_rate.min"
SEX_LABELS = {"M": "男", "F": "女"}


def _staff_only(user):
    """Summaries and exports are for staff; a parent has the pupil page."""
    s = Scope.of(user)
    if not (s.roles - {Role.PARENT}):
        raise PermissionDenied


@require_GET
def overview(request):
    """The tests the user sees, each with its pass and good-or-excellent rates; parents see their children."""
    s = Scope.of(request.user)
    tests = visible(request.user, FitnessTest).select_related("school", "term__academic_year").order_by(
        "school__code", "-term__start_date")
    staff = bool(s.roles - {Role.PARENT})
    rows = [(test, queries.summarise(queries.records(request.user, test))) for test in tests] if staff else []
    children = visible(request.user, Student).filter(pk__in=s.child_ids) if s.child_ids else []
    return render(request, "health/overview.html", {"rows": rows, "children": children})


def _chart(qs) -> dict:
    data = queries.levels_by_grade_and_sex(qs)
    categories = [f"{g}年级 {SEX_LABELS.get(sex, sex)}" for g, sex in data["keys"]]
    labels = dict(Level.choices)
    return {"categories": categories, "series": [{"name": str(labels[lv]), "data": v} for lv, v in data["series"]]}


@require_GET
def summary(request, pk):
    """One test's summary for a class, a grade or the whole visible part of the school, against the target."""
    _staff_only(request.user)
    test = get_for_user(request.user, FitnessTest.objects.select_related("school", "term__academic_year"), pk=pk)
    qs = queries.records(request.user, test)
    grades = sorted(set(qs.values_list("grade", flat=True)))
    classes = sorted({(r.school_class.grade, r.school_class.number, r.school_class.pk, r.school_class.name)
                      for r in qs.exclude(school_class=None).select_related("school_class")})
    grade = request.GET.get("grade", "")
    class_id = request.GET.get("class", "")
    if grade.isdigit():
        qs = qs.filter(grade=int(grade))
    if class_id.isdigit():
        qs = qs.filter(school_class_id=int(class_id))
    result = queries.summarise(qs)
    before = queries.previous_test(test)
    previous = None
    if before is not None:
        old = queries.records(request.user, before)
        previous = queries.summarise(old.filter(grade=int(grade)) if grade.isdigit() else old)
        if not previous.scored:
            previous = None
    target = rule_value(PASS_RATE_RULE, school=test.school, on=test.date)
    item_labels = {i: FitnessRecord._meta.get_field(i).verbose_name for i in ITEMS}
    return render(request, "health/summary.html", {
        "test": test, "summary": result, "previous": previous, "before": before, "target": target,
        "below_target": result.pass_rate is not None and result.pass_rate < target,
        "grades": grades, "classes": classes, "grade": grade, "class_id": class_id,
        "sexes": [(SEX_LABELS[s], v) for s, v in result.sex_rates().items()],
        "item_rows": [(item_labels[i], n, rate) for i, n, rate in result.item_rates()],
        "levels": [(label, result.levels[value]) for value, label in Level.choices],
        "chart": _chart(qs),
        "records": qs.select_related("student", "school_class").order_by("school_class__number", "student__name")[:500],
        "may_export": queries.sees_whole_school(request.user, test.school),
    })


@require_GET
def export(request, pk):
    """The test's records (those the user sees) in the national upload template's layout."""
    _staff_only(request.user)
    test = get_for_user(request.user, FitnessTest.objects.select_related("school", "term"), pk=pk)
    data = exports.national_workbook(request.user, test, queries.records(request.user, test))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''fitness-{test.pk}.xlsx"
    return response


@require_GET
def student(request, pk):
    """One pupil's results over the years: measurements, item scores, total and level (no ranks)."""
    pupil = get_for_user(request.user, Student, pk=pk)
    records = queries.records(request.user).filter(student=pupil).select_related("test__term__academic_year").order_by(
        "-test__term__start_date")
    item_labels = [(i, FitnessRecord._meta.get_field(i).verbose_name) for i in ITEMS]
    rows = [{"record": r, "results": [(label, getattr(r, i), getattr(r, f"{i}_score")) for i, label in item_labels
                                    if getattr(r, i) is not None or getattr(r, f"{i}_score") is not None]}
            for r in records]
    return render(request, "health/student.html", {"pupil": pupil, "rows": rows, "title": _("Fitness results")})
