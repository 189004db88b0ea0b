"""Attention groups over consecutive assessments (R-ASM-5), hand-computed."""

import ibis
import polars as pl
import pytest

from tisheng.core import engine
from tisheng.core.attention import attention_groups

# One cohort, subject math, four assessments a1 < a2 < a3 < a4 (full mark 100). The window is the last 3:
# a2, a3, a4.
#            a1    a2   a3   a4
SCORES = {1: [30, 35, 50, 38],     # < 40 in a2 and a4 -> struggling (a1 is outside the window)
          2: [57, 58, 59, 70],     # [55, 60) in a2, a3 -> borderline pass
          3: [82, 84, 90, 83],     # [80, 85) in a2, a4 -> borderline excellent
          4: [95, 96, 97, 99],     # PR 90 in a2 and a3, 87.5 in a4 -> strong (2 of 3)
          5: [None, 20, 30, None]}  # < 40 in a2, a3, absent in a4 -> struggling
# PR = 100·(#below + 0.5·#equal)/N among those who sat:
#   a2 (all 5 sat): 20, 35, 58, 84, 96 -> 10, 30, 50, 70, 90
#   a3 (all 5 sat): 30, 50, 59, 90, 97 -> 10, 30, 50, 70, 90
#   a4 (4 sat):     38, 70, 83, 99     -> 12.5, 37.5, 62.5, 87.5


def frame(scores=SCORES, cohort="2027届"):
    rows = []
    for s, v in scores.items():
        for i, x in enumerate(v):
            rows.append(
                dict(cohort=cohort, student_id=s, assessment=f"{cohort}-a{i + 1}", assessment_date=f"2025-0{i + 1}-15",
                     subject="math", paper=f"{cohort}-a{i + 1}-math", score=None if x is None else float(x),
                     status="absent" if x is None else "sat", full_mark=100.0)
            )
    return pl.DataFrame(rows, schema_overrides={"score": pl.Float64})


@pytest.fixture(scope="module")
def con():
    return engine.get_backend()


@pytest.fixture(scope="module")
def groups(con):
    return engine.to_polars(con, attention_groups(ibis.memtable(frame())))


def members(df, group):
    return sorted(set(df.filter(pl.col("group") == group)["student_id"]))


def test_groups(groups):
    assert members(groups, "struggling") == [1, 5]
    assert members(groups, "borderline_pass") == [2]
    assert members(groups, "borderline_excellent") == [3]
    assert members(groups, "strong") == [4]


def test_evidence(groups):
    assert set(groups["window_n"]) == {3}
    # every member has one evidence row per assessment in the window, and a1 is never among them
    assert groups.group_by("student_id", "group").len()["len"].to_list() == [3] * 5
    assert not groups["assessment"].str.ends_with("a1").any()
    s1 = groups.filter((pl.col("student_id") == 1) & (pl.col("group") == "struggling")).sort("assessment")
    assert s1["score"].to_list() == [35.0, 50.0, 38.0]
    assert s1["in_group"].to_list() == [True, False, True]
    assert s1["hits"].to_list() == [2, 2, 2]
    assert s1["percentile_rank"].to_list() == [30.0, 30.0, 12.5]
    strong = groups.filter(pl.col("group") == "strong").sort("assessment")
    assert strong["percentile_rank"].to_list() == [90.0, 90.0, 87.5]
    assert strong["in_group"].to_list() == [True, True, False]
    # the absent exam is in the evidence, as a non-hit
    s5 = groups.filter(pl.col("student_id") == 5).sort("assessment")
    assert s5["status"].to_list() == ["sat", "sat", "absent"]
    assert s5["in_group"].to_list() == [True, True, False]
    assert s5["percentile_rank"].to_list()[:2] == [10.0, 10.0] and s5["percentile_rank"][2] is None
    assert s5["score_rate"].to_list()[:2] == [0.2, 0.3]


def test_one_exam_is_not_enough(con):
    # m = 3 of the last 3: nobody is consistently in a group
    assert engine.to_polars(con, attention_groups(ibis.memtable(frame()), min_hits=3)).height == 0
    # the last exam alone (N = m = 1): student 4's PR 87.5 is not strong; 2 scored 70 -> not borderline
    last = engine.to_polars(con, attention_groups(ibis.memtable(frame()), window=1, min_hits=1))
    assert members(last, "strong") == []
    assert members(last, "struggling") == [1]  # 38 < 40; 5 was absent
    assert members(last, "borderline_excellent") == [3]
    with pytest.raises(ValueError):
        attention_groups(ibis.memtable(frame()), window=2, min_hits=3)


def test_margins_and_lines_are_parameters(con):
    # A 10-point margin below the pass line, [50, 60): student 1 now hits once (50 in a3), not enough; 2 still in
    df = engine.to_polars(con, attention_groups(ibis.memtable(frame()), borderline_pass_margin=0.10))
    assert members(df, "borderline_pass") == [2]
    # low line 0.30: 5's 30 is not < 30 -> only 1 hit; 1's 35 and 38 no longer hits
    df = engine.to_polars(con, attention_groups(ibis.memtable(frame()), low_line=0.30))
    assert members(df, "struggling") == []


def test_cohorts_have_their_own_windows(con):
    # A second cohort with two assessments only: window_n = 2, and its PRs are its own.
    other = frame({7: [10, 20], 8: [90, 95]}, cohort="2028届")
    df = engine.to_polars(con, attention_groups(ibis.memtable(pl.concat([frame(), other])), cohort=("cohort",)))
    o = df.filter(pl.col("cohort") == "2028届")
    assert set(o["window_n"]) == {2}
    assert members(o, "struggling") == [7]
    # 8 is the better of 2 in both: PR = 100·(1 + .5)/2 = 75 < 90 -> not strong
    assert members(o, "strong") == []
    assert members(df.filter(pl.col("cohort") == "2027届"), "struggling") == [1, 5]
