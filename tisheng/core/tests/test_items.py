"""Item analysis, reliability and knowledge-point mastery on hand-computed data (exam_analysis.md §4)."""

import math

import ibis
import polars as pl
import pytest

from tisheng.core import engine
from tisheng.core import items as it

approx = pytest.approx

# Six students, four 0/1 items (paper "P", each item full mark 1). Student 7 was absent (null scores,
# status "absent") and must not count anywhere. Classes: A = 1, 2, 3 (+ 7), B = 4, 5, 6.
#            item 1  2  3  4   total
MATRIX = {1: [1, 1, 1, 0],  # 3
          2: [1, 0, 1, 1],  # 3
          3: [0, 1, 0, 0],  # 1
          4: [1, 1, 1, 1],  # 4
          5: [0, 0, 0, 1],  # 1
          6: [1, 1, 0, 0]}  # 2
CLASS = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B", 6: "B", 7: "A"}


def item_frame(matrix=MATRIX, paper="P", full_marks=None, absent=(7,)):
    rows = []
    for s, scores in matrix.items():
        for j, x in enumerate(scores, start=1):
            f = full_marks[j - 1] if full_marks else 1.0
            rows.append((s, CLASS.get(s, "A"), paper, j, float(x), f, "sat"))
    for s in absent:
        for j in range(1, len(next(iter(matrix.values()))) + 1):
            rows.append((s, CLASS[s], paper, j, None, 1.0, "absent"))
    return pl.DataFrame(
        rows, schema=["student_id", "class", "paper", "item", "score", "full_mark", "status"], orient="row"
    )


@pytest.fixture(scope="module")
def con():
    return engine.get_backend()


@pytest.fixture(scope="module")
def items(con):
    return engine.load(con, "items", item_frame())


def test_totals_and_upper_lower_groups(con, items):
    t = engine.to_polars(con, it.student_totals(items)).sort("position")
    # N = 6, k = ⌊0.27·6 + 0.5⌋ = ⌊2.12⌋ = 2. Sorted by total desc, ties by id asc: 4 (4), 1 (3), 2 (3), 6 (2),
    # 3 (1), 5 (1). H = {4, 1}: 1 beats 2 on the tie; L = {3, 5}.
    assert t["student_id"].to_list() == [4, 1, 2, 6, 3, 5]
    assert t["total"].to_list() == [4, 3, 3, 2, 1, 1]
    assert t["ul_group"].to_list() == ["H", "H", None, None, "L", "L"]
    assert set(t["k"]) == {2} and set(t["n"]) == {6}
    # odd items 1 and 3, even items 2 and 4
    by_id = {r["student_id"]: r for r in t.iter_rows(named=True)}
    assert [by_id[s]["odd"] for s in range(1, 7)] == [2, 2, 0, 2, 0, 1]
    assert [by_id[s]["even"] for s in range(1, 7)] == [1, 1, 1, 2, 1, 1]


def test_27_percent_rule_with_ties(con):
    # N = 10, k = ⌊2.7 + 0.5⌋ = 3; totals 9, 9, 9, 9, 5, 5, 2, 2, 2, 2 for ids 1..10 (one item each).
    # H = the first 3 after sorting: ids 1, 2, 3 (id 4 has the same total but a higher id);
    # L = the last 3: ids 8, 9, 10 (id 7 ties with them but sorts before).
    totals = [9, 9, 9, 9, 5, 5, 2, 2, 2, 2]
    df = pl.DataFrame({"student_id": list(range(1, 11)), "paper": "P", "item": 1,
                       "score": [float(x) for x in totals], "full_mark": 10.0})
    t = engine.to_polars(con, it.student_totals(ibis.memtable(df))).sort("student_id")
    assert t["ul_group"].to_list() == ["H", "H", "H", None, None, None, None, "L", "L", "L"]
    # D = (mean_H − mean_L)/f = (9 − 2)/10 = 0.7
    s = engine.to_polars(con, it.item_stats(ibis.memtable(df)))
    assert s["discrimination"][0] == approx(0.7)


@pytest.mark.parametrize("n, k", [(1, 0), (2, 1), (3, 1), (50, 14), (150, 41), (200, 54)])
def test_k_is_floor_of_027n_plus_half(con, n, k):
    # 0.27·150 + 0.5 = 41 exactly: must not round down to 40 in floating point. 0.27·200 + 0.5 = 54.5 -> 54.
    df = pl.DataFrame({"student_id": list(range(n)), "paper": "P", "item": 1, "score": 1.0, "full_mark": 1.0})
    t = engine.to_polars(con, it.student_totals(ibis.memtable(df)))
    assert set(t["k"]) == {k}
    assert (t["ul_group"] == "H").sum() == k and (t["ul_group"] == "L").sum() == k


