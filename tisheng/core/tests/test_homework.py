"""Homework load: every figure below is worked out by hand in the comments."""

from datetime import date, time

import polars as pl
import pytest

from tisheng.core import homework as hw
from tisheng.core.rules import RuleSet

MON, TUE, SAT = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 28)


def items(*rows):
    return [dict(zip(("class_id", "date", "kind", "layer", "minutes"), r, strict=True)) for r in rows]


def feedback(*rows):
    keys = ("class_id", "date", "student_id", "minutes", "finished", "bedtime")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def test_daily_load_counts_common_items_and_the_heavier_layer():
    load = hw.daily_load(pl.DataFrame(items(
        (1, MON, "written", "", 20),  # maths, everyone
        (1, MON, "written", "", 15),  # Chinese, everyone
        (1, MON, "written", "A", 10),  # layer A
        (1, MON, "written", "B", 25),  # layer B: heavier -> counts
        (1, MON, "written", "B", 5),  # layer B: 25 + 5 = 30
        (1, MON, "practical", "", 20),
        (2, MON, "practical", "A", 10),
    ), schema=hw.ITEMS_SCHEMA))
    rows = {(r["class_id"], r["date"]): r for r in load.to_dicts()}
    # class 1: written 20 + 15 + max(10, 30) = 65; practical 20; total 85
    assert rows[(1, MON)] == {"class_id": 1, "date": MON, "written": 65, "practical": 20, "total": 85}
    # class 2: no written item at all -> 0, practical layer A only -> 10
    assert rows[(2, MON)] == {"class_id": 2, "date": MON, "written": 0, "practical": 10, "total": 10}


def test_daily_load_of_nothing_is_an_empty_frame():
    load = hw.daily_load(pl.DataFrame([], schema=hw.ITEMS_SCHEMA))
    assert load.height == 0 and load.columns == ["class_id", "date", "written", "practical", "total"]


def test_over_limit_scalar():
    assert hw.over_limit(95, 90) == 5
    assert hw.over_limit(60, 60) == 0
    assert hw.over_limit(10, 0) == 10  # grades 1-2: any written homework at home is over
    assert hw.over_limit(500, None) == 0


def test_class_days_limits_completion_reports_and_bedtimes():
    classes = [
        {"class_id": 1, "students": 40, "limit": 60, "bedtime": time(21, 20)},
        {"class_id": 2, "students": 50, "limit": 90, "bedtime": time(22, 0)},
    ]
    plan = items(
        (1, MON, "written", "", 45), (1, MON, "written", "", 25), (1, MON, "practical", "", 10),  # 70 written
        (1, TUE, "written", "", 30),
        (2, MON, "written", "", 80),
        (1, SAT, "written", "", 61),
    )
    reports = feedback(
        (1, MON, 101, 90, "home", time(21, 30)),  # late (after 21:20)
        (1, MON, 102, 60, "school", time(21, 0)),
        (1, MON, 103, 120, "not", time(0, 15)),  # after midnight: late
        (1, MON, 104, None, "school", None),  # no minutes, no bedtime
        (2, TUE, 201, 40, "home", time(21, 50)),  # a day without a plan (class 2, Tuesday)
    )
    counts = [{"class_id": 1, "date": MON, "finished_in_school": 30}, {"class_id": 2, "date": MON, "finished_in_school": 45}]
    days = hw.class_days(pl.DataFrame(plan, schema=hw.ITEMS_SCHEMA), pl.DataFrame(reports, schema=hw.FEEDBACK_SCHEMA),
                         pl.DataFrame(counts, schema=hw.COUNTS_SCHEMA), pl.DataFrame(classes, schema=hw.CLASSES_SCHEMA))
    rows = {(r["class_id"], r["date"]): r for r in days.to_dicts()}
    assert set(rows) == {(1, MON), (1, TUE), (1, SAT), (2, MON), (2, TUE)}

    m = rows[(1, MON)]
    assert (m["written"], m["practical"], m["total"], m["limit"], m["over_by"]) == (70, 10, 80, 60, 10)
    assert m["in_school_count"] == 30 and m["in_school_rate"] == pytest.approx(30 / 40)
    # families: 4 reports, minutes (90 + 60 + 120) / 3 = 90 (the empty answer is not a zero)
    assert m["reports"] == 4 and m["reported_minutes"] == pytest.approx(90.0)
    assert m["minutes_gap"] == pytest.approx(90 - 70)  # against the planned written minutes
    # the families' mean (90) is 30 above the limit of 60, the plan 10: the excess is the larger
    assert m["reported_over_by"] == pytest.approx(30) and m["excess"] == pytest.approx(30)
    assert (m["finished_school"], m["finished_home"], m["not_finished"]) == (2, 1, 1)
    assert m["reported_in_school_rate"] == pytest.approx(2 / 4)
    assert m["late_bedtimes"] == 2
    assert m["weekend"] is False

    assert rows[(1, TUE)]["over_by"] == 0 and rows[(1, TUE)]["reports"] == 0
    assert rows[(1, TUE)]["in_school_rate"] is None and rows[(1, TUE)]["reported_minutes"] is None
    assert rows[(1, TUE)]["reported_over_by"] is None and rows[(1, TUE)]["excess"] == 0
    assert rows[(1, SAT)]["weekend"] is True and rows[(1, SAT)]["over_by"] == 1
    assert rows[(2, MON)]["over_by"] == 0 and rows[(2, MON)]["in_school_rate"] == pytest.approx(0.9)
    t = rows[(2, TUE)]
    assert (t["written"], t["total"], t["reports"], t["late_bedtimes"]) == (0, 0, 1, 0)
    assert t["minutes_gap"] == pytest.approx(40.0)


