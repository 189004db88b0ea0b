"""exam_stats on a small hand-computed district (exam_analysis.md §1–2). No database, no Django."""

import math
import statistics
import subprocess
import sys

import ibis
import polars as pl
import pytest

from tisheng.core import engine
from tisheng.core import exam_stats as es

approx = pytest.approx

# Paper "math", full mark 100.
#   school S1, class c1: students 1-5 sat: 100, 85, 60, 60, 39.5; 6 absent, 7 exempt, 8 cheating (score 0 written,
#                        must be ignored)
#   school S1, class c2: students 9-12 all 70 (SD 0)
#   school S2, class c3: student 13 alone: 50
#   school S2, class c4: student 14 absent, student 15 "sat" with no score (counts as absent) -> empty group
ROWS = [
    # id, school, class, sex, score, status
    (1, "S1", "c1", "M", 100.0, "sat"),
    (2, "S1", "c1", "F", 85.0, "sat"),
    (3, "S1", "c1", "M", 60.0, "sat"),
    (4, "S1", "c1", "F", 60.0, "sat"),
    (5, "S1", "c1", "M", 39.5, "sat"),
    (6, "S1", "c1", "F", None, "absent"),
    (7, "S1", "c1", "M", None, "exempt"),
    (8, "S1", "c1", "F", 0.0, "cheating"),
    (9, "S1", "c2", "M", 70.0, "sat"),
    (10, "S1", "c2", "F", 70.0, "sat"),
    (11, "S1", "c2", "M", 70.0, "sat"),
    (12, "S1", "c2", "F", 70.0, "sat"),
    (13, "S2", "c3", "M", 50.0, "sat"),
    (14, "S2", "c4", "F", None, "absent"),
    (15, "S2", "c4", "M", None, "sat"),
]


def scores_frame(rows=ROWS, paper="math", full_mark=100.0, subject="math"):
    return pl.DataFrame(
        {
            "student_id": [r[0] for r in rows],
            "school": [r[1] for r in rows],
            "class": [r[2] for r in rows],
            "sex": [r[3] for r in rows],
            "score": pl.Series([r[4] for r in rows], dtype=pl.Float64),
            "status": [r[5] for r in rows],
            "paper": paper,
            "subject": subject,
            "full_mark": full_mark,
        }
    )


@pytest.fixture(scope="module")
def con():
    return engine.get_backend()


@pytest.fixture(scope="module")
def scores(con):
    return engine.load(con, "scores", scores_frame())


@pytest.fixture(scope="module")
def stats(con, scores):
    expr = es.score_stats(scores, by=[(), ("school",), ("school", "class")])
    return engine.to_polars(con, expr)


def row(df, scope, **keys):
    sel = df.filter(pl.col("scope") == scope)
    for k, v in keys.items():
        sel = sel.filter(pl.col(k) == v)
    assert sel.height == 1, (scope, keys, sel)
    return sel.row(0, named=True)


def test_class_with_absent_exempt_and_cheating(stats):
    r = row(stats, "school+class", school="S1", **{"class": "c1"})
    # Counted but never 0: 8 rows, 5 sat, one each absent / exempt / cheating.
    assert (r["n_rows"], r["n_sat"], r["n_absent"], r["n_exempt"], r["n_cheating"]) == (8, 5, 1, 1, 1)
    # mean = (100 + 85 + 60 + 60 + 39.5) / 5 = 344.5 / 5 = 68.9
    assert r["mean"] == approx(68.9)
    assert r["score_rate"] == approx(0.689)
    # deviations 31.1, 16.1, -8.9, -8.9, -29.4; squares 967.21 + 259.21 + 79.21 + 79.21 + 864.36 = 2249.2
    # population SD = sqrt(2249.2 / 5) = sqrt(449.84)
    assert r["sd"] == approx(math.sqrt(449.84))
    assert r["sd_ddof"] == 0
    assert (r["min"], r["max"]) == (39.5, 100.0)
    # sorted 39.5, 60, 60, 85, 100; linear quantiles at positions q·(N−1): p10 at 0.4 -> 39.5 + 0.4·20.5 = 47.7,
    # p25 at 1 -> 60, p50 at 2 -> 60, p75 at 3 -> 85, p90 at 3.6 -> 85 + 0.6·15 = 94
    assert (r["p10"], r["p25"], r["p50"], r["p75"], r["p90"]) == approx((47.7, 60, 60, 85, 94))
    # pass ≥ 60: 100, 85, 60, 60 -> 4/5 (the line itself passes); excellent ≥ 85: 2/5; good ≥ 80: 2/5;
    # low < 40: 39.5 -> 1/5; full mark: 1/5
    assert r["pass_rate"] == approx(0.8)
    assert r["excellent_rate"] == approx(0.4)
    assert r["good_rate"] == approx(0.4)
    assert r["low_rate"] == approx(0.2)
    assert r["full_mark_rate"] == approx(0.2)
    # bands: 39.5 in [30,40) = band 4; 60, 60 in [60,70) = band 7; 85 in band 9; 100 in the closed last band
    bands = [r[f"band_{b}"] for b in range(1, 11)]
    assert bands == [0, 0, 0, 1, 0, 0, 2, 0, 1, 1]