def test_item_stats(con, items):
    s = engine.to_polars(con, it.item_stats(items)).sort("item")
    r = {row["item"]: row for row in s.iter_rows(named=True)}
    assert s["n"].to_list() == [6, 6, 6, 6]  # the absent student is not counted
    # P_j = share correct: items 1, 2: 4/6; items 3, 4: 3/6
    assert s["difficulty"].to_list() == approx([4 / 6, 4 / 6, 0.5, 0.5])
    assert s["difficulty_band"].to_list() == ["medium"] * 4
    # H = {4, 1}, L = {3, 5}
    # item 1: H 1, 1 -> 1; L 0, 0 -> 0; D = 1.   item 2: H 1, 1; L 1, 0 -> .5; D = .5
    # item 3: H 1, 1; L 0, 0; D = 1.              item 4: H 1, 0 -> .5; L 0, 1 -> .5; D = 0
    assert s["discrimination"].to_list() == approx([1.0, 0.5, 1.0, 0.0])
    assert s["ebel"].to_list() == ["very_good", "very_good", "very_good", "poor"]
    assert s["poor_discrimination"].to_list() == [False, False, False, True]
    # item 1: x = 1,1,0,1,0,1; X = 3,3,1,4,1,2. cov = 12/6 − (4/6)(14/6) = 4/9; var x = 2/9, var X = 11/9
    # r = (4/9) / sqrt(2/9 · 11/9) = 4/sqrt(22)
    assert r[1]["r_item_total"] == approx(4 / math.sqrt(22))
    # rest = 2,2,1,3,1,1: mean 5/3, var = 20/6 − 25/9 = 5/9; cov = 8/6 − (2/3)(5/3) = 2/9
    # r = (2/9) / sqrt(2/9 · 5/9) = 2/sqrt(10)
    assert r[1]["r_item_rest"] == approx(2 / math.sqrt(10))
    assert s["is_binary"].all()
    assert r[1]["var_pop"] == approx(2 / 9) and r[1]["mean"] == approx(4 / 6)


def test_paper_reliability_and_kr20_equals_alpha(con, items):
    p = engine.to_polars(con, it.paper_stats(items)).row(0, named=True)
    assert (p["n"], p["n_items"], p["full_mark"]) == (6, 4, 4.0)
    assert p["mean"] == approx(14 / 6) and p["difficulty"] == approx(14 / 24)
    # Σ f_j D_j / F = (1 + .5 + 1 + 0)/4
    assert p["discrimination"] == approx(0.625)
    # Σ p_j q_j = 2/9 + 2/9 + 1/4 + 1/4 = 17/18; s_X² = 40/6 − (7/3)² = 11/9
    # α = 4/3 · (1 − (17/18)/(11/9)) = 4/3 · 5/22 = 10/33
    assert p["alpha"] == approx(10 / 33)
    assert p["kr20"] == approx(p["alpha"]) and p["kr20"] == approx(10 / 33)
    # halves: odd 2,2,0,2,0,1; even 1,1,1,2,1,1 (means 7/6): cov = 9/6 − 49/36 = 5/36,
    # var odd = 13/6 − 49/36 = 29/36, var even = 9/6 − 49/36 = 5/36 -> r = 5/sqrt(145)
    r = 5 / math.sqrt(145)
    assert p["split_half_r"] == approx(r)
    assert p["spearman_brown"] == approx(2 * r / (1 + r))
    # Flanagan–Rulon 2(1 − (29/36 + 5/36)/(44/36)) = 2 · 10/44
    assert p["flanagan_rulon"] == approx(20 / 44)
    # SEM = s_X √(1 − α) = √(11/9 · 23/33) = √(23/27)
    assert p["sd"] == approx(math.sqrt(11 / 9))
    assert p["sem"] == approx(math.sqrt(23 / 27))


def test_polytomous_items_have_alpha_but_no_kr20(con):
    # Two items of full mark 2; students: (2, 2), (1, 2), (0, 1), (1, 1)
    m = {1: [2, 2], 2: [1, 2], 3: [0, 1], 4: [1, 1]}
    df = item_frame(m, full_marks=[2.0, 2.0], absent=())
    p = engine.to_polars(con, it.paper_stats(ibis.memtable(df))).row(0, named=True)
    # item 1: 2,1,0,1 mean 1, var (1+0+1+0)/4 = .5; item 2: 2,2,1,1 mean 1.5, var .25
    # totals 4,3,1,2: mean 2.5, var (2.25 + .25 + 2.25 + .25)/4 = 1.25
    # α = 2/1 · (1 − .75/1.25) = 0.8
    assert p["alpha"] == approx(0.8)
    assert p["kr20"] is None
    # halves are the two items: r = cov/(sd·sd); cov = (2·2 + 1·2 + 0·1 + 1·1)/4 − 1·1.5 = 7/4 − 1.5 = .25
    # r = .25/√(.5·.25) = .25/√.125 = 0.7071…
    assert p["split_half_r"] == approx(0.25 / math.sqrt(0.125))
    s = engine.to_polars(con, it.item_stats(ibis.memtable(df)))
    assert not s["is_binary"].any()


