from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.core.rules import defaults
from tisheng.dashboard.navigation import is_staff_member
from tisheng.roster.models import District, School
from tisheng.rulesets import actions
from tisheng.rulesets.forms import OverrideForm
from tisheng.rulesets.models import RuleOverride
from tisheng.rulesets.queries import may_override, schools_for_override
from tisheng.rulesets.services import ruleset_for, scope_chain

AREAS = ("homework", "sleep", "pe", "myopia", "fitness", "exam", "phone", "reading", "curriculum", "shandong_baseline")


def rule_list(request):
    """The rules in force for a school (or the district), each with its value, origin and source."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    scope = Scope.of(request.user)
    schools = visible(request.user, School).order_by("code")
    school = get_for_user(request.user, School, pk=request.GET["school"]) if request.GET.get("school") else None
    if school is None and not scope.is_district_wide:
        school = schools.first()
    district = school.district if school else District.objects.filter(id__in=scope.district_ids).first()
    area = request.GET.get("area", "")
    rs = ruleset_for(school=school, district=district)
    chain = scope_chain(school=school, district=district)
    rows = []
    for key in defaults().keys():
        if area and not key.startswith(area + "."):
            continue
        for record in defaults().records(key):
            rows += _rows_by_grade(rs, chain, key, record)
    overrides = visible(request.user, RuleOverride).select_related("school", "district")
    return render(request, "rulesets/rule_list.html", {
        "rows": rows, "school": school, "schools": schools, "areas": AREAS, "area": area,
        "overrides": overrides, "may_override": may_override(request.user), "today": date.today(),
    })


def override_create(request):
    if not may_override(request.user):
        raise PermissionDenied
    scope = Scope.of(request.user)
    form = OverrideForm(request.POST or None, schools=schools_for_override(request.user),
                        district_wide=bool(scope.admin_district_ids),
                        initial={"effective_from": date.today(), "key": request.GET.get("key")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        actions.add_override(request.user, key=d["key"], value=d["value_text"], school=d["school"],
                             grades=d["grades_text"], effective_from=d["effective_from"],
                             effective_to=d["effective_to"], note=d["note"])
        messages.success(request, _("The rule has been set."))
        return redirect("rulesets:rule_list")
    return render(request, "rulesets/override_form.html", {"form": form})


@require_POST
def override_end(request, pk: int):
    override = get_for_user(request.user, RuleOverride, pk=pk)
    if not may_override(request.user):
        raise PermissionDenied
    actions.end_override(request.user, override, date.today())
    messages.success(request, _("The override no longer applies from today."))
    return redirect("rulesets:rule_list")


def _rows_by_grade(rs, chain, key, record) -> list[dict]:
    """One row per run of consecutive grades with the same value in force (a local rule may cover a grade)."""
    grades = record.get("grades") or [None]
    runs: list[dict] = []
    for grade in grades:
        resolved = rs.resolve(key, grade=grade, scope_chain=chain)
        if runs and runs[-1]["resolved"].value == resolved.value and runs[-1]["resolved"].layer == resolved.layer:
            runs[-1]["grades"].append(grade)
        else:
            runs.append({"key": key, "grades": [grade] if grade else [], "resolved": resolved,
                         "display": display_value(resolved.value), "text": record.get("text_zh", "")})
    return runs


def display_value(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
