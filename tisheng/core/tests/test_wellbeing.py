"""Sleep and activity compliance: every figure below is worked out by hand in the comments."""

from datetime import date, time

import polars as pl
import pytest

from tisheng.core import wellbeing as wb
from tisheng.core.rules import RuleSet

N1, N2 = date(2026, 11, 23), date(2026, 11, 24)
PRIMARY = (10.0, time(21, 20))  # rule set: grades 1–6
JUNIOR = (9.0, time(22, 0))  # grades 7–9


def night(class_id, student_id, day, bedtime, wake, limits):
    return {"class_id": class_id, "student_id": student_id, "night": day, "bedtime": bedtime, "wake": wake,
            "min_hours": limits[0], "latest_bedtime": limits[1]}


def frame(rows):
    return pl.DataFrame(rows, schema=wb.NIGHTS_SCHEMA)


def test_the_thresholds_come_from_the_rule_set():
    rules = RuleSet.load()
    assert (rules.value("sleep.daily_hours.min", 3), rules.value("sleep.daily_hours.min", 8)) == (10, 9)
    assert (rules.value("sleep.bedtime.not_later_than", 3), rules.value("sleep.bedtime.not_later_than", 8)) == (
        "21:20", "22:00")
    assert rules.value("pe.daily_activity_hours.in_school.min", 5) == 1


def test_sleep_hours_cross_midnight_and_refuse_a_wake_up_before_bedtime():
    assert wb.sleep_hours(21 * 60, 7 * 60) == 10.0  # 21:00 → 07:00
    assert wb.sleep_hours(0 * 60 + 30, 6 * 60 + 45) == 6.25  # 00:30 → 06:45: 6 h 15 min
    assert wb.sleep_hours(21 * 60 + 20, 7 * 60 + 20) == 10.0  # exactly the primary minimum
    assert wb.sleep_hours(22 * 60, 21 * 60) is None  # "woke" before going to bed


def test_nights_check_hours_and_bedtime_per_grade():
    checked = wb.nights(frame([
        night(1, 11, N1, time(21, 0), time(7, 0), PRIMARY),  # 10 h ≥ 10: enough; 21:00 ≤ 21:20: in time
        night(1, 12, N1, time(21, 30), time(7, 0), PRIMARY),  # 9.5 h < 10; 21:30 > 21:20: late
        night(2, 21, N1, time(21, 30), time(7, 0), JUNIOR),  # 9.5 h ≥ 9; 21:30 ≤ 22:00
        night(2, 22, N1, time(0, 15), time(6, 45), JUNIOR),  # 6.5 h; 00:15 is after 22:00
        night(2, 23, N1, None, time(6, 45), JUNIOR),  # no bedtime: no hours, no bedtime check
    ])).sort("student_id")
    assert checked["hours"].to_list() == [10.0, 9.5, 9.5, 6.5, None]
    assert checked["enough"].to_list() == [True, False, True, False, None]
    assert checked["in_time"].to_list() == [True, False, True, False, None]


def test_class_sleep_counts_nights_and_pupils():
    out = wb.class_sleep(frame([
        night(1, 11, N1, time(21, 0), time(7, 0), PRIMARY),  # 10 h, in time
        night(1, 11, N2, time(21, 30), time(7, 0), PRIMARY),  # 9.5 h, late
        night(1, 12, N1, time(20, 45), time(6, 45), PRIMARY),  # 10 h, in time
        night(1, 13, N1, time(21, 0), None, PRIMARY),  # bedtime only: counted as a bedtime, not a night
    ])).to_dicts()
    # nights with hours: 3; enough: 2; hours 10 + 9.5 + 10 = 29.5; bedtimes: 4, in time: 3; pupils 11 and 12
    assert out == [{"class_id": 1, "sleep_nights": 3, "sleep_enough": 2, "sleep_hours_sum": 29.5, "bedtimes": 4,
                    "bedtimes_in_time": 3, "sleep_pupils": 2}]


def test_class_activity_adds_lesson_break_and_activity():
    days = pl.DataFrame([
        # 40 + 30 + 0 = 70 ≥ 60: enough; break 30 ≥ 30
        {"class_id": 1, "date": N1, "pe_minutes": 40, "break_minutes": 30, "activity_minutes": 0},
        # 0 + 30 + 20 = 50 < 60; break 30
        {"class_id": 1, "date": N2, "pe_minutes": 0, "break_minutes": 30, "activity_minutes": 20},
        # 0 + 25 + 35 = 60 ≥ 60 exactly; break 25 < 30
        {"class_id": 2, "date": N1, "pe_minutes": 0, "break_minutes": 25, "activity_minutes": 35},
    ]).with_columns(min_minutes=pl.lit(60), break_min_minutes=pl.lit(30)).cast(wb.PE_SCHEMA)
    out = wb.class_activity(days).to_dicts()
    assert out == [
        {"class_id": 1, "pe_days": 2, "pe_days_enough": 1, "pe_minutes_sum": 120, "break_days_enough": 2},
        {"class_id": 2, "pe_days": 1, "pe_days_enough": 1, "pe_minutes_sum": 60, "break_days_enough": 0},
    ]


def test_summarise_weighs_classes_by_their_nights_and_days():
    weeks = pl.DataFrame([
        # school 1: a class with 10 nights (9 enough) and one with 2 nights (0 enough)
        {"school_id": 1, "sleep_nights": 10, "sleep_enough": 9, "sleep_hours_sum": 98.0, "bedtimes": 10,
         "bedtimes_in_time": 8, "sleep_pupils": 5, "pe_days": 5, "pe_days_enough": 4, "pe_minutes_sum": 320,
         "break_days_enough": 5},
        {"school_id": 1, "sleep_nights": 2, "sleep_enough": 0, "sleep_hours_sum": 16.0, "bedtimes": 4,
         "bedtimes_in_time": 1, "sleep_pupils": 2, "pe_days": 5, "pe_days_enough": 1, "pe_minutes_sum": 250,
         "break_days_enough": 3},
        {"school_id": 2, "sleep_nights": 0, "sleep_enough": 0, "sleep_hours_sum": 0.0, "bedtimes": 0,
         "bedtimes_in_time": 0, "sleep_pupils": 0, "pe_days": 0, "pe_days_enough": 0, "pe_minutes_sum": 0,
         "break_days_enough": 0},
    ])
    one, two = wb.summarise(weeks, by=["school_id"]).to_dicts()
    # 9/12 nights = 0.75, not the mean of 0.9 and 0: 0.45
    assert one["sleep_rate"] == pytest.approx(0.75)
    assert one["bedtime_rate"] == pytest.approx(9 / 14)
    assert one["mean_sleep_hours"] == pytest.approx(114 / 12)  # 9.5 h
    assert one["pe_rate"] == pytest.approx(0.5) and one["break_rate"] == pytest.approx(0.8)
    assert one["mean_pe_minutes"] == pytest.approx(57.0)
    assert two["sleep_rate"] is None and two["pe_rate"] is None  # nothing reported: no rate, not 0 %
    total = wb.summarise(weeks).to_dicts()[0]
    assert total["sleep_nights"] == 12 and total["sleep_rate"] == pytest.approx(0.75)