def test_all_equal_scores_and_single_student(stats):
    c2 = row(stats, "school+class", school="S1", **{"class": "c2"})
    assert (c2["n_sat"], c2["mean"], c2["sd"], c2["p50"]) == (4, 70.0, 0.0, 70.0)
    assert (c2["pass_rate"], c2["excellent_rate"], c2["low_rate"], c2["band_8"]) == (1.0, 0.0, 0.0, 4)
    c3 = row(stats, "school+class", school="S2", **{"class": "c3"})
    assert (c3["n_sat"], c3["mean"], c3["sd"], c3["min"], c3["max"], c3["p90"]) == (1, 50.0, 0.0, 50, 50, 50)
    assert (c3["pass_rate"], c3["low_rate"]) == (0.0, 0.0)


def test_empty_group_is_counted_with_null_statistics(stats):
    c4 = row(stats, "school+class", school="S2", **{"class": "c4"})
    # student 14 absent, student 15 "sat" without a score -> both absent, N = 0
    assert (c4["n_rows"], c4["n_sat"], c4["n_absent"]) == (2, 0, 2)
    for k in ("mean", "sd", "min", "p50", "pass_rate", "excellent_rate", "low_rate", "score_rate"):
        assert c4[k] is None, k
    assert sum(c4[f"band_{b}"] for b in range(1, 11)) == 0


def test_school_and_district_scopes_in_one_call(stats):
    assert set(stats["scope"]) == {"all", "school", "school+class"}
    s1 = row(stats, "school", school="S1")
    # c1 + c2: 344.5 + 4·70 = 624.5 over 9; pass 8/9 (39.5 fails), excellent 2/9, low 1/9
    assert s1["class"] is None
    assert s1["mean"] == approx(624.5 / 9)
    assert (s1["pass_rate"], s1["excellent_rate"], s1["low_rate"]) == approx((8 / 9, 2 / 9, 1 / 9))
    d = row(stats, "all")
    assert d["school"] is None and d["class"] is None
    # all 10 who sat: 624.5 + 50 = 674.5; Σx² = 48085.25, N·mean² = 10·67.45² = 45495.025, SS = 2590.225
    assert d["n_sat"] == 10 and d["n_rows"] == 15
    assert d["mean"] == approx(67.45)
    assert d["sd"] == approx(math.sqrt(2590.225 / 10))
    assert (d["pass_rate"], d["excellent_rate"], d["good_rate"], d["low_rate"]) == approx((0.8, 0.2, 0.2, 0.1))
    # (n_absent 3: students 6, 14, 15; exempt 1; cheating 1)
    assert (d["n_absent"], d["n_exempt"], d["n_cheating"]) == (3, 1, 1)


