"""Fitness and vision pages. Thin: records come from ``queries.records`` (which starts from ``visible``), tests and pupils
from ``get_for_user``; an object outside the scope is a 404, a page the role does not use a 403."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tisheng.accounts.models import Role
from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.health import actions, exports, myopia, queries
from tisheng.health.models import ITEMS, FitnessRecord, FitnessTest, Level
from tisheng.roster.models import School, Student, grade_name
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
    return render(request, "health/overview.html", {"rows": rows, "children": children, "staff": staff})


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
    """One pupil's results over the years: measurements, item scores, total and level (no ranks), and the
    vision screenings' results."""
    pupil = get_for_user(request.user, Student, pk=pk)
    records = queries.records(request.user).filter(student=pupil).select_related("test__term__academic_year").order_by(
        "-test__term__start_date")
    item_labels = [(i, FitnessRecord._meta.get_field(i).verbose_name) for i in ITEMS]
    rows = [{"record": r, "results": [(label, getattr(r, i), getattr(r, f"{i}_score")) for i, label in item_labels
                                    if getattr(r, i) is not None or getattr(r, f"{i}_score") is not None]}
            for r in records]
    screenings = queries.vision_records(request.user).filter(student=pupil).select_related(
        "screening__term__academic_year").order_by("-screening__term__start_date")
    return render(request, "health/student.html", {"pupil": pupil, "rows": rows, "screenings": screenings,
                                                   "title": _("Fitness results")})


# --- dashboards ------------------------------------------------------------------------------------------------
def _by_school(request, qs, event: str):
    """``qs`` narrowed to the school picked in ``?school=`` among the schools of the records the user sees;
    returns (records, schools, the school or None). One school seen is always picked."""
    ids = set(qs.values_list(f"{event}__school_id", flat=True).distinct())
    schools = list(School.objects.filter(pk__in=ids).select_related("district").order_by("code"))
    picked = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == picked), None) or (schools[0] if len(schools) == 1 else None)
    return (qs.filter(**{f"{event}__school": school}) if school else qs), schools, school


def _line(categories, series) -> dict:
    return {"kind": "line", "categories": categories, "series": [{"name": str(n), "data": d} for n, d in series]}


def _bars(categories, series, *, horizontal=False) -> dict:
    return {"kind": "bar", "horizontal": horizontal, "categories": categories,
            "series": [{"name": str(n), "data": d} for n, d in series]}


def _year_label(start: int) -> str:
    return f"{start}–{start + 1}"


@require_GET
def dashboard(request):
    """Fitness across the years the user sees: levels by grade and sex, item pass rates, and the trend of the
    pass and good-or-excellent rates (per school, or the whole district)."""
    _staff_only(request.user)
    qs, schools, school = _by_school(request, queries.records(request.user), "test")
    years = queries.fitness_by_year(qs)
    context = {"schools": schools, "school": school, "years": years}
    if years:
        latest = years[-1][0]
        current = qs.filter(test__term__academic_year__start_year=latest)
        summary = years[-1][1]
        item_labels = {i: FitnessRecord._meta.get_field(i).verbose_name for i in ITEMS}
        items = [(item_labels[i], n, rate) for i, n, rate in summary.item_rates()]
        district = school.district if school else schools[0].district
        context |= {
            "latest": _year_label(latest), "summary": summary, "item_rows": items,
            "target": rule_value(PASS_RATE_RULE, school=school, district=None if school else district),
            "trend_rows": [(_year_label(y), s) for y, s in years],
            "levels_chart": _chart(current),
            "items_chart": _bars([str(label) for label, _n, _r in items],
                                 [(_("Pass rate"), [rate for _l, _n, rate in items])], horizontal=True),
            "trend_chart": _line([_year_label(y) for y, _s in years],
                                 [(_("Pass rate"), [s.pass_rate for _y, s in years]),
                                  (_("Good or excellent rate"), [s.good_rate for _y, s in years])]),
        }
    return render(request, "health/dashboard.html", context)


@require_GET
def vision_dashboard(request):
    """Myopia rates of the screenings the user sees: this year's against last year and the targets, the trend,
    by grade and sex, and by school (district) or class (one school)."""
    _staff_only(request.user)
    qs, schools, school = _by_school(request, queries.vision_records(request.user), "screening")
    data = None
    if schools:
        district = None if school else schools[0].district
        data = myopia.myopia_view(qs, school=school, district=district, group_by="class" if school else "school")
    context = {"schools": schools, "school": school, "data": data}
    if data:
        trend = data["trend"]
        context |= {
            "trend_chart": _line([_year_label(r["year"]) for r in trend],
                                 [(_("All pupils"), [r["rate"] for r in trend]), (_("Boys"), [r["rate_m"] for r in trend]),
                                  (_("Girls"), [r["rate_f"] for r in trend])]),
            "grade_chart": _bars([grade_name(r["grade"]) for r in data["by_grade"]],
                                 [(_("Boys"), [r["rate_m"] for r in data["by_grade"]]),
                                  (_("Girls"), [r["rate_f"] for r in data["by_grade"]])]),
            "year": _year_label(data["year"]),
            "trend_rows": [(_year_label(r["year"]), r) for r in trend],
            "grade_rows": [(grade_name(r["grade"]), r) for r in data["by_grade"]],
        }
    return render(request, "health/vision.html", context)


@require_GET
def graduation(request):
    """毕业成绩 of the pupils in grade 6 or 9 this year (``core.fitness.graduation_score``: 50 % of the final
    year's total + 50 % of the mean of the other years of the stage), with the yearly totals the user sees."""
    _staff_only(request.user)
    qs, schools, school = _by_school(request, queries.records(request.user), "test")
    rows, grades = queries.graduation_rows(qs)
    labels = dict(Level.choices)
    for row in rows:  # the core names levels in Chinese (优秀 …): shown in the interface language
        row["level_label"] = labels.get(actions.LEVEL_OF.get(row["level"]), "")
    return render(request, "health/graduation.html", {"schools": schools, "school": school, "rows": rows,
                                                      "grades": grades})