def test_a_class_without_a_known_limit_is_never_over():
    days = hw.class_days(
        pl.DataFrame(items((1, MON, "written", "", 300)), schema=hw.ITEMS_SCHEMA),
        pl.DataFrame([], schema=hw.FEEDBACK_SCHEMA), pl.DataFrame([], schema=hw.COUNTS_SCHEMA),
        pl.DataFrame([{"class_id": 1, "students": 30, "limit": None, "bedtime": None}], schema=hw.CLASSES_SCHEMA),
    )
    assert days["over_by"].to_list() == [None] and days["excess"].to_list() == [None]


def test_not_finished_students_in_a_window_of_weeks():
    until = date(2026, 11, 27)  # window of 4 weeks: (2026-10-30, 2026-11-27]
    rows = feedback(
        (1, date(2026, 11, 2), 7, 30, "not", None),
        (1, date(2026, 11, 9), 7, 30, "not", None),
        (2, date(2026, 11, 20), 7, 30, "not", None),  # moved to class 2: the latest class is reported
        (1, date(2026, 10, 30), 8, 30, "not", None),  # on the window's open start: not counted
        (1, date(2026, 11, 3), 8, 30, "not", None),
        (1, date(2026, 11, 4), 8, 30, "not", None),
        (1, date(2026, 11, 28), 8, 30, "not", None),  # after the end: not counted
        (1, date(2026, 11, 5), 9, 30, "home", None),
        (1, date(2026, 11, 6), 9, 30, "home", None),
        (1, date(2026, 11, 10), 9, 30, "not", None),
        (1, date(2026, 11, 11), 10, 30, "not", None), (1, date(2026, 11, 12), 10, 30, "not", None),
        (1, date(2026, 11, 13), 10, 30, "not", None), (1, date(2026, 11, 16), 10, 30, "not", None),
    )
    out = hw.not_finished_students(pl.DataFrame(rows, schema=hw.FEEDBACK_SCHEMA), until=until, weeks=4, times=3)
    assert out.to_dicts() == [
        {"student_id": 10, "class_id": 1, "times": 4, "last_date": date(2026, 11, 16)},
        {"student_id": 7, "class_id": 2, "times": 3, "last_date": date(2026, 11, 20)},
    ]
    # two times in two weeks: (2026-11-13, 2026-11-27] has student 7 once, student 10 once
    two = hw.not_finished_students(pl.DataFrame(rows, schema=hw.FEEDBACK_SCHEMA), until=until, weeks=2, times=2)
    assert two.height == 0


def test_most_over_limit_ranks_by_minutes_then_days_and_keeps_extra_columns():
    days = pl.DataFrame({
        "class_id": [1, 1, 2, 3, 3, 4],
        "date": [MON, TUE, MON, MON, TUE, MON],
        "excess": [10.0, 5.0, 15.0, 5.0, 10.0, 0.0],
        "school": ["甲", "甲", "乙", "丙", "丙", "丁"],
    })
    top = hw.most_over_limit(days, n=10)
    # classes 1 and 3 are both 15 minutes over on 2 days; class 2 15 minutes on 1 day; class 4 never over
    assert top.select("class_id", "days_over", "over_minutes", "max_over", "school").rows() == [
        (1, 2, 15.0, 10.0, "甲"), (3, 2, 15.0, 10.0, "丙"), (2, 1, 15.0, 15.0, "乙"),
    ]
    assert hw.most_over_limit(days, n=1)["class_id"].to_list() == [1]


