"""The value-added of one assessment: scores out of the assessments app, through ``tisheng.core.growth``, into
the result tables. Every formula is the core's; this module chooses the data and stores what comes back.

    run(assessment_id)          the task's body: each paper of the assessment as an outcome, then stored
    prior_papers(paper, count)  the earlier comparable papers of the same cohort and subject (the priors)
    load(paper, priors)         one row per pupil: outcome, prior scores, school and class on the day
    fit(frame, …)               multilevel value-added of schools and classes; growth percentiles; median SGP
    later_assessments(a)        the assessments whose priors may include this one (recomputed after it)

Safeguards (docs/value-added.md):

* priors from another paper are never subtracted: they are predictors in the regression (multilevel
  model) and the quantile regressions (SGP); a pupil needs the outcome and every prior (listwise);
* pupils are attributed to the school and class of their roster membership on the outcome assessment's
  date (``assessments.students.memberships_on``), not the class they were in for the prior;
* groups under the rule set's minimum (``exam.value_added.min_group_size``) are stored as "too small", without an
  estimate; every estimate has its interval (``exam.value_added.interval.level``);
* the model descriptions, fitted parameters, priors and n are stored with the run, so a figure can be
  reproduced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tisheng.assessments.models import Assessment, Paper, PaperScore, Status
from tisheng.assessments.students import memberships_on
from tisheng.core import growth
from tisheng.evaluation.models import (
    GroupEstimate,
    GroupLevel,
    Measure,
    StudentGrowth,
    ValueAddedJob,
    ValueAddedRun,
)
from tisheng.rulesets.services import ruleset_for, scope_chain

logger = logging.getLogger(__name__)

# Kinds of assessment that count as a comparable prior: whole-course exams of the cohort, not short checks.
PRIOR_KINDS = (Assessment.Kind.MIDTERM, Assessment.Kind.FINAL, Assessment.Kind.SAMPLING)
RULE_KEYS = {"min_group_size": "exam.value_added.min_group_size", "level": "exam.value_added.interval.level",
             "priors": "exam.value_added.priors.count"}
OUTCOME = "score"


def rules_for(assessment: Assessment) -> dict:
    """The value-added rules in force for the organiser (the district, or the school) on the assessment's date."""
    rules = ruleset_for(school=assessment.school, district=assessment.district)
    chain = scope_chain(school=assessment.school, district=assessment.district)
    return {name: rules.value(key, assessment.grade, chain, assessment.date) for name, key in RULE_KEYS.items()}


# --- the task's body --------------------------------------------------------------------------------------
def run(assessment_id: int) -> None:
    started = timezone.now()
    job, _created = ValueAddedJob.objects.get_or_create(assessment_id=assessment_id)
    ValueAddedJob.objects.filter(pk=job.pk).update(state=ValueAddedJob.State.RUNNING)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.select_related("term__academic_year", "school", "district").get(
                pk=assessment_id)
            rules = rules_for(assessment)
            placed = memberships_on(assessment.term, assessment.date, school__district_id=assessment.district_id)
            placed = placed.rename({"school_id": "school", "school_class_id": "class"})
            for paper in assessment.papers.select_related("subject").order_by("pk"):
                store(paper, fit_paper(paper, placed, rules))
    except Exception:
        logger.exception("value-added of assessment %s failed", assessment_id)
        ValueAddedJob.objects.filter(pk=job.pk).update(state=ValueAddedJob.State.FAILED, finished_at=timezone.now())
        return
    # Scores changed while it ran have queued another run: stay "queued" until that one has finished.
    again = ValueAddedJob.objects.filter(pk=job.pk, queued_at__gt=started).exists()
    ValueAddedJob.objects.filter(pk=job.pk).update(
        state=ValueAddedJob.State.QUEUED if again else ValueAddedJob.State.DONE, finished_at=timezone.now())


def later_assessments(assessment: Assessment) -> list[int]:
    """Later assessments of the same cohort that already have value-added: this one may be (or have been)
    among their priors, so their figures are recomputed after it changes."""
    cohort = assessment.grade - assessment.term.academic_year.start_year
    later = (Assessment.objects.filter(district_id=assessment.district_id, date__gt=assessment.date,
                                       value_added_job__isnull=False)
             .select_related("term__academic_year"))
    return [a.pk for a in later if a.grade - a.term.academic_year.start_year == cohort]


