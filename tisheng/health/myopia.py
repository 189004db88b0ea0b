"""Myopia rates of the screenings a user sees (R-MON-5), for the vision dashboard and the fitness report.

The classification is stored (``actions.save_vision``); the rates and their change are computed by
``tisheng.core.vision`` from the stored rows. Targets come from the rule set: the yearly decrease
(``shandong_baseline.r06.myopia_rate.decrease_vs_previous_year_pp.min``) and the 2030 rate of each school
stage (``myopia.target_2030.rate.max``).
"""

from django.utils.translation import gettext_lazy as _

from tisheng.core import vision
from tisheng.health.queries import vision_frame
from tisheng.rulesets.services import rule_value

DECREASE_RULE = "shandong_baseline.r06.myopia_rate.decrease_vs_previous_year_pp.min"
STAGE_TARGET_RULE = "myopia.target_2030.rate.max"
BASIS_LABELS = {
    vision.REFRACTION: _("screening myopia rate (acuity below 5.0 and spherical equivalent below −0.50 D)"),
    vision.ACUITY: _("poor-vision rate (acuity below 5.0; suspected myopia, no refraction data)"),
    vision.MIXED: _("myopia rate (by refraction where measured, by acuity alone elsewhere)"),
}


def _rows(frame):
    return frame.to_dicts()


def myopia_view(qs, *, school=None, district=None, group_by: str = "school") -> dict | None:
    """Rates of the records ``qs``: the latest year's figure with its change against last year and the yearly
    target, the trend over the years (overall and by sex), the latest year by grade (with last year's rate
    of the same grade and the 2030 target of its stage) and by ``group_by`` ("school" or "class"), each group
    with its change against last year (a class: against the same pupils' rate last year, ``cohort_change``).
    None when there is no record."""
    frame = vision_frame(qs)
    if frame.is_empty():
        return None
    where = {"school": school, "district": district}
    decrease = rule_value(DECREASE_RULE, **where)
    years = vision.trend(frame, decrease)
    latest_year = years["year"].max()
    latest = years.filter(year=latest_year).row(0, named=True)
    grades = vision.trend(frame, decrease, by=["grade"]).filter(year=latest_year)
    by_grade = []
    for row in _rows(grades):
        row["target_2030"] = rule_value(STAGE_TARGET_RULE, grade=row["grade"], **where)
        by_grade.append(row)
    key = "class" if group_by == "class" else "school"
    if key == "school":
        groups = vision.trend(frame, decrease, by=["school"]).filter(year=latest_year)
    else:  # a class has other pupils' figures last year under its name: compare with its own pupils then
        groups = vision.cohort_change(frame, ["grade", "class_number", "class"], decrease)
    return {
        "year": latest_year, "latest": latest, "decrease_target": decrease,
        "basis_label": BASIS_LABELS[latest["basis"]],
        "trend": _rows(years), "by_grade": by_grade,
        "groups": [{**row, "name": row[key]} for row in _rows(groups)], "group_by": key,
    }
