"""Homework load under 双减 (R-MON-3, R-ASM-6): planned daily totals against the limits, completion in
school, estimated against reported minutes, students who repeatedly do not finish, and the content checks.

Pure functions on Polars frames; the Django side hands the facts over as columns and stores what comes back.

Conventions (Tisheng's; the policy texts are silent on them):

* **Layered homework (分层作业).** An item is for every student (layer ``""``), or for layer ``"A"`` or
  ``"B"`` only: a student does the common items and those of *one* layer. The load of a class-day is
  therefore ``common + max(layer A, layer B)`` — the load of the student with the heavier set.
* **The limit** (``homework.written.daily_avg_minutes.max``; 0 where written homework is not allowed, grades
  1–2) applies to *written* homework only. Practical work (实践体验型) is shown beside it, not limited. The
  limit is applied to every day of the week, weekend days included (the policy asks that weekend and holiday
  homework be "controlled" without a number; a weekend day above a school day's limit is flagged). Days
  without school — Saturdays, Sundays and the holidays and vacation days the caller names — are marked
  ``weekend`` and their written minutes summed apart (``weekend_written``).
* **Families report** the minutes today's written homework took (in school and at home together), whether
  it was finished in school, at home, or not finished, and the bedtime. Their mean is the class's average
  completion time, the measure the limit speaks of (书面作业平均完成时间); it is compared with the teachers'
  estimate (the planned written minutes) and with the limit.
* **Over the limit.** A plan that would take a class-day over its limit is not published, so the planned
  minutes exceed the limit only when a stricter rule came later. The families' reports can exceed it any
  day. A class-day's excess is the larger of the two (``excess``), and the rankings use it.
* **Bedtimes** after midnight are later than those before: times are compared on a clock that starts at noon.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

import polars as pl

KINDS = ("written", "practical")
LAYERS = ("", "A", "B")
FINISHED = ("school", "home", "not")  # finished in school, at home, not finished

ITEMS_SCHEMA = {"class_id": pl.Int64, "date": pl.Date, "kind": pl.String, "layer": pl.String, "minutes": pl.Int64}
FEEDBACK_SCHEMA = {
    "class_id": pl.Int64, "date": pl.Date, "student_id": pl.Int64, "minutes": pl.Int64, "finished": pl.String,
    "bedtime": pl.Time,
}
COUNTS_SCHEMA = {"class_id": pl.Int64, "date": pl.Date, "finished_in_school": pl.Int64}
CLASSES_SCHEMA = {"class_id": pl.Int64, "students": pl.Int64, "limit": pl.Int64, "bedtime": pl.Time}
# What ``class_days`` returns.
CLASS_DAY_SCHEMA = {
    "class_id": pl.Int64, "date": pl.Date, "weekend": pl.Boolean, "written": pl.Int64, "practical": pl.Int64,
    "total": pl.Int64, "limit": pl.Int64, "over_by": pl.Int64, "students": pl.Int64, "in_school_count": pl.Int64,
    "in_school_rate": pl.Float64, "reports": pl.Int64, "reported_minutes": pl.Float64, "minutes_gap": pl.Float64,
    "reported_over_by": pl.Float64, "excess": pl.Float64,
    "finished_school": pl.Int64, "finished_home": pl.Int64, "not_finished": pl.Int64,
    "reported_in_school_rate": pl.Float64, "late_bedtimes": pl.Int64,
}


def frame(rows: Sequence[Mapping] | pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Rows (dicts) or a frame, with exactly the columns of ``schema`` in their types."""
    if isinstance(rows, pl.DataFrame):
        return rows.select([pl.col(c).cast(t) for c, t in schema.items()])
    return pl.DataFrame(list(rows), schema=dict(schema))


# --- planned load ------------------------------------------------------------------------------------------
def daily_load(items: pl.DataFrame) -> pl.DataFrame:
    """Planned minutes per class-day: ``class_id, date, written, practical, total`` (see the layer rule above).

    ``items``: ``class_id, date, kind, layer, minutes`` (``ITEMS_SCHEMA``).
    """
    items = frame(items, ITEMS_SCHEMA).with_columns(pl.col("layer").fill_null(""), pl.col("minutes").fill_null(0))
    by_layer = items.group_by("class_id", "date", "kind", "layer").agg(pl.col("minutes").sum())
    per_kind = (
        by_layer.group_by("class_id", "date", "kind")
        .agg(
            common=pl.col("minutes").filter(pl.col("layer") == "").sum(),
            layered=pl.col("minutes").filter(pl.col("layer") != "").max(),
        )
        .with_columns(minutes=pl.col("common") + pl.col("layered").fill_null(0))
    )
    return (
        per_kind.group_by("class_id", "date")
        .agg(*[pl.col("minutes").filter(pl.col("kind") == kind).sum().cast(pl.Int64).alias(kind) for kind in KINDS])
        .with_columns(total=pl.col("written") + pl.col("practical"))
        .sort("class_id", "date")
    )