def test_sample_sd_and_other_thresholds(con, scores):
    df = engine.to_polars(
        con,
        es.score_stats(
            scores, by=[("class",)], ddof=1, pass_line=0.7, excellent_line=0.9, low_line=0.3, bands=5,
            percentiles=(0.5,),
        ),
    )
    c1 = row(df, "class", **{"class": "c1"})
    # sample SD = sqrt(2249.2 / 4)
    assert c1["sd"] == approx(math.sqrt(2249.2 / 4)) and c1["sd_ddof"] == 1
    # pass ≥ 70: 100, 85 -> 2/5; excellent ≥ 90: 1/5; low < 30: none
    assert (c1["pass_rate"], c1["excellent_rate"], c1["low_rate"]) == approx((0.4, 0.2, 0.0))
    # 5 bands of 20: 39.5 -> [20,40); 60, 60 -> [60,80); 85, 100 -> [80,100]
    assert [c1[f"band_{b}"] for b in range(1, 6)] == [0, 1, 0, 2, 2]
    assert "p50" in df.columns and "p25" not in df.columns
    # one student: the sample SD is undefined -> null, not an error
    assert row(df, "class", **{"class": "c3"})["sd"] is None
    # 70 counts as ≥ 0.7·100 although 0.7·100 = 70.00000000000001 in floating point
    assert row(df, "class", **{"class": "c2"})["pass_rate"] == 1.0


def test_subgroups_are_just_grouping_columns(con, scores):
    df = engine.to_polars(con, es.score_stats(scores, by=[("school", "sex")]))
    s1m = row(df, "school+sex", school="S1", sex="M")
    # S1 boys who sat: 100, 60, 39.5 (1, 3, 5), 70, 70 (9, 11); student 7 exempt
    assert s1m["n_sat"] == 5 and s1m["n_exempt"] == 1
    assert s1m["mean"] == approx((100 + 60 + 39.5 + 140) / 5)


def test_relative_to_and_combined_index(con, stats):
    stats_t = ibis.memtable(stats)
    rel = es.relative_to(stats_t, scope=("school", "class"), reference=("school",))
    df = engine.to_polars(con, es.combined_index(rel))
    c1 = row(df, "school+class", school="S1", **{"class": "c1"})
    s1_mean = 624.5 / 9
    # 比均率 = 68.9 / 69.39 = 620.1 / 624.5; 超均率 = 比均率 − 1
    assert c1["mean_ratio"] == approx(68.9 / s1_mean)
    assert c1["mean_excess"] == approx(68.9 / s1_mean - 1)
    # pass 0.8 / (8/9) = 0.9; excellent 0.4 / (2/9) = 1.8
    assert (c1["pass_rate_ratio"], c1["excellent_rate_ratio"]) == approx((0.9, 1.8))
    # 0.4·mean ratio + 0.4·0.9 + 0.2·1.8
    assert c1["combined_index"] == approx(0.4 * 68.9 / s1_mean + 0.36 + 0.36)
    # mean in school SDs: school S1 population SD over its 9 students
    s1_scores = [100, 85, 60, 60, 39.5, 70, 70, 70, 70]
    assert c1["mean_std"] == approx((68.9 - s1_mean) / statistics.pstdev(s1_scores))
    c2 = row(df, "school+class", school="S1", **{"class": "c2"})
    # excellent 0 / (2/9) = 0; pass 1 / (8/9) = 1.125
    assert c2["combined_index"] == approx(0.4 * 70 / s1_mean + 0.4 * 1.125 + 0.0)
    # the empty class: no mean -> no ratio, no index (not a crash, not 0)
    c4 = row(df, "school+class", school="S2", **{"class": "c4"})
    assert c4["mean_ratio"] is None and c4["combined_index"] is None
    # class alone in its school that sat = its reference: ratio 1
    assert row(df, "school+class", school="S2", **{"class": "c3"})["mean_ratio"] == approx(1.0)


def test_school_against_district_and_zero_reference(con, stats):
    rel = engine.to_polars(
        con, es.relative_to(ibis.memtable(stats), scope=("school",), reference=(), metrics=("mean", "full_mark_rate"))
    )
    s2 = row(rel, "school", school="S2")
    assert s2["mean_ratio"] == approx(50 / 67.45)
    assert s2["mean_excess"] == approx((50 - 67.45) / 67.45)
    # reference full-mark rate 0.1; S2's 0 -> ratio 0
    assert s2["full_mark_rate_ratio"] == 0.0
    # a zero reference gives null, not infinity
    rel2 = engine.to_polars(
        con, es.relative_to(ibis.memtable(stats), scope=("school", "class"), reference=("school",),
                            metrics=("full_mark_rate",))
    )
    assert row(rel2, "school+class", school="S2", **{"class": "c3"})["full_mark_rate_ratio"] is None


