"""等级制 levels (exam_analysis.md §3) on hand-computed data."""

import ibis
import polars as pl
import pytest

from tisheng.core import engine
from tisheng.core import levels as lv
from tisheng.core.rules import RuleSet, default


@pytest.fixture(scope="module")
def con():
    return engine.get_backend()


def frame(scores, full_mark=100.0, paper="m"):
    n = len(scores)
    return pl.DataFrame(
        {
            "student_id": list(range(1, n + 1)),
            "paper": paper,
            "score": pl.Series(scores, dtype=pl.Float64),
            "status": ["absent" if s is None else "sat" for s in scores],
            "full_mark": full_mark,
        }
    )


# 20 students who sat + 1 absent (id 21). A–E shares 15/35/35/13/2 -> cumulative 15/50/85/98/100 %.
# level = first with rank_min/20 ≤ cum, i.e. rank_min ≤ 3, 10, 17, 19.6, 20.
SCORES = [100, 98, 95, 95, 88, 80, 75, 70, 63, 60, 58, 55, 50, 45, 40, 35, 30, 25, 20, 10, None]
#   rank_min 1   2   3   3   5   6   7   8   9  10  11  12  13  14  15  16  17  18  19  20
#   level    A   A   A   A   B   B   B   B   B   B   C   C   C   C   C   C   C   D   D   E
# The tie at rank 3 puts 4 students (20 %) in A: ties share a level.
# Converted: A Y1 = 95, Y2 = 100, T 86..100: 98 -> 86 + 14·3/5 = 94.4 -> 94
#            B Y1 = 60, Y2 = 88, T 71..85: 63 -> 71 + 14·3/28 = 72.5 -> 73 (half up); 75 -> 78.5 -> 79; 80 -> 81;
#              70 -> 76
#            C Y1 = 30, Y2 = 58, T 56..70: 55 -> 68.5 -> 69; 50 -> 66; 45 -> 63.5 -> 64; 40 -> 61; 35 -> 58.5 -> 59
#            D Y1 = 20, Y2 = 25, T 41..55: 25 -> 55, 20 -> 41
#            E alone (Y1 = Y2 = 10): T2 = 40
EXPECTED_LEVEL = list("AAAABBBBBBCCCCCCCDDE") + [None]
EXPECTED_CONVERTED = [100, 94, 86, 86, 85, 81, 79, 76, 73, 71, 70, 69, 66, 64, 61, 59, 56, 55, 41, 40, None]


def test_proportional_levels_a_to_e(con):
    df = engine.to_polars(con, lv.proportional_levels(ibis.memtable(frame(SCORES)))).sort("student_id")
    assert df["rank_min"].to_list() == [1, 2, 3, 3, *range(5, 21), None]
    assert df["level"].to_list() == EXPECTED_LEVEL
    assert df["converted_score"].to_list() == EXPECTED_CONVERTED
    assert df["n"].to_list()[:20] == [20] * 20


def test_proportional_levels_per_group(con):
    # Two papers graded separately. Paper "x" has 2 students: rank 1 has p = 1/2 = 50 %, above A's 15 % but
    # within B's cumulative 50 % -> B; rank 2 has p = 100 % -> E.
    df = pl.concat([frame(SCORES), frame([90.0, 80.0], paper="x")])
    out = engine.to_polars(con, lv.proportional_levels(ibis.memtable(df), converted=False))
    x = out.filter(pl.col("paper") == "x").sort("student_id")
    assert x["level"].to_list() == ["B", "E"]
    assert "converted_score" not in out.columns


def test_shandong_eight_levels(con):
    # 100 distinct scores: shares 3/7/16/24/24/16/7/3 give exactly those counts.
    scheme = default("exam.level.scheme.shandong8")
    df = engine.to_polars(con, lv.proportional_levels(ibis.memtable(frame([float(s) for s in range(1, 101)])), scheme))
    counts = df.group_by("level").len()
    got = dict(zip(counts["level"], counts["len"]))
    assert got == {"A": 3, "B+": 7, "B": 16, "C+": 24, "C": 24, "D+": 16, "D": 7, "E": 3}
    top = df.filter(pl.col("score") == 100).row(0, named=True)
    assert top["converted_score"] == 100
    # A = 98, 99, 100: Y1 = 98 -> 91
    assert df.filter(pl.col("score") == 98)["converted_score"][0] == 91


def test_shares_must_add_up(con):
    with pytest.raises(ValueError):
        lv.proportional_levels(ibis.memtable(frame([1.0])), [{"level": "A", "share": 60, "converted_min": 0,
                                                             "converted_max": 1}])


def test_criterion_levels(con):
    # 优秀 ≥ .85, 良好 ≥ .75, 合格 ≥ .60, else 待合格; the line itself belongs to the higher level
    scores = [85.0, 84.99, 75.0, 74.5, 60.0, 59.99, 0.0, None]
    df = engine.to_polars(con, lv.criterion_levels(ibis.memtable(frame(scores)))).sort("student_id")
    assert df["level"].to_list() == ["优秀", "良好", "良好", "合格", "合格", "待合格", "待合格", None]
    # full mark 120: .85·120 = 102, .75·120 = 90, .6·120 = 72
    df = engine.to_polars(con, lv.criterion_levels(ibis.memtable(frame([102.0, 101.5, 90.0, 72.0, 71.0], 120.0))))
    assert df.sort("student_id")["level"].to_list() == ["优秀", "良好", "良好", "合格", "待合格"]


def test_levels_from_rules(con):
    t = ibis.memtable(frame(SCORES))
    # Default rule set: criterion levels
    df = engine.to_polars(con, lv.levels_from_rules(t, RuleSet.load(), on="2025-01-01")).sort("student_id")
    assert df["level_method"][0] == "criterion" and df["level"][0] == "优秀"
    # A district switches to proportional A–E from 2025-09-01, a school in it to Shandong's eight levels later
    rs = RuleSet.load(
        [
            {"key": "exam.level.method", "value": "proportional", "scope": ["district", "D1"],
             "effective_from": "2025-09-01"},
            {"key": "exam.level.proportional.scheme", "value": "shandong8", "scope": ["school", "S1"],
             "effective_from": "2026-02-01"},
        ]
    )
    chain = [("district", "D1"), ("school", "S1")]
    before = engine.to_polars(con, lv.levels_from_rules(t, rs, scope_chain=chain, on="2025-08-31"))
    assert before["level_method"][0] == "criterion"
    autumn = engine.to_polars(con, lv.levels_from_rules(t, rs, scope_chain=chain, on="2025-10-01")).sort("student_id")
    assert autumn["level_scheme"][0] == "a_e" and autumn["level"].to_list() == EXPECTED_LEVEL
    spring = engine.to_polars(con, lv.levels_from_rules(t, rs, scope_chain=chain, on="2026-03-01")).sort("student_id")
    assert spring["level_scheme"][0] == "shandong8"
    # 20 students: the best has p = 1/20 = 5 % > A's 3 %, ≤ B+'s cumulative 10 % -> B+ (no A in a group of 20)
    assert spring["level"][0] == "B+"


def test_compiles_for_postgres():
    t = ibis.table({"student_id": "int64", "paper": "string", "score": "float64", "status": "string",
                    "full_mark": "float64"}, name="scores")
    ibis.to_sql(lv.proportional_levels(t), dialect="postgres")
    ibis.to_sql(lv.criterion_levels(t), dialect="postgres")