def over_limit(written: int, limit: int | None) -> int:
    """Minutes above the limit (0 when within it or when there is no limit). The scalar form of ``over_by``."""
    return max(0, written - limit) if limit is not None else 0


# --- the class-day table ----------------------------------------------------------------------------------
def clock_from_noon(col: pl.Expr) -> pl.Expr:
    """Minutes since 12:00, so that 00:30 (750) is later than 22:00 (600)."""
    minutes = col.dt.hour().cast(pl.Int32) * 60 + col.dt.minute().cast(pl.Int32)
    return (minutes - 720) % 1440


def class_days(
    items: pl.DataFrame,
    feedback: pl.DataFrame,
    counts: pl.DataFrame,
    classes: pl.DataFrame,
    days_off: Sequence[date] = (),
) -> pl.DataFrame:
    """One row per class-day that has planned homework, family reports or a head teacher's count.

    Inputs (schemas above): homework ``items``; family ``feedback`` (one row per student and day); the head
    teacher's ``counts`` of students who finished in school; ``classes`` with the class size, the day's
    written-minute limit (null: none known) and the latest bedtime for the grade; ``days_off``: weekdays
    without school (holidays, vacation), marked ``weekend`` like Saturdays and Sundays.

    Columns out (``CLASS_DAY_SCHEMA``): ``class_id, date, weekend, written, practical, total, limit,
    over_by`` (planned written minutes above the limit), ``students, in_school_count, in_school_rate,
    reports, reported_minutes`` (mean), ``minutes_gap`` (reported − planned written), ``reported_over_by``
    (reported mean above the limit), ``excess`` (the larger of the two excesses), ``finished_school,
    finished_home, not_finished, reported_in_school_rate, late_bedtimes``. Rates are fractions of the
    class size (head teacher's count) or of the reports (families'); null where the denominator is 0 or
    missing.
    """
    load = daily_load(items)
    feedback = frame(feedback, FEEDBACK_SCHEMA)
    counts = frame(counts, COUNTS_SCHEMA)
    classes = frame(classes, CLASSES_SCHEMA)

    reports = (
        feedback.join(classes.select("class_id", limit_bedtime="bedtime"), on="class_id", how="left")
        .group_by("class_id", "date")
        .agg(
            reports=pl.len(),
            reported_minutes=pl.col("minutes").mean(),
            finished_school=(pl.col("finished") == "school").sum(),
            finished_home=(pl.col("finished") == "home").sum(),
            not_finished=(pl.col("finished") == "not").sum(),
            late_bedtimes=(clock_from_noon(pl.col("bedtime")) > clock_from_noon(pl.col("limit_bedtime"))).sum(),
        )
    )
    keys = pl.concat(
        [load.select("class_id", "date"), reports.select("class_id", "date"), counts.select("class_id", "date")]
    ).unique()
    out = (
        keys.join(load, on=["class_id", "date"], how="left")
        .join(reports, on=["class_id", "date"], how="left")
        .join(counts, on=["class_id", "date"], how="left")
        .join(classes.select("class_id", "students", "limit"), on="class_id", how="left")
        .with_columns(
            pl.col("written", "practical", "total", "reports", "finished_school", "finished_home", "not_finished",
                   "late_bedtimes").fill_null(0).cast(pl.Int64),
        )
    )
    return out.select(
        "class_id",
        "date",
        weekend=(pl.col("date").dt.weekday() >= 6) | pl.col("date").is_in(list(days_off)),
        written=pl.col("written"),
        practical=pl.col("practical"),
        total=pl.col("total"),
        limit=pl.col("limit"),
        over_by=pl.when(pl.col("limit").is_not_null()).then((pl.col("written") - pl.col("limit")).clip(lower_bound=0)),
        students=pl.col("students"),
        in_school_count=pl.col("finished_in_school"),
        in_school_rate=_ratio(pl.col("finished_in_school"), pl.col("students")),
        reports=pl.col("reports"),
        reported_minutes=pl.col("reported_minutes"),
        minutes_gap=pl.col("reported_minutes") - pl.col("written"),
        reported_over_by=pl.when(pl.col("limit").is_not_null())
        .then((pl.col("reported_minutes") - pl.col("limit")).clip(lower_bound=0)),
        finished_school=pl.col("finished_school"),
        finished_home=pl.col("finished_home"),
        not_finished=pl.col("not_finished"),
        reported_in_school_rate=_ratio(pl.col("finished_school"), pl.col("reports")),
        late_bedtimes=pl.col("late_bedtimes"),
    ).with_columns(
        excess=pl.max_horizontal(pl.col("over_by").cast(pl.Float64), pl.col("reported_over_by")),
    ).select(list(CLASS_DAY_SCHEMA)).cast(CLASS_DAY_SCHEMA).sort("class_id", "date")


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num.cast(pl.Float64) / den)