def test_standard_scores(con, scores):
    df = engine.to_polars(con, es.standard_scores(scores, by=("paper", "class")))
    assert df.height == 10  # only those who sat
    by_id = {r["student_id"]: r for r in df.iter_rows(named=True)}
    sd = math.sqrt(449.84)
    z1 = (100 - 68.9) / sd
    assert by_id[1]["z"] == approx(z1)
    assert by_id[1]["t"] == approx(50 + 10 * z1)
    assert by_id[1]["score_500"] == approx(500 + 100 * z1)
    # PR = 100·(#below + 0.5·#equal)/N: 100 -> (4 + .5)/5 = 90; 85 -> 70; 60 -> (1 + 1)/5 = 40; 39.5 -> 10
    assert [by_id[i]["percentile_rank"] for i in (1, 2, 3, 4, 5)] == approx([90, 70, 40, 40, 10])
    # normalised T = 50 + 10·Φ⁻¹(PR/100), ties share their mean rank
    inv = statistics.NormalDist().inv_cdf
    assert by_id[3]["normal_t"] == approx(50 + 10 * inv(0.4))
    assert by_id[1]["normal_t"] == approx(50 + 10 * inv(0.9))
    # competition rank: 1, 2, 3, 3, 5
    assert [by_id[i]["rank"] for i in (1, 2, 3, 4, 5)] == [1, 2, 3, 3, 5]
    # all-equal class: SD 0 -> z null; PR 50, normal T 50, everybody rank 1
    for i in (9, 10, 11, 12):
        assert by_id[i]["z"] is None and by_id[i]["t"] is None
        assert by_id[i]["percentile_rank"] == 50 and by_id[i]["normal_t"] == approx(50) and by_id[i]["rank"] == 1
    # single student: the same
    assert by_id[13]["percentile_rank"] == 50 and by_id[13]["z"] is None and by_id[13]["n"] == 1


def test_standard_scores_over_the_whole_table(con, scores):
    # by=() is one group: the 10 who sat. Student 1 (100, the best): PR = (9 + 0.5)/10 = 95 %, rank 1.
    # Descending: 100, 85, four 70s (rank 3), two 60s (rank 7), 50 (rank 9), 39.5 (rank 10).
    df = engine.to_polars(con, es.standard_scores(scores, by=()))
    by_id = {r["student_id"]: r for r in df.iter_rows(named=True)}
    assert df.height == 10 and {r["n"] for r in by_id.values()} == {10}
    assert by_id[1]["percentile_rank"] == approx(95) and by_id[1]["rank"] == 1
    assert [by_id[i]["rank"] for i in (2, 9, 3, 13, 5)] == [2, 3, 7, 9, 10]


def test_norm_ppf_matches_python(con):
    ps = [1e-300, 1e-10, 0.001, 0.02, 0.075, 0.3, 0.5, 0.5000001, 0.8, 0.925, 0.999, 1 - 1e-12]
    t = ibis.memtable({"p": ps})
    out = engine.to_polars(con, t.mutate(z=es.norm_ppf(t.p)))["z"].to_list()
    assert out == approx([statistics.NormalDist().inv_cdf(p) for p in ps], rel=1e-13, abs=1e-13)


def test_change_since(con):
    # Class means and standardised means in two assessments; c9 is new (no previous).
    cur = ibis.memtable({"class": ["c1", "c2", "c9"], "subject": ["m"] * 3, "mean": [72.0, 65.0, 50.0],
                         "pass_rate": [0.9, 0.5, 0.1], "mean_std": [0.3, -0.2, 0.0]})
    prev = ibis.memtable({"class": ["c1", "c2"], "subject": ["m"] * 2, "mean": [70.0, 66.0],
                          "pass_rate": [0.8, 0.6], "mean_std": [0.1, 0.1]})
    df = engine.to_polars(
        con, es.change_since(cur, prev, on=("class", "subject"), metrics=("mean", "pass_rate", "mean_std"))
    ).sort("class")
    assert df["mean_change"].to_list()[:2] == approx([2.0, -1.0])
    assert df["pass_rate_change"].to_list()[:2] == approx([0.1, -0.1])
    assert df["mean_std_change"].to_list()[:2] == approx([0.2, -0.3])
    assert df.row(2, named=True)["mean_prev"] is None and df.row(2, named=True)["mean_change"] is None


