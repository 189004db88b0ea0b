"""Vision screening (视力筛查, R-MON-5): which pupils count as myopic, and myopia rates by group and year.

Pure functions on Polars frames; the Django side hands over one row per screened pupil and stores what
``classify`` returns. The criterion is data (``tisheng/core/data/tisheng_defaults.json``, read with
:func:`criterion`), from 国家卫健委《儿童青少年近视防控适宜技术指南》(2019):

* **筛查性近视 (screening myopia):** an eye with uncorrected visual acuity (裸眼视力, 5-point scale) below 5.0
  *and* a spherical equivalent (等效球镜 = sphere + cylinder / 2, non-cycloplegic refraction) below −0.50 D.
  A pupil is myopic when either eye is.
* **视力不良 (poor vision):** uncorrected acuity below 5.0 in either eye. Without refraction data it is the
  only figure there is, and counts as *suspected* myopia; the rates say which figure they are (``basis``).
* Pupils wearing orthokeratology lenses (角膜塑形镜, OK 镜) have their uncorrected acuity flattened by the lens
  and are counted as myopic (the screening norm WS/T 663—2020 does the same); plain glasses decide nothing.

Rates are percentages of the pupils screened, rounded to 0.1; comparisons use the unrounded fractions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from tisheng.core.rules import RuleSet, defaults

ACUITY_RULE = "vision.myopia.screening.acuity.below"
SE_RULE = "vision.myopia.screening.spherical_equivalent.below"
RANGE_RULE = "vision.acuity.plausible_range"

# The basis of a pupil's classification, and of a rate.
REFRACTION, ACUITY, OK_LENS, MIXED = "refraction", "acuity", "ok_lens", "mixed"

SCREENING_SCHEMA = {
    "va_right": pl.Float64, "va_left": pl.Float64,
    "sphere_right": pl.Float64, "cylinder_right": pl.Float64, "sphere_left": pl.Float64, "cylinder_left": pl.Float64,
    "ok_lens": pl.Boolean,
}


@dataclass(frozen=True)
class Criterion:
    """The screening thresholds: uncorrected acuity below ``acuity_below`` and SE below ``se_below`` (dioptres)."""

    acuity_below: float
    se_below: float


def criterion(rules: RuleSet | None = None, **resolve) -> Criterion:
    """The criterion in force (``resolve``: ``scope_chain``, ``on`` as for ``RuleSet.value``)."""
    rules = rules or defaults()
    return Criterion(float(rules.value(ACUITY_RULE, **resolve)), float(rules.value(SE_RULE, **resolve)))


def spherical_equivalent(sphere: pl.Expr, cylinder: pl.Expr) -> pl.Expr:
    """等效球镜 = sphere + cylinder / 2 (a missing cylinder is 0); null without a sphere."""
    return sphere + cylinder.fill_null(0.0) / 2


def classify(frame: pl.DataFrame, rule: Criterion) -> pl.DataFrame:
    """``frame`` (the columns of ``SCREENING_SCHEMA``, others kept) with ``se_right``, ``se_left``, ``poor_vision``,
    ``myopia`` and ``basis`` (``refraction``, ``acuity`` or ``ok_lens``) added.

    A pupil is judged by refraction when a sphere of at least one eye is known; an eye without its sphere then
    counts by nothing (it neither makes nor clears the pupil's myopia).
    """
    se_r = spherical_equivalent(pl.col("sphere_right"), pl.col("cylinder_right"))
    se_l = spherical_equivalent(pl.col("sphere_left"), pl.col("cylinder_left"))
    out = frame.with_columns(se_right=se_r, se_left=se_l)
    low_r, low_l = pl.col("va_right") < rule.acuity_below, pl.col("va_left") < rule.acuity_below
    eye_r = (low_r & (pl.col("se_right") < rule.se_below)).fill_null(False)
    eye_l = (low_l & (pl.col("se_left") < rule.se_below)).fill_null(False)
    poor = (low_r.fill_null(False) | low_l.fill_null(False))
    refracted = pl.col("sphere_right").is_not_null() | pl.col("sphere_left").is_not_null()
    ok_lens = pl.col("ok_lens").fill_null(False)
    return out.with_columns(
        poor_vision=poor,
        myopia=pl.when(ok_lens).then(True).when(refracted).then(eye_r | eye_l).otherwise(poor),
        basis=pl.when(ok_lens).then(pl.lit(OK_LENS)).when(refracted).then(pl.lit(REFRACTION))
        .otherwise(pl.lit(ACUITY)),
    )


def _pct(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then((100 * part / whole).round(1))


def rates(frame: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Myopia and poor-vision rates of classified rows (``classify``'s output with a ``sex`` "M"/"F"), one row per
    group of ``by`` (one row in all without it), sorted by ``by``.

    Columns: ``screened``, ``myopic``, ``rate`` (%), ``poor``, ``poor_rate``, ``screened_m``, ``rate_m``,
    ``screened_f``, ``rate_f``, ``share`` (myopic ÷ screened, unrounded, for comparisons) and ``basis``:
    ``acuity`` when no pupil had refraction data (the rate is then the 视力不良率, suspected myopia),
    ``refraction`` when every pupil had it or wore OK lenses (筛查性近视率), ``mixed`` otherwise.
    """
    boys, girls = pl.col("sex") == "M", pl.col("sex") == "F"
    aggregations = [
        pl.len().cast(pl.Int64).alias("screened"),
        pl.col("myopia").sum().cast(pl.Int64).alias("myopic"),
        pl.col("poor_vision").sum().cast(pl.Int64).alias("poor"),
        boys.sum().cast(pl.Int64).alias("screened_m"),
        (pl.col("myopia") & boys).sum().cast(pl.Int64).alias("myopic_m"),
        girls.sum().cast(pl.Int64).alias("screened_f"),
        (pl.col("myopia") & girls).sum().cast(pl.Int64).alias("myopic_f"),
        (pl.col("basis") == ACUITY).sum().cast(pl.Int64).alias("_by_acuity"),
    ]
    grouped = frame.group_by(list(by)).agg(aggregations).sort(list(by)) if by else frame.select(aggregations)
    return grouped.with_columns(
        rate=_pct(pl.col("myopic"), pl.col("screened")),
        poor_rate=_pct(pl.col("poor"), pl.col("screened")),
        rate_m=_pct(pl.col("myopic_m"), pl.col("screened_m")),
        rate_f=_pct(pl.col("myopic_f"), pl.col("screened_f")),
        share=pl.when(pl.col("screened") > 0).then(pl.col("myopic") / pl.col("screened")),
        basis=pl.when(pl.col("_by_acuity") == pl.col("screened")).then(pl.lit(ACUITY))
        .when(pl.col("_by_acuity") == 0).then(pl.lit(REFRACTION)).otherwise(pl.lit(MIXED)),
    ).drop("_by_acuity")


def trend(frame: pl.DataFrame, decrease_target_pp: float, by: Sequence[str] = (), year: str = "year") -> pl.DataFrame:
    """``rates`` per ``by`` and ``year`` with the change against the group's previous year present.

    Adds ``change_pp`` (this year's rate − last year's, percentage points, rounded to 0.1; negative is a
    decrease) and ``target_met`` (the rate fell by at least ``decrease_target_pp`` points, e.g.
    ``shandong_baseline.r06.myopia_rate.decrease_vs_previous_year_pp.min``); both null in a group's first year.
    """
    keys = [*by, year]
    out = rates(frame, keys).sort(keys)
    before = pl.col("share").shift(1)
    if by:
        before = before.over(list(by), order_by=year)
    change = (pl.col("share") - before) * 100
    return out.with_columns(
        change_pp=change.round(1),
        # a tolerance for the float error of e.g. 0.40 − 0.39 against a target of exactly 1 point
        target_met=-change >= decrease_target_pp - 1e-9,
    )


def cohort_change(
    frame: pl.DataFrame, by: Sequence[str], decrease_target_pp: float, *, year: str = "year", pupil: str = "student_id",
) -> pl.DataFrame:
    """``rates`` of the latest year per group of ``by`` (a class, whose grade and name change every year), with the
    change against the same pupils' rate the year before, whatever class they were in then.

    Adds ``before_screened`` and ``before_rate`` (the group's pupils screened the year before), ``change_pp`` (this
    year's rate − theirs then, percentage points, rounded to 0.1) and ``target_met`` (as in ``trend``); the last
    three null for a group none of whose pupils was screened the year before.
    """
    latest = frame[year].max()
    now = frame.filter(pl.col(year) == latest)
    groups = now.select(pupil, *by).unique(pupil, keep="last", maintain_order=True)
    before = frame.filter(pl.col(year) == latest - 1).drop(*by).join(groups, on=pupil)
    then = rates(before, by).select(*by, before_screened="screened", before_rate="rate", _before="share")
    change = (pl.col("share") - pl.col("_before")) * 100
    return (
        rates(now, by).join(then, on=list(by), how="left", nulls_equal=True)
        .with_columns(change_pp=change.round(1), target_met=-change >= decrease_target_pp - 1e-9)
        .drop("_before").sort(list(by))
    )

