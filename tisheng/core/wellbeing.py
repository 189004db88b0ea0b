"""Sleep and physical activity under the five managements (五项管理, R-MON-4): how many pupils' nights reach the
sleep minimum and the bedtime, and how many class-days reach the hour of activity in school.

Pure functions on Polars frames; the Django side hands the facts over and stores what comes back.

Conventions (Tisheng's; the policy texts give the numbers, not how to count them):

* **A night** is named by its evening: night D runs from the bedtime of day D (the families' homework answer for
  D) to the wake-up time on the morning of D + 1 (reported by the family that morning). Its hours are
  ``wake − bedtime`` on a clock that starts at noon (``core.homework.clock_from_noon``), so 21:30 → 07:00 is
  9.5 h and a wake-up time "before" the bedtime on that clock (a typo) gives no hours.
* **Sleep compliance** of a group is Σ nights reaching the minimum / Σ nights with hours, and Σ bedtimes not
  later than the limit / Σ bedtimes reported — counts of nights, not means of class rates, so that a large
  class weighs as much as its pupils.
* **Activity in school** of a class-day is PE lesson + big break (大课间) + other activity minutes; the day
  reaches the rule when the sum is at least the minimum hour, and the big break separately when it is at
  least its minimum. Only days with a record count; a school day without one is "not recorded", not "failed".
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from tisheng.core.homework import clock_from_noon

NIGHTS_SCHEMA = {
    "class_id": pl.Int64, "student_id": pl.Int64, "night": pl.Date, "bedtime": pl.Time, "wake": pl.Time,
    "min_hours": pl.Float64, "latest_bedtime": pl.Time,
}
PE_SCHEMA = {
    "class_id": pl.Int64, "date": pl.Date, "pe_minutes": pl.Int64, "break_minutes": pl.Int64,
    "activity_minutes": pl.Int64, "min_minutes": pl.Int64, "break_min_minutes": pl.Int64,
}
# What a class-week stores and what ``summarise`` adds up.
COUNTS = ("sleep_nights", "sleep_enough", "sleep_hours_sum", "bedtimes", "bedtimes_in_time", "sleep_pupils",
          "pe_days", "pe_days_enough", "pe_minutes_sum", "break_days_enough")


def sleep_hours(bedtime_minutes: int, wake_minutes: int) -> float | None:
    """Hours between a bedtime and a wake-up time given as minutes after midnight; None when the wake-up time
    is not after the bedtime on a clock starting at noon. The scalar form of ``nights``' ``hours``."""
    bed, wake = (bedtime_minutes - 720) % 1440, (wake_minutes - 720) % 1440
    return (wake - bed) / 60 if wake > bed else None


def nights(frame: pl.DataFrame) -> pl.DataFrame:
    """Each night with ``hours`` (null without both times), ``enough`` (hours ≥ ``min_hours``) and
    ``in_time`` (bedtime ≤ ``latest_bedtime``; null without a bedtime)."""
    bed, wake = clock_from_noon(pl.col("bedtime")), clock_from_noon(pl.col("wake"))
    hours = pl.when(wake > bed).then((wake - bed) / 60.0)
    return frame.with_columns(hours=hours).with_columns(
        enough=pl.col("hours") >= pl.col("min_hours"),
        in_time=bed <= clock_from_noon(pl.col("latest_bedtime")),
    )


def class_sleep(frame: pl.DataFrame) -> pl.DataFrame:
    """Per class: ``sleep_nights`` (with hours), ``sleep_enough``, ``sleep_hours_sum``, ``bedtimes``,
    ``bedtimes_in_time``, ``sleep_pupils`` (pupils with at least one night with hours)."""
    checked = nights(frame)
    return checked.group_by("class_id").agg(
        sleep_nights=pl.col("hours").is_not_null().sum().cast(pl.Int64),
        sleep_enough=pl.col("enough").fill_null(False).sum().cast(pl.Int64),
        sleep_hours_sum=pl.col("hours").sum().cast(pl.Float64),
        bedtimes=pl.col("bedtime").is_not_null().sum().cast(pl.Int64),
        bedtimes_in_time=pl.col("in_time").fill_null(False).sum().cast(pl.Int64),
        sleep_pupils=pl.col("student_id").filter(pl.col("hours").is_not_null()).n_unique().cast(pl.Int64),
    ).sort("class_id")


def class_activity(frame: pl.DataFrame) -> pl.DataFrame:
    """Per class: ``pe_days`` (recorded), ``pe_days_enough`` (total ≥ ``min_minutes``), ``pe_minutes_sum``,
    ``break_days_enough`` (big break ≥ ``break_min_minutes``)."""
    total = pl.col("pe_minutes") + pl.col("break_minutes") + pl.col("activity_minutes")
    return frame.group_by("class_id").agg(
        pe_days=pl.len().cast(pl.Int64),
        pe_days_enough=(total >= pl.col("min_minutes")).sum().cast(pl.Int64),
        pe_minutes_sum=total.sum().cast(pl.Int64),
        break_days_enough=(pl.col("break_minutes") >= pl.col("break_min_minutes")).sum().cast(pl.Int64),
    ).sort("class_id")


def _rate(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def summarise(frame: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Class-weeks (columns ``COUNTS``) added up per ``by`` (none: one row), with the rates: ``sleep_rate``,
    ``bedtime_rate``, ``mean_sleep_hours``, ``pe_rate``, ``break_rate``, ``mean_pe_minutes``; null where
    nothing was reported."""
    sums = [pl.col(c).sum() for c in COUNTS]
    grouped = frame.group_by(list(by)).agg(sums).sort(list(by)) if by else frame.select(sums)
    return grouped.with_columns(
        sleep_rate=_rate("sleep_enough", "sleep_nights"),
        bedtime_rate=_rate("bedtimes_in_time", "bedtimes"),
        mean_sleep_hours=_rate("sleep_hours_sum", "sleep_nights"),
        pe_rate=_rate("pe_days_enough", "pe_days"),
        break_rate=_rate("break_days_enough", "pe_days"),
        mean_pe_minutes=_rate("pe_minutes_sum", "pe_days"),
    )