def test_total_scores(con):
    df = pl.concat(
        [
            scores_frame(ROWS[:5] + [(6, "S1", "c1", "F", None, "absent")], paper="math"),
            scores_frame(
                [(1, "S1", "c1", "M", 90.0, "sat"), (2, "S1", "c1", "F", 50.0, "sat"),
                 (3, "S1", "c1", "M", 0.0, "cheating"), (4, "S1", "c1", "F", 100.0, "sat"),
                 (5, "S1", "c1", "M", None, "exempt"), (6, "S1", "c1", "F", 40.0, "sat")],
                paper="chinese", full_mark=120.0, subject="chinese",
            ),
        ]
    )
    t = engine.to_polars(con, es.total_scores(ibis.memtable(df), keep=("school", "class"))).sort("student_id")
    assert t["full_mark"].to_list() == [220.0] * 6
    assert t["score"].to_list() == [190.0, 135.0, None, 160.0, None, None]
    # 3 cheated in one paper; 5 exempt in one; 6 absent in one
    assert t["status"].to_list() == ["sat", "sat", "cheating", "sat", "exempt", "absent"]


def test_compiles_for_postgres(scores):
    # The Django side may run these on PostgreSQL: the SQL must at least compile for it.
    expr = es.score_stats(scores, by=[(), ("school",)])
    sql = ibis.to_sql(es.combined_index(es.relative_to(expr, scope=("school",), reference=())), dialect="postgres")
    # PostgreSQL reads 1.0 as NUMERIC: averaged, the rates came back as NUMERIC, which pyarrow cannot read
    # as double. The rate flags must be integers cast to double precision.
    assert "THEN 1.0" not in sql and 'AS DOUBLE PRECISION) AS "_pass_rate"' in sql
    ibis.to_sql(es.standard_scores(scores), dialect="postgres")


def test_core_does_not_import_django():
    code = (
        "import sys, tisheng.core.exam_stats, tisheng.core.items, tisheng.core.levels, "
        "tisheng.core.attention, tisheng.core.rules, tisheng.core.engine; "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_student_change_in_standardised_terms(con):
    # Two assessments with different papers (different full marks, so raw scores are not comparable).
    # Before (full mark 100): 1 -> 90, 2 -> 60, 3 -> 30.  After (full mark 150): 1 -> 90, 2 -> 120, 3 -> 30.
    # PR before: 1 -> 100·(2 + .5)/3 = 83.33, 2 -> 50, 3 -> 16.67; after: 1 -> 50, 2 -> 83.33, 3 -> 16.67
    def frame(paper, full, scores):
        return pl.DataFrame({"student_id": [1, 2, 3], "paper": paper, "subject": "math", "score": scores,
                             "status": "sat", "full_mark": full})

    before = es.standard_scores(ibis.memtable(frame("m1", 100.0, [90.0, 60.0, 30.0])))
    after = es.standard_scores(ibis.memtable(frame("m2", 150.0, [90.0, 120.0, 30.0])))
    df = engine.to_polars(
        con, es.change_since(after, before, on=("student_id", "subject"), metrics=("percentile_rank", "z", "score"))
    ).sort("student_id")
    assert df["percentile_rank_change"].to_list() == approx([50 - 250 / 3, 250 / 3 - 50, 0.0])
    # z before: mean 60, SD sqrt(600) -> 1: 30/sqrt(600); after: mean 80, SD sqrt((100 + 1600 + 2500)/3) = sqrt(1400)
    assert df["z_change"][0] == approx(10 / math.sqrt(1400) - 30 / math.sqrt(600))
    assert df["score_change"].to_list() == [0.0, 60.0, 0.0]  # raw: misleading, hence the standardised columns


def test_engine_load_register_and_arrow(con):
    df = scores_frame()
    copied = engine.load(con, None, df)
    viewed = engine.register(con, "scores_view", df)
    a = engine.to_arrow(con, es.score_stats(copied, by=[()]))
    b = engine.to_polars(con, es.score_stats(viewed, by=[()]))
    c = engine.to_polars(con, es.score_stats(engine.memtable(df.lazy()), by=[()]))
    assert a.num_rows == 1 and a.column("mean").to_pylist() == b["mean"].to_list() == c["mean"].to_list()
    assert b["n_rows"][0] == 15
