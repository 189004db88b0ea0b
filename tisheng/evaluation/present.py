"""How stored results are put into words and rows: the plain-language reading of every estimate (core's
``growth.reading``, in the interface language) and the statement of the model, priors and n that goes with
every figure (pages, reports, API)."""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tisheng.core import growth
from tisheng.evaluation.models import GroupEstimate, Measure, ValueAddedRun


def lang() -> str:
    return "zh" if (get_language() or "zh-hans").startswith("zh") else "en"


def reading_text(run: ValueAddedRun, row: GroupEstimate) -> str:
    kind = "sgp" if row.measure == Measure.MEDIAN_SGP else "value_added"
    return growth.reading(row.estimate, row.lower, row.upper, reference=50.0 if kind == "sgp" else 0.0,
                          lang=lang(), kind=kind, n=row.n, min_group_size=run.min_group_size, level=run.level)


def group_name(row: GroupEstimate) -> str:
    return row.school_class.name if row.school_class_id else row.school.name


def rows_for_table(run: ValueAddedRun, rows, measure: str) -> list[dict]:
    """The rows a table (and a caterpillar chart) shows: groups with an estimate from the highest down, then
    the groups too small to judge, by name — no rank column anywhere."""
    out = [{"row": r, "name": group_name(r), "reading": reading_text(run, r)} for r in rows]
    judged = sorted((x for x in out if not x["row"].too_small), key=lambda x: -x["row"].estimate)
    small = sorted((x for x in out if x["row"].too_small), key=lambda x: x["name"])
    return judged + small


@dataclass
class ModelStatement:
    """What every figure states: the model, the prior assessments, the number of pupils (and the rules)."""

    model: str
    formula: str
    priors: list[dict]
    n_students: int
    n_unplaced: int
    min_group_size: int
    level_pct: str
    growth: str  # the growth percentiles' model, or why there are none
    computed_at: object
    singular: bool  # a variance at zero: the groups of that level are not distinguishable (all estimates 0)


def described(run: ValueAddedRun) -> ModelStatement:
    va = run.model.get("value_added", {}).get("description", {})
    groups = va.get("groups") or []
    if groups == ["school", "class"]:
        model = _("Multilevel value-added model: pupils in classes in schools, random intercepts, "
                  "empirical-Bayes estimates (REML, as R lme4)")
    else:
        model = _("Multilevel value-added model: pupils in classes, random intercepts, empirical-Bayes "
                  "estimates (REML, as R lme4)")
    if run.has_growth:
        sgp_model = _("Student growth percentiles (Betebenner): quantile regression of the score on B-splines of "
                      "the prior scores, at 100 percentiles")
    else:
        sgp_model = _("No growth percentiles: %(why)s") % {
            "why": why_not(run.model.get("sgp_skipped"), run.message, percentiles=True)}
    return ModelStatement(
        model=model, formula=va.get("formula", ""), priors=run.priors, n_students=run.n_students,
        n_unplaced=run.n_unplaced, min_group_size=run.min_group_size, level_pct=f"{run.level * 100:g}",
        growth=sgp_model, computed_at=run.computed_at, singular=bool(run.model.get("value_added", {}).get("singular")),
    )


def why_not(failure: dict | None, message: str, *, percentiles: bool = False) -> str:
    """Why a model could not be fitted (core's ``CannotFit`` as stored by the run), in the reader's language;
    the core's own words only for a reason without a key (runs stored before there were keys)."""
    if not failure:
        return message or "—"
    reason = failure.get("reason", growth.TOO_FEW_STUDENTS)
    if reason == growth.TOO_FEW_STUDENTS and percentiles:
        return _("too few pupils for the quantile regressions: %(n)d pupils for %(k)d coefficients per "
                 "percentile, and at least ten pupils per coefficient are needed") % {
            "n": failure["n"], "k": failure["coefficients"]}
    if reason == growth.TOO_FEW_STUDENTS:
        return _("%(n)d pupils have all the scores the model needs, too few for its %(k)d coefficients") % {
            "n": failure["n"], "k": failure["coefficients"]}
    if reason == growth.TOO_FEW_GROUPS:
        units = _("schools") if failure.get("group") == "school" else _("classes")
        return _("the model compares %(units)s and needs at least two; these pupils are in %(n)d") % {
            "units": units, "n": failure["units"]}
    if reason == growth.COLLINEAR:
        return _("an earlier score is the same for every pupil, or follows from another earlier score")
    if reason == growth.TOO_FEW_VALUES:
        return _("an earlier score takes too few different values to tell pupils' growth apart")
    return message or "—"


def caption(run: ValueAddedRun) -> str:
    """One line for a chart or a report table: model, priors, n."""
    m = described(run)
    priors = "、".join(p["name"] for p in m.priors) if lang() == "zh" else ", ".join(p["name"] for p in m.priors)
    return _("%(model)s. Prior assessments: %(priors)s. %(n)s pupils with the score and every prior score; "
             "%(level)s%% intervals; groups under %(min)s pupils are not judged.") % {
        "model": m.model, "priors": priors, "n": m.n_students, "level": m.level_pct, "min": m.min_group_size}