def test_all_equal_scores_give_nulls_not_errors(con):
    # Everybody 1 on both items: no variance anywhere. Correlations, α, split half undefined -> null.
    m = {1: [1, 1], 2: [1, 1], 3: [1, 1]}
    df = item_frame(m, absent=())
    s = engine.to_polars(con, it.item_stats(ibis.memtable(df)))
    assert s["r_item_total"].to_list() == [None, None]
    assert s["r_item_rest"].to_list() == [None, None]
    assert s["discrimination"].to_list() == [0.0, 0.0]  # H and L both 1
    assert s["difficulty_band"].to_list() == ["easy", "easy"]
    p = engine.to_polars(con, it.paper_stats(ibis.memtable(df))).row(0, named=True)
    for k in ("alpha", "kr20", "split_half_r", "spearman_brown", "flanagan_rulon", "sem"):
        assert p[k] is None, k
    assert p["sd"] == 0.0


def test_single_student_has_no_groups(con):
    df = item_frame({1: [1, 0, 1]}, absent=())
    s = engine.to_polars(con, it.item_stats(ibis.memtable(df)))
    # k = ⌊0.27 + 0.5⌋ = 0: no upper or lower group, D and its Ebel band undefined
    assert s["discrimination"].to_list() == [None, None, None]
    assert s["ebel"].to_list() == [None, None, None]


def test_item_score_distribution(con, items):
    d = engine.to_polars(con, it.item_score_distribution(items)).sort("item", "score")
    item1 = d.filter(pl.col("item") == 1)
    assert item1["score"].to_list() == [0.0, 1.0]
    assert item1["count"].to_list() == [2, 4]
    assert item1["share"].to_list() == approx([2 / 6, 4 / 6])


def test_knowledge_point_mastery(con, items):
    # kp "a" = items 1, 2; kp "b" = items 1, 3, 4; kp "c" = item 3
    kp = ibis.memtable({"paper": ["P"] * 5, "item": [1, 2, 1, 3, 4], "kp": ["a", "a", "b", "b", "b"]})
    # (item 3, "b") listed twice: a repeated mapping row must not count the item twice
    kp = ibis.union(kp, ibis.memtable({"paper": ["P", "P"], "item": [3, 3], "kp": ["c", "b"]}))
    m = engine.to_polars(con, it.kp_mastery(items, kp, by=("class",))).sort("class", "kp")
    got = {(r["class"], r["kp"]): r for r in m.iter_rows(named=True)}
    # class A sat: students 1, 2, 3 (7 absent). item sums: 1 -> 2, 2 -> 2, 3 -> 2, 4 -> 1
    # a = (2 + 2)/(3·2) = 4/6; b = (2 + 2 + 1)/(3·3) = 5/9; c = 2/3
    assert got[("A", "a")]["mastery"] == approx(4 / 6)
    assert got[("A", "b")]["mastery"] == approx(5 / 9)
    assert got[("A", "c")]["mastery"] == approx(2 / 3)
    assert got[("A", "a")]["n_students"] == 3 and got[("A", "b")]["n_items"] == 3
    # class B (4, 5, 6): item sums 1 -> 2, 2 -> 2, 3 -> 1, 4 -> 2: a = 4/6, b = 5/9, c = 1/3
    assert got[("B", "c")]["mastery"] == approx(1 / 3)
    assert got[("B", "b")]["points"] == 5 and got[("B", "b")]["possible"] == 9
    # per student: student 2 on "b" = items 1, 3, 4 = 1 + 1 + 1 of 3 -> 1.0; student 3 on "a" = 0 + 1 of 2
    per = engine.to_polars(con, it.kp_mastery(items, kp, by=("student_id",)))
    got = {(r["student_id"], r["kp"]): r["mastery"] for r in per.iter_rows(named=True)}
    assert got[(2, "b")] == 1.0 and got[(3, "a")] == 0.5
    assert 7 not in {s for s, _ in got}


def test_grouped_item_analysis(con, items):
    # by=("class",): the 27 % groups and P_j are computed inside each class.
    s = engine.to_polars(con, it.item_stats(items, by=("class",))).sort("class", "item")
    a = s.filter(pl.col("class") == "A")
    # class A: students 1, 2, 3 -> item 1 = 1, 1, 0 -> P = 2/3
    assert a["difficulty"][0] == approx(2 / 3)
    p = engine.to_polars(con, it.paper_stats(items, by=("class",)))
    assert sorted(p["n"].to_list()) == [3, 3]


def test_compiles_for_postgres(items):
    ibis.to_sql(it.paper_stats(items), dialect="postgres")
    kp = ibis.memtable({"paper": ["P"], "item": [1], "kp": ["a"]})
    ibis.to_sql(it.kp_mastery(items, kp), dialect="postgres")