def test_summarise_weights_rates_by_their_denominators():
    classes = [{"class_id": 1, "students": 40, "limit": 60, "bedtime": None},
               {"class_id": 2, "students": 10, "limit": 60, "bedtime": None}]
    plan = items((1, MON, "written", "", 70), (2, MON, "written", "", 50), (1, SAT, "written", "", 30))
    reports = feedback((1, MON, 1, 100, "school", None), (1, MON, 2, 80, "home", None), (2, MON, 3, 30, "not", None))
    counts = [{"class_id": 1, "date": MON, "finished_in_school": 20}, {"class_id": 2, "date": MON, "finished_in_school": 10}]
    days = hw.class_days(pl.DataFrame(plan, schema=hw.ITEMS_SCHEMA), pl.DataFrame(reports, schema=hw.FEEDBACK_SCHEMA),
                         pl.DataFrame(counts, schema=hw.COUNTS_SCHEMA), pl.DataFrame(classes, schema=hw.CLASSES_SCHEMA))
    s = hw.summarise(days).to_dicts()[0]
    assert s["class_days"] == 3 and s["days_over"] == 1
    assert s["days_reported_over"] == 1  # class 1 Monday: families' mean 90 > 60
    assert s["mean_written"] == pytest.approx((70 + 50 + 30) / 3)
    assert s["weekend_written"] == 30
    assert s["in_school_rate"] == pytest.approx((20 + 10) / (40 + 10))  # not the mean of 0.5 and 1.0
    assert s["reported_in_school_rate"] == pytest.approx(1 / 3)
    # gaps: class 1 Monday (90 - 70) over 2 reports, class 2 (30 - 50) over 1 report -> (40 - 20) / 3
    assert s["mean_gap"] == pytest.approx(20 / 3)
    assert (s["reports"], s["not_finished"]) == (3, 1)
    by_class = {r["class_id"]: r for r in hw.summarise(days, by=["class_id"]).to_dicts()}
    assert by_class[1]["days_over"] == 1 and by_class[2]["days_over"] == 0


def test_content_warnings_use_the_configured_phrases():
    phrases = RuleSet.load().value("homework.content.forbidden_phrases")
    found = hw.content_warnings("抄写生字，每个罚抄十遍，家长 签字后拍照上传到班级群打卡", phrases)
    categories = {w.category for w in found}
    assert categories == {"parents", "phone", "punitive"}
    assert hw.ContentWarning("punitive", "罚抄") in found
    assert hw.content_warnings("完成练习册第12页", phrases) == []
    # a school's own phrase list
    assert hw.content_warnings("Please ask Mum to CHECK it", {"parents": ["ask mum"]}) == [
        hw.ContentWarning("parents", "ask mum")
    ]


def test_bedtime_clock_starts_at_noon():
    assert hw.bedtime_is_late(time(0, 10), time(22, 0))
    assert hw.bedtime_is_late(time(22, 1), time(22, 0))
    assert not hw.bedtime_is_late(time(21, 20), time(21, 20))
    assert not hw.bedtime_is_late(time(20, 0), time(21, 20))
    assert not hw.bedtime_is_late(None, time(21, 20))


def test_holidays_named_by_the_caller_count_as_days_without_school():
    classes = [{"class_id": 1, "students": 40, "limit": 60, "bedtime": None}]
    plan = items((1, MON, "written", "", 20), (1, TUE, "written", "", 25), (1, SAT, "written", "", 30))
    days = hw.class_days(pl.DataFrame(plan, schema=hw.ITEMS_SCHEMA), pl.DataFrame([], schema=hw.FEEDBACK_SCHEMA),
                         pl.DataFrame([], schema=hw.COUNTS_SCHEMA), pl.DataFrame(classes, schema=hw.CLASSES_SCHEMA),
                         days_off=[TUE])
    assert dict(zip(days["date"].to_list(), days["weekend"].to_list(), strict=True)) == {MON: False, TUE: True, SAT: True}
    assert hw.summarise(days).to_dicts()[0]["weekend_written"] == 25 + 30  # Tuesday's holiday and Saturday