# --- students who repeatedly do not finish (作业困难学生) -------------------------------------------------
def not_finished_students(feedback: pl.DataFrame, *, until: date, weeks: int, times: int) -> pl.DataFrame:
    """Students reported "not finished" at least ``times`` times in the ``weeks`` weeks ending on ``until``.

    The window is the ``7 × weeks`` days ``(until − 7·weeks, until]``. Columns out: ``student_id, class_id``
    (of the latest such report), ``times, last_date``; most times first.
    """
    feedback = frame(feedback, FEEDBACK_SCHEMA)
    start = until - timedelta(days=7 * weeks)
    return (
        feedback.filter((pl.col("finished") == "not") & (pl.col("date") > start) & (pl.col("date") <= until))
        .sort("date")
        .group_by("student_id")
        .agg(class_id=pl.col("class_id").last(), times=pl.len(), last_date=pl.col("date").max())
        .filter(pl.col("times") >= times)
        .sort(["times", "last_date", "student_id"], descending=[True, True, False])
    )


# --- rankings and summaries ---------------------------------------------------------------------------------
def most_over_limit(days: pl.DataFrame, n: int = 10) -> pl.DataFrame:
    """The ``n`` classes most over their limits in ``days`` (a :func:`class_days` frame; extra columns such as
    the school are kept by their first value): ``class_id, days_over, over_minutes, max_over`` counted on
    ``excess``; classes never over are left out. Ordered by minutes over in total, then days over."""
    extra = [c for c in days.columns if c not in CLASS_DAY_SCHEMA]
    return (
        days.filter(pl.col("excess") > 0)
        .group_by("class_id")
        .agg(
            days_over=pl.len(),
            over_minutes=pl.col("excess").sum(),
            max_over=pl.col("excess").max(),
            *[pl.col(c).first() for c in extra],
        )
        .sort(["over_minutes", "days_over", "class_id"], descending=[True, True, False])
        .head(n)
    )


def summarise(days: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Totals of a :func:`class_days` frame per group ``by`` (the whole frame when empty).

    ``class_days`` (rows with planned homework), ``days_over`` (planned over the limit), ``days_reported_over``
    (families' mean over the limit), ``mean_written`` (over planned days),
    ``weekend_written`` (minutes on weekend days), ``in_school_rate`` (Σ counts / Σ class sizes over the days
    a head teacher counted), ``reported_in_school_rate`` (Σ finished in school / Σ reports), ``mean_gap``
    (report-weighted mean of reported − planned minutes), ``reports``, ``not_finished``, ``late_bedtimes``.
    """
    counted = pl.col("in_school_count").is_not_null() & (pl.col("students") > 0)
    planned = pl.col("total") > 0
    aggs = [
        pl.col("date").filter(planned).len().alias("class_days"),
        (pl.col("over_by") > 0).sum().alias("days_over"),
        (pl.col("reported_over_by") > 0).sum().alias("days_reported_over"),
        pl.col("written").filter(planned).mean().alias("mean_written"),
        pl.col("written").filter(pl.col("weekend")).sum().alias("weekend_written"),
        _safe_div(pl.col("in_school_count").filter(counted).sum(), pl.col("students").filter(counted).sum())
        .alias("in_school_rate"),
        _safe_div(pl.col("finished_school").sum(), pl.col("reports").sum()).alias("reported_in_school_rate"),
        _safe_div((pl.col("minutes_gap") * pl.col("reports")).filter(planned & (pl.col("reports") > 0)).sum(),
                  pl.col("reports").filter(planned & (pl.col("reports") > 0)).sum()).alias("mean_gap"),
        pl.col("reports").sum(),
        pl.col("not_finished").sum(),
        pl.col("late_bedtimes").sum(),
    ]
    if by:
        return days.group_by(*by).agg(aggs).sort(*by)
    return days.select(aggs)


def _safe_div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num.cast(pl.Float64) / den)


# --- content checks -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContentWarning:
    category: str  # a key of the phrase list, e.g. "parents", "phone", "punitive"
    phrase: str  # the phrase of the list that was found


_SPACE = re.compile(r"\s+")


def content_warnings(text: str, phrases: Mapping[str, Sequence[str]]) -> list[ContentWarning]:
    """The listed phrases found in ``text`` (case and spaces ignored), in the order of the list.

    ``phrases`` maps a category of forbidden homework (homework for parents to do or mark, check-ins by
    phone, punitive repetition) to its phrases; it comes from the rule set, so a school can extend it.
    """
    haystack = _SPACE.sub("", text or "").casefold()
    found = []
    for category, words in phrases.items():
        for word in words:
            needle = _SPACE.sub("", word).casefold()
            if needle and needle in haystack:
                found.append(ContentWarning(category, word))
    return found


def bedtime_is_late(bedtime: time | None, latest: time | None) -> bool:
    """The scalar form of the bedtime rule (clock from noon), for one family's answer."""
    if bedtime is None or latest is None:
        return False

    def from_noon(t: time) -> int:
        return (t.hour * 60 + t.minute - 720) % 1440

    return from_noon(bedtime) > from_noon(latest)