# --- choosing the data ------------------------------------------------------------------------------------
def prior_papers(paper: Paper, count: int) -> list[Paper]:
    """The ``count`` latest papers of the same subject in earlier comparable assessments of the same pupils:
    the same cohort (grade − start year of the academic year), a whole-course exam, organised by the bureau
    (or, for a school's own assessment, also by that school). Latest first."""
    a = paper.assessment
    cohort = a.grade - a.term.academic_year.start_year
    organiser = Q(assessment__organiser=Assessment.Organiser.DISTRICT)
    if a.school_id:
        organiser |= Q(assessment__school_id=a.school_id)
    candidates = (
        Paper.objects.filter(organiser, subject_id=paper.subject_id, assessment__district_id=a.district_id,
                             assessment__date__lt=a.date, assessment__kind__in=PRIOR_KINDS,
                             scores__status=Status.SAT)
        .distinct().select_related("assessment__term__academic_year")
        .order_by("-assessment__date", "-assessment_id")
    )
    found = []
    for p in candidates[:50]:
        if p.assessment.grade - p.assessment.term.academic_year.start_year == cohort:
            found.append(p)
            if len(found) == count:
                break
    return found


def prior_name(i: int) -> str:
    """The column of the i-th prior (1 = the latest) in the model's formula."""
    return f"prior{i}"


def _scores(paper: Paper, column: str) -> pl.DataFrame:
    rows = PaperScore.objects.filter(paper=paper, status=Status.SAT).values_list("student_id", "score")
    return pl.DataFrame(list(rows), schema={"student_id": pl.Int64, column: pl.Float64}, orient="row")


def load(paper: Paper, priors: list[Paper], placed: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Pupils who sat the outcome and every prior, with the school and class of their membership on the
    outcome's date; and how many such pupils had no membership that day (left out, counted)."""
    frame = _scores(paper, OUTCOME)
    for i, prior in enumerate(priors, start=1):
        frame = frame.join(_scores(prior, prior_name(i)), on="student_id", how="inner")
    attributed = frame.join(placed, on="student_id", how="inner")
    return attributed.sort("student_id"), frame.height - attributed.height


# --- fitting ----------------------------------------------------------------------------------------------
@dataclass
class Fit:
    paper: Paper
    priors: list[Paper]
    rules: dict
    frame: pl.DataFrame
    n_unplaced: int
    state: str
    message: str = ""
    model: dict | None = None
    groups: pl.DataFrame | None = None  # measure, level, school, class, n, too_small, estimate, lower, upper, reading, data
    students: pl.DataFrame | None = None  # student_id, school, class, score, priors, sgp, cut_35, cut_65


def fit_paper(paper: Paper, placed: pl.DataFrame, rules: dict) -> Fit:
    priors = prior_papers(paper, int(rules["priors"]))
    if not priors:
        return Fit(paper, [], rules, pl.DataFrame(), 0, ValueAddedRun.State.NO_PRIOR)
    frame, unplaced = load(paper, priors, placed)
    return fit(paper, priors, frame, unplaced, rules)


def fit(paper: Paper, priors: list[Paper], frame: pl.DataFrame, n_unplaced: int, rules: dict) -> Fit:
    """The multilevel value-added of schools and classes (classes only when the pupils are in one school)
    and, where there are enough pupils, growth percentiles and each group's median."""
    names = [prior_name(i) for i in range(1, len(priors) + 1)]
    result = Fit(paper, priors, rules, frame, n_unplaced, ValueAddedRun.State.DONE)
    min_n, level, as_of = int(rules["min_group_size"]), float(rules["level"]), paper.assessment.date
    levels = ("school", "class") if frame["school"].n_unique() > 1 else ("class",)
    try:
        va = growth.fit_multilevel(frame, OUTCOME, names, groups=levels, min_group_size=min_n, level=level,
                                   as_of=as_of)
    except ValueError as exc:  # too few pupils or groups, a constant prior: said on the page, nothing stored
        result.state, result.message = ValueAddedRun.State.FAILED, str(exc)[:300]
        if isinstance(exc, growth.CannotFit):  # said in the reader's language on the pages (present.why_not)
            result.model = {"failure": {"reason": exc.reason, **exc.params}}
        return result
    model = {"value_added": {"description": va.description.as_dict(), "fixed": va.fixed.to_dicts(),
                             "variances": va.variances.to_dicts(), "theta": va.theta, "sigma2": va.sigma2,
                             "criterion": va.criterion, "converged": va.converged, "singular": va.singular}}
    groups = [_va_groups(va, levels, frame)]
    students = frame.select("student_id", "school", "class", OUTCOME,
                            pl.concat_list(names).alias("priors") if names else pl.lit([]).alias("priors"))
    try:
        sgp = growth.student_growth_percentiles(frame, OUTCOME, names, id_column="student_id",
                                                loss_hoss=(0.0, float(paper.full_mark)), as_of=as_of)
    except ValueError as exc:  # SGP needs about 80 pupils per prior: the value-added stands without it
        result.message = str(exc)[:300]
        if isinstance(exc, growth.CannotFit):  # said in the reader's language on the pages (present.why_not)
            model["sgp_skipped"] = {"reason": exc.reason, **exc.params}
        students = students.with_columns(pl.lit(None, dtype=pl.Int64).alias("sgp"),
                                          pl.lit(None, dtype=pl.Float64).alias("cut_35"),
                                          pl.lit(None, dtype=pl.Float64).alias("cut_65"))
    else:
        model["sgp"] = {"description": sgp.description.as_dict(), "knots": sgp.knots, "boundaries": sgp.boundaries}
        per_student = sgp.students.select("student_id", "sgp", "cut_35", "cut_65")
        students = students.join(per_student, on="student_id", how="left")
        for by, group_level in ((("school",), GroupLevel.SCHOOL), (("school", "class"), GroupLevel.CLASS)):
            if group_level == GroupLevel.SCHOOL and len(levels) == 1:
                continue
            table, desc = growth.group_median_sgp(students, by, min_group_size=min_n, level=level, as_of=as_of,
                                                  description=sgp.description)
            model["sgp"].setdefault("groups", {})[group_level] = desc.as_dict()
            groups.append(_sgp_groups(table, group_level))
    result.model, result.groups, result.students = model, pl.concat(groups, how="diagonal_relaxed"), students
    return result


def _va_groups(va: growth.MultilevelResult, levels: tuple[str, ...], frame: pl.DataFrame) -> pl.DataFrame:
    """The estimate shown for a class is its place among all classes (school + class effect) when schools
    are a level; for a school, its own effect."""
    out = []
    for name in levels:
        t = va.groups[name]
        if "school" not in t.columns:  # classes of one school: the school is not a level of the model
            t = t.join(frame.select("class", "school").unique(), on="class", how="left")
        if name == "class" and "total" in t.columns:
            t = t.with_columns(
                pl.struct(within=pl.col("estimate"), within_lower=pl.col("lower"), within_upper=pl.col("upper"),
                          within_reading=pl.col("reading"), se=pl.col("total_se")).alias("data"),
            ).select("school", "class", "n", "status", "data", estimate="total", lower="total_lower",
                     upper="total_upper", reading="total_reading")
        else:
            t = t.with_columns(pl.struct(se=pl.col("se")).alias("data")).select(
                "school", *(["class"] if name == "class" else []), "n", "status", "data", "estimate", "lower",
                "upper", "reading")
        out.append(t.with_columns(pl.lit(Measure.VALUE_ADDED.value).alias("measure"),
                                  pl.lit(name).alias("level")))
    return pl.concat(out, how="diagonal_relaxed")


def _sgp_groups(table: pl.DataFrame, level: str) -> pl.DataFrame:
    return table.with_columns(pl.struct(mean_sgp=pl.col("mean_sgp")).alias("data")).select(
        "school", *(["class"] if level == GroupLevel.CLASS else []), "n", "status", "data",
        pl.col("median_sgp").alias("estimate"), "lower", "upper", "reading",
        pl.lit(Measure.MEDIAN_SGP.value).alias("measure"), pl.lit(level).alias("level"))


# --- storing ----------------------------------------------------------------------------------------------
def store(paper: Paper, result: Fit) -> ValueAddedRun:
    """Replaces the paper's stored run, its groups and pupils."""
    ValueAddedRun.objects.filter(paper=paper).delete()
    assessment = paper.assessment
    run = ValueAddedRun.objects.create(
        assessment=assessment, paper=paper, subject_id=paper.subject_id, state=result.state, message=result.message,
        priors=[{"assessment": p.assessment_id, "paper": p.pk, "name": p.assessment.name,
                 "date": p.assessment.date.isoformat(), "column": prior_name(i)}
                for i, p in enumerate(result.priors, start=1)],
        n_students=result.frame.height, n_unplaced=result.n_unplaced,
        min_group_size=int(result.rules["min_group_size"]), level=float(result.rules["level"]),
        model=result.model or {},
    )
    run.prior_papers.set(result.priors)
    if result.groups is not None:
        GroupEstimate.objects.bulk_create([
            GroupEstimate(run=run, assessment=assessment, subject_id=paper.subject_id, measure=g["measure"],
                          level=g["level"], school_id=g["school"], school_class_id=g.get("class"), n=g["n"],
                          too_small=g["status"] != "ok", estimate=g["estimate"], lower=g["lower"], upper=g["upper"],
                          reading=g["reading"], data={k: v for k, v in (g["data"] or {}).items() if v is not None})
            for g in result.groups.iter_rows(named=True)
        ], batch_size=2000)
    if result.students is not None:
        StudentGrowth.objects.bulk_create([
            StudentGrowth(run=run, assessment=assessment, subject_id=paper.subject_id, student_id=s["student_id"],
                          school_id=s["school"], school_class_id=s["class"], score=s[OUTCOME],
                          prior_scores=list(s["priors"]), sgp=s["sgp"], cut_35=s["cut_35"], cut_65=s["cut_65"])
            for s in result.students.iter_rows(named=True)
        ], batch_size=5000)
    return run
