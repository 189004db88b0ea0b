"""Benchmark: the complete exam analysis of one synthetic district assessment.

    .venv/bin/python bench/exam_analysis.py                    # 100,000 students (22.5 M item scores)
    .venv/bin/python bench/exam_analysis.py --students 5000    # quick run
    .venv/bin/python bench/exam_analysis.py --parts core       # only Tisheng's core (clean peak memory)

Synthetic data (deterministic, ``--seed``): ~60 schools of different sizes, grades 7–9, classes of 35–50,
9 subjects per grade (27 papers, full marks 120/100), 25 items per paper (12 objective 3-point items and 13
open items), item scores drawn from a 2-parameter logistic model with school, class and student effects; a
few weak or reversed items per paper; about 3 % absent, 0.3 % exempt, 0.1 % cheating per paper.

The analysis, for every scope: score statistics for district, school, class, teacher, sex, boarding,
left-behind and school × sex (counts, mean, SD, percentiles, 4 rates, full-mark rate, 10 bands); 超均率 /
比均率 of classes against their school and schools against the district, with the combined index; standard
scores and percentile ranks; criterion and proportional levels with converted scores; item analysis per
paper (totals and 27 % groups, P, D, Ebel band, item–total and item–rest r, α, KR-20, split half, SEM, item
score distributions); knowledge-point mastery per class.

It is run three ways on the same data in the same process, and the results are checked against each other:

* core   — ``tisheng.core`` (Ibis expressions executed by DuckDB);
* floor  — hand-written DuckDB SQL computing the same aggregates (GROUPING SETS, one statement per step);
* pandas — the same in pandas/numpy.

The three run step by step, interleaved (core, floor, pandas, core, floor, pandas …), so that other load on
the machine hits them alike. By default the data are registered with DuckDB in place (``engine.register``,
no copy); ``--load copy`` copies them in first (``engine.load``). Prints wall and CPU times per step (CPU
of the whole process, all threads: steadier when others load the machine), ratios, the load average, and
peak RSS of the whole process (``ru_maxrss``: it includes the synthetic data and, with pandas, pandas'
copies; use ``--parts core`` for the core alone).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tisheng.core import engine, exam_stats, items, levels  # noqa: E402
from tisheng.core.exam_stats import _AS241_CENTRAL, _AS241_INTERMEDIATE, _AS241_TAIL  # noqa: E402
from tisheng.core.rules import default  # noqa: E402

SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治"]
FULL = [120, 120, 120, 100, 100, 100, 100, 100, 100]
OPEN_ITEMS = {120: [4, 4, 4, 5, 5, 6, 6, 6, 8, 8, 8, 10, 10], 100: [3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8]}
GRADES = [7, 8, 9]
N_ITEMS = 25
KP_PER_PAPER = 6

# Groupings of the score statistics (every scope of the issue; grade and subject are implied by the paper).
BY = [(), ("school",), ("school", "class"), ("teacher",), ("sex",), ("boarding",), ("left_behind",), ("school", "sex")]
PASS, EXCELLENT, GOOD, LOW = (default(f"exam.rate.{k}.line") for k in ("pass", "excellent", "good", "low"))
BANDS = default("exam.bands.count")
QS = default("exam.percentiles")
WEIGHTS = default("exam.combined_index.weights")
CRITERION = default("exam.level.criterion")
SCHEME = default("exam.level.scheme.a_e")
UL = default("exam.items.upper_lower.fraction")
EPS = exam_stats.EPS


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(times: dict, name: str):
    start = time.perf_counter()
    yield
    times[name] = time.perf_counter() - start


# --------------------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------------------
@dataclass
class Data:
    students: pl.DataFrame  # student_id, district, school, grade, class, sex, boarding, left_behind
    scores: pl.DataFrame  # long scores table (one row per student and paper)
    items: pl.DataFrame  # item scores of students who sat: student_id, paper, item, score, full_mark
    item_kp: pl.DataFrame  # paper, item, kp


def generate(n_students: int, seed: int) -> Data:
    rng = np.random.default_rng(seed)
    n_schools = 60
    school_weight = rng.lognormal(0, 0.5, n_schools)
    school_weight /= school_weight.sum()
    school_effect = rng.normal(0, 0.4, n_schools)

    # Classes until the district has n_students: school by size, grade uniform, 35–50 students.
    class_school, class_grade, class_size = [], [], []
    total = 0
    while total < n_students:
        size = int(rng.integers(35, 51))
        size = min(size, n_students - total)
        class_school.append(int(rng.choice(n_schools, p=school_weight)))
        class_grade.append(int(rng.choice(GRADES)))
        class_size.append(size)
        total += size
    class_school = np.array(class_school)
    class_grade = np.array(class_grade)
    n_classes = len(class_size)
    # class number within school and grade
    class_no = np.zeros(n_classes, dtype=np.int64)
    seen: dict[tuple[int, int], int] = {}
    for c in range(n_classes):
        key = (class_school[c], class_grade[c])
        seen[key] = seen.get(key, 0) + 1
        class_no[c] = seen[key]
    class_name = np.array([f"S{s + 1:02d}-{g}-{k:02d}" for s, g, k in zip(class_school, class_grade, class_no)])
    class_effect = rng.normal(0, 0.25, n_classes)

    stu_class = np.repeat(np.arange(n_classes), class_size)
    stu_school = class_school[stu_class]
    stu_grade = class_grade[stu_class]
    ability = school_effect[stu_school] + class_effect[stu_class] + rng.normal(0, 1, n_students)
    student_id = np.arange(1, n_students + 1, dtype=np.int32)
    sex = np.where(rng.random(n_students) < 0.52, "M", "F")
    boarding = rng.random(n_students) < 0.2
    left_behind = rng.random(n_students) < 0.15
    school_name = np.array([f"S{s + 1:02d}" for s in range(n_schools)])
    students = pl.DataFrame(
        {
            "student_id": student_id,
            "district": "D01",
            "school": school_name[stu_school],
            "grade": stu_grade.astype(np.int8),
            "class": class_name[stu_class],
            "sex": sex,
            "boarding": boarding,
            "left_behind": left_behind,
        }
    )

    score_parts, item_parts, kp_rows = [], [], []
    for g in GRADES:
        in_grade = np.flatnonzero(stu_grade == g)
        n = len(in_grade)
        for s, (subject, full) in enumerate(zip(SUBJECTS, FULL)):
            paper = (g - GRADES[0]) * len(SUBJECTS) + s
            marks = np.array([3] * 12 + OPEN_ITEMS[full], dtype=np.float64)
            assert marks.sum() == full and len(marks) == N_ITEMS
            a = rng.uniform(0.6, 1.8, N_ITEMS)
            b = rng.normal(-0.3, 0.8, N_ITEMS)
            weak = rng.choice(N_ITEMS, 2, replace=False)
            a[weak[0]] = 0.05  # an item that does not discriminate
            a[weak[1]] = -0.3  # a reversed item (a key error)
            theta = ability[in_grade] + rng.normal(0, 0.5, n)
            p = 1 / (1 + np.exp(-1.7 * a[None, :] * (theta[:, None] - b[None, :])))
            objective = (rng.random((n, 12)) < p[:, :12]) * 3.0
            open_ = rng.binomial(marks[None, 12:].astype(np.int64), p[:, 12:]).astype(np.float64)
            matrix = np.hstack([objective, open_])
            total_score = matrix.sum(axis=1)

            u = rng.random(n)
            status = np.where(u < 0.03, "absent", np.where(u < 0.033, "exempt", np.where(u < 0.034, "cheating", "sat")))
            sat = status == "sat"
            score = np.where((status == "sat") | (status == "cheating"), total_score, np.nan)
            teacher = np.array(
                [f"T-{c}-{subject}" for c in np.char.add(np.char.add(school_name[stu_school[in_grade]], "-"),
                                                           ((class_no[stu_class[in_grade]] - 1) // 2).astype(str))]
            )
            score_parts.append(
                pl.DataFrame(
                    {
                        "student_id": student_id[in_grade],
                        "paper": np.full(n, paper, dtype=np.int16),
                        "subject": subject,
                        "score": score,
                        "status": status,
                        "full_mark": np.full(n, float(full)),
                        "teacher": teacher,
                    },
                    nan_to_null=True,
                )
            )
            m = matrix[sat]
            k = m.shape[0]
            item_parts.append(
                pl.DataFrame(
                    {
                        "student_id": np.repeat(student_id[in_grade][sat], N_ITEMS),
                        "paper": np.full(k * N_ITEMS, paper, dtype=np.int16),
                        "item": np.tile(np.arange(1, N_ITEMS + 1, dtype=np.int8), k),
                        "score": m.reshape(-1).astype(np.float32),
                        "full_mark": np.tile(marks.astype(np.float32), k),
                    }
                )
            )
            # Knowledge points: each item on one point, every fifth item also on the next.
            for j in range(N_ITEMS):
                kp_rows.append((paper, j + 1, f"{paper}-kp{j % KP_PER_PAPER + 1}"))
                if j % 5 == 0:
                    kp_rows.append((paper, j + 1, f"{paper}-kp{(j + 1) % KP_PER_PAPER + 1}"))
    scores = pl.concat(score_parts).join(students, on="student_id")
    items_df = pl.concat(item_parts)
    item_kp = pl.DataFrame(kp_rows, schema={"paper": pl.Int16, "item": pl.Int8, "kp": pl.String}, orient="row")
    return Data(students, scores, items_df, item_kp)


# --------------------------------------------------------------------------------------------------------
# (1) Tisheng's core
# --------------------------------------------------------------------------------------------------------
def run_core(con, out: dict):
    """The analysis with tisheng.core; a generator that yields each step's name before doing it."""
    scores = con.table("scores")
    item_scores = con.table("items")
    students = con.table("students")
    item_kp = con.table("item_kp")

    yield "score statistics, all scopes"
    stats = exam_stats.score_stats(scores, BY).cache()
    out["stats"] = engine.to_polars(con, stats)
    yield "relative standing + combined index"
    cls = exam_stats.combined_index(
        exam_stats.relative_to(stats, scope=("school", "class"), reference=("school",)), WEIGHTS
    )
    out["class_vs_school"] = engine.to_polars(con, cls)
    out["school_vs_district"] = engine.to_polars(
        con, exam_stats.relative_to(stats, scope=("school",), reference=())
    )
    yield "standard scores + PR"
    # Ask only for the columns the report needs: every extra column is carried through the windows.
    needed = scores.select("student_id", "paper", "score", "status", "full_mark")
    out["standard"] = engine.to_polars(con, exam_stats.standard_scores(needed))
    yield "levels (criterion + A–E)"
    lv = levels.proportional_levels(levels.criterion_levels(needed, CRITERION).rename(criterion="level"), SCHEME)
    out["levels"] = engine.to_polars(con, lv)
    yield "item analysis"
    totals = items.student_totals(item_scores).cache()
    item_table = items.item_stats(item_scores, totals).cache()
    out["items"] = engine.to_polars(con, item_table)
    out["papers"] = engine.to_polars(con, items.paper_stats(item_scores, totals, item_table))
    out["item_dist"] = engine.to_polars(con, items.item_score_distribution(item_scores))
    yield "knowledge-point mastery per class"
    with_class = item_scores.join(students.select("student_id", "school", "class"), "student_id")
    out["kp"] = engine.to_polars(con, items.kp_mastery(with_class, item_kp, by=("school", "class")))



# --------------------------------------------------------------------------------------------------------
# (2) The floor: hand-written DuckDB SQL
# --------------------------------------------------------------------------------------------------------
def _sql_poly(coefs, x: str) -> str:
    expr = repr(coefs[-1])
    for c in reversed(coefs[:-1]):
        expr = f"(({expr}) * {x} + {c!r})"
    return expr


NORM_PPF_MACRO = f"""
CREATE OR REPLACE TEMP MACRO norm_ppf(p) AS (
  CASE WHEN abs(p - 0.5) <= 0.425
       THEN (p - 0.5) * {_sql_poly(_AS241_CENTRAL[0], "(0.180625 - (p - 0.5) * (p - 0.5))")}
                      / {_sql_poly(_AS241_CENTRAL[1], "(0.180625 - (p - 0.5) * (p - 0.5))")}
       ELSE sign(p - 0.5) * CASE WHEN sqrt(-ln(least(p, 1 - p))) <= 5
            THEN {_sql_poly(_AS241_INTERMEDIATE[0], "(sqrt(-ln(least(p, 1 - p))) - 1.6)")}
               / {_sql_poly(_AS241_INTERMEDIATE[1], "(sqrt(-ln(least(p, 1 - p))) - 1.6)")}
            ELSE {_sql_poly(_AS241_TAIL[0], "(sqrt(-ln(least(p, 1 - p))) - 5.0)")}
               / {_sql_poly(_AS241_TAIL[1], "(sqrt(-ln(least(p, 1 - p))) - 5.0)")} END
  END)
"""


def _scope_case() -> str:
    keys = ["school", "class", "teacher", "sex", "boarding", "left_behind"]
    whens = []
    for by in BY:
        bits = 0
        for i, k in enumerate(keys):
            if k not in by:
                bits |= 1 << (len(keys) - 1 - i)
        whens.append(f"WHEN {bits} THEN '{exam_stats.scope_name(by)}'")
    return f"CASE grouping(school, class, teacher, sex, boarding, left_behind) {' '.join(whens)} END"


def run_floor(con, out: dict):
    """The same in hand-written DuckDB SQL; yields the same step names as run_core."""
    db = con.con  # the raw DuckDB connection behind the Ibis backend: same tables, same threads
    qs = ", ".join(repr(q) for q in QS)
    sets = ", ".join("(" + ", ".join([*by, "paper"]) + ")" for by in BY)
    bands = ", ".join(f"sum((band = {b})::INT) AS band_{b + 1}" for b in range(BANDS))
    yield "score statistics, all scopes"
    # Every flag computed once per row, then plain aggregates (FILTER clauses per aggregate and grouping
    # set cost twice as much).
    db.execute(f"""
        CREATE OR REPLACE TEMP TABLE f_stats AS
        WITH s AS (SELECT *, status = 'sat' AND score IS NOT NULL AS sat FROM scores),
        f AS (
          SELECT school, class, teacher, sex, boarding, left_behind, paper, full_mark,
                 CASE WHEN sat THEN score END AS x, sat::INT AS sat,
                 (status = 'absent' OR (status = 'sat' AND score IS NULL))::INT AS absent,
                 (status = 'exempt')::INT AS exempt, (status = 'cheating')::INT AS cheating,
                 CASE WHEN sat THEN (score >= full_mark * {PASS} - {EPS})::DOUBLE END AS pass,
                 CASE WHEN sat THEN (score >= full_mark * {EXCELLENT} - {EPS})::DOUBLE END AS excellent,
                 CASE WHEN sat THEN (score >= full_mark * {GOOD} - {EPS})::DOUBLE END AS good,
                 CASE WHEN sat THEN (score < full_mark * {LOW} - {EPS})::DOUBLE END AS low,
                 CASE WHEN sat THEN (score >= full_mark - {EPS})::DOUBLE END AS top,
                 CASE WHEN sat THEN least(floor(score * {BANDS} / full_mark + {EPS}), {BANDS - 1}) ELSE -1 END
                   AS band
          FROM s)
        SELECT {_scope_case()} AS scope, school, class, teacher, sex, boarding, left_behind, paper,
          count(*) AS n_rows, sum(sat) AS n_sat, sum(absent) AS n_absent, sum(exempt) AS n_exempt,
          sum(cheating) AS n_cheating, max(full_mark) AS full_mark,
          avg(x) AS mean, avg(x) / max(full_mark) AS score_rate, stddev_pop(x) AS sd, min(x) AS min,
          max(x) AS max, quantile_cont(x, [{qs}]) AS q,
          avg(pass) AS pass_rate, avg(excellent) AS excellent_rate, avg(good) AS good_rate, avg(low) AS low_rate,
          avg(top) AS full_mark_rate, {bands}
        FROM f GROUP BY GROUPING SETS ({sets})""")
    out["stats"] = db.sql(
        "SELECT * EXCLUDE (q), "
        + ", ".join(f"q[{i + 1}] AS {exam_stats.percentile_column(q)}" for i, q in enumerate(QS))
        + " FROM f_stats"
    ).pl()
    metrics = exam_stats.RELATIVE_METRICS
    yield "relative standing + combined index"
    def relative(child_scope: str, ref_scope: str, keys: list[str]) -> str:
        on = " AND ".join(f"c.{k} = r.{k}" for k in [*keys, "paper"])
        cols = ", ".join(
            f"r.{m} AS {m}_ref, c.{m} / nullif(r.{m}, 0) AS {m}_ratio, "
            f"(c.{m} - r.{m}) / nullif(r.{m}, 0) AS {m}_excess" for m in metrics
        )
        return (f"SELECT c.*, r.sd AS sd_ref, {cols}, (c.mean - r.mean) / nullif(r.sd, 0) AS mean_std "
                f"FROM f_stats c LEFT JOIN f_stats r ON r.scope = '{ref_scope}' AND {on} "
                f"WHERE c.scope = '{child_scope}'")
    index = " + ".join(f"{w!r} * {m}_ratio" for m, w in WEIGHTS.items())
    out["class_vs_school"] = db.sql(
        f"SELECT *, {index} AS combined_index FROM ({relative('school+class', 'school', ['school'])})").pl()
    out["school_vs_district"] = db.sql(relative("school", "all", [])).pl()
    yield "standard scores + PR"
    db.execute(NORM_PPF_MACRO)
    # Everything but the student depends only on paper and score: computed on one row per distinct score
    # and joined back (the core does the same; windows over every student cost twice as much).
    out["standard"] = db.sql("""
        WITH s AS (SELECT student_id, paper, score FROM scores WHERE status = 'sat' AND score IS NOT NULL),
        m AS (SELECT paper, count(*) AS n, avg(score) AS m, stddev_pop(score) AS sd FROM s GROUP BY paper),
        p AS (SELECT paper, score, count(*) AS ties,
                     sum(count(*)) OVER (PARTITION BY paper ORDER BY score) - count(*) AS below
              FROM s GROUP BY paper, score),
        z AS (SELECT paper, score, n, (score - m) / nullif(sd, 0) AS z, (below + 0.5 * ties) / n AS share,
                     n - below - ties + 1 AS rank
              FROM p JOIN m USING (paper)),
        ps AS (SELECT paper, score, n, z, 50 + 10 * z AS t, 500 + 100 * z AS score_500,
                      100 * share AS percentile_rank, 50 + 10 * norm_ppf(share) AS normal_t, rank FROM z)
        SELECT student_id, paper, score, n, z, t, score_500, percentile_rank, normal_t, rank
        FROM s JOIN ps USING (paper, score)""").pl()
    yield "levels (criterion + A–E)"
    crit = " ".join(
        f"WHEN score >= full_mark * {lv['min']} - {EPS} THEN '{lv['level']}'"
        for lv in sorted(CRITERION, key=lambda lv: -lv["min"])
    )
    cum, prop, t1, t2 = 0, [], [], []
    for lv in SCHEME:
        cum += lv["share"]
        prop.append(f"WHEN rank_min * 100 <= n * {cum} + {EPS} THEN '{lv['level']}'")
        t1.append(f"WHEN '{lv['level']}' THEN {lv['converted_min']}")
        t2.append(f"WHEN '{lv['level']}' THEN {lv['converted_max']}")
    out["levels"] = db.sql(f"""
        WITH p AS (
          SELECT paper, score, count(*) AS ties, sum(count(*)) OVER (PARTITION BY paper) AS n,
                 sum(count(*)) OVER (PARTITION BY paper ORDER BY score DESC) - count(*) + 1 AS rank_min
          FROM scores WHERE status = 'sat' AND score IS NOT NULL GROUP BY paper, score),
        l AS (SELECT *, CASE {' '.join(prop)} END AS level FROM p),
        y AS (SELECT *, min(score) OVER (PARTITION BY paper, level) AS y1,
                        max(score) OVER (PARTITION BY paper, level) AS y2,
                        CASE level {' '.join(t1)} END AS t1, CASE level {' '.join(t2)} END AS t2 FROM l),
        c AS (SELECT paper, score, n, rank_min, level, TRUE AS sat,
                     floor(CASE WHEN y2 > y1 THEN t1 + (t2 - t1) * (score - y1) / (y2 - y1) ELSE t2 END + 0.5)::BIGINT
                       AS converted_score
              FROM y)
        SELECT student_id, paper, score, CASE WHEN s.sat THEN CASE {crit} END END AS criterion,
               n, rank_min, level, converted_score
        FROM (SELECT student_id, paper, score, full_mark, status = 'sat' AND score IS NOT NULL AS sat FROM scores) s
        LEFT JOIN c USING (paper, score, sat)""").pl()
    yield "item analysis"
    db.execute(f"""
        CREATE OR REPLACE TEMP TABLE f_totals AS
        WITH t AS (
          SELECT paper, student_id, sum(score) AS total, count(*) AS n_items,
                 coalesce(sum(score) FILTER (item % 2 = 1), 0) AS odd,
                 coalesce(sum(score) FILTER (item % 2 = 0), 0) AS even
          FROM items GROUP BY paper, student_id),
        r AS (SELECT *, count(*) OVER (PARTITION BY paper) AS n,
                        row_number() OVER (PARTITION BY paper ORDER BY total DESC, student_id) AS position
              FROM t)
        SELECT *, floor(n * {UL} + 0.5 + 1e-9)::BIGINT AS k,
               CASE WHEN position <= floor(n * {UL} + 0.5 + 1e-9) THEN 'H'
                    WHEN position > n - floor(n * {UL} + 0.5 + 1e-9) THEN 'L' END AS ul_group
        FROM r""")
    db.execute("""
        CREATE OR REPLACE TEMP TABLE f_items AS
        SELECT paper, item, count(*) AS n, max(i.full_mark) AS full_mark, avg(score) AS mean,
               var_pop(score) AS var_pop, stddev_pop(score) AS sd,
               avg(score) FILTER (ul_group = 'H') AS mean_upper, avg(score) FILTER (ul_group = 'L') AS mean_lower,
               covar_pop(score, total) AS c_t, var_pop(total) AS v_t,
               covar_pop(score, total - score) AS c_r, var_pop(total - score) AS v_r,
               count(*) FILTER (score <> 0 AND score <> 1) AS non_binary
        FROM items i JOIN f_totals t USING (paper, student_id)
        GROUP BY paper, item""")
    out["items"] = db.sql("""
        SELECT paper, item, n, full_mark, mean, var_pop, sd, mean_upper, mean_lower,
               mean / full_mark AS difficulty, (mean_upper - mean_lower) / full_mark AS discrimination,
               CASE WHEN v_t > 0 AND var_pop > 0 THEN c_t / sqrt(var_pop * v_t) END AS r_item_total,
               CASE WHEN v_r > 0 AND var_pop > 0 THEN c_r / sqrt(var_pop * v_r) END AS r_item_rest
        FROM f_items""").pl()
    out["papers"] = db.sql("""
        WITH i AS (SELECT paper, count(*) AS k, sum(full_mark) AS full_mark, sum(var_pop) AS sv,
                          sum(mean / full_mark * (1 - mean / full_mark)) AS spq,
                          sum(full_mark * (mean_upper - mean_lower) / full_mark) AS sfd,
                          bool_and(full_mark = 1 AND non_binary = 0) AS all_binary
                   FROM f_items GROUP BY paper),
             s AS (SELECT paper, count(*) AS n, avg(total) AS mean, stddev_pop(total) AS sd,
                          var_pop(total) AS v, var_pop(odd) AS vo, var_pop(even) AS ve,
                          covar_pop(odd, even) AS coe
                   FROM f_totals GROUP BY paper),
             j AS (SELECT *, k / (k - 1)::DOUBLE * (1 - sv / nullif(v, 0)) AS alpha,
                          CASE WHEN vo > 0 AND ve > 0 THEN coe / sqrt(vo * ve) END AS r
                   FROM i JOIN s USING (paper))
        SELECT paper, n, k AS n_items, full_mark, mean, sd, mean / full_mark AS difficulty,
               sfd / full_mark AS discrimination, alpha,
               CASE WHEN all_binary THEN k / (k - 1)::DOUBLE * (1 - spq / nullif(v, 0)) END AS kr20,
               r AS split_half_r, 2 * r / (1 + r) AS spearman_brown,
               2 * (1 - (vo + ve) / nullif(v, 0)) AS flanagan_rulon, sd * sqrt(1 - alpha) AS sem
        FROM j""").pl()
    out["item_dist"] = db.sql("""
        SELECT paper, item, score, count(*) AS count,
               count(*) / sum(count(*)) OVER (PARTITION BY paper, item) AS share
        FROM items GROUP BY paper, item, score""").pl()
    yield "knowledge-point mastery per class"
    # The synthetic mapping has no repeated rows, so count(*) counts the items (the core makes sure of that).
    out["kp"] = db.sql("""
        WITH pre AS (
          SELECT s.school, s.class, i.paper, i.item, sum(i.score) AS points, sum(i.full_mark) AS possible,
                 count(*) AS n
          FROM items i JOIN students s USING (student_id)
          GROUP BY s.school, s.class, i.paper, i.item)
        SELECT school, class, paper, kp, sum(points) AS points, sum(possible) AS possible,
               count(*) AS n_items, max(n) AS n_students, sum(points) / sum(possible) AS mastery
        FROM pre JOIN item_kp USING (paper, item)
        GROUP BY school, class, paper, kp""").pl()
    db.execute("DROP TABLE IF EXISTS f_stats; DROP TABLE IF EXISTS f_totals; DROP TABLE IF EXISTS f_items")



# --------------------------------------------------------------------------------------------------------
# (3) pandas
# --------------------------------------------------------------------------------------------------------
def _np_poly(coefs, x):
    result = np.full_like(x, coefs[-1])
    for c in reversed(coefs[:-1]):
        result = result * x + c
    return result


def np_norm_ppf(p: np.ndarray) -> np.ndarray:
    q = p - 0.5
    rc = 0.180625 - q * q
    central = q * _np_poly(_AS241_CENTRAL[0], rc) / _np_poly(_AS241_CENTRAL[1], rc)
    r = np.sqrt(-np.log(np.minimum(p, 1 - p)))
    tail = np.where(
        r <= 5,
        _np_poly(_AS241_INTERMEDIATE[0], r - 1.6) / _np_poly(_AS241_INTERMEDIATE[1], r - 1.6),
        _np_poly(_AS241_TAIL[0], r - 5.0) / _np_poly(_AS241_TAIL[1], r - 5.0),
    )
    return np.where(np.abs(q) <= 0.425, central, np.sign(q) * tail)


def run_pandas(data: Data, out: dict):
    """The same in pandas/numpy; yields the same step names as run_core (after a conversion step)."""
    import pandas as pd

    yield "(convert Polars -> pandas)"
    scores = data.scores.to_pandas()
    for c in ("school", "class", "teacher", "sex", "subject", "status"):
        scores[c] = scores[c].astype("category")
    item_scores = data.items.to_pandas()
    students = data.students.to_pandas()
    item_kp = data.item_kp.to_pandas()

    def pl_out(df: "pd.DataFrame") -> pl.DataFrame:
        return pl.from_pandas(df.reset_index(drop=True))

    yield "score statistics, all scopes"
    f = scores.copy()
    f["sat"] = (f.status == "sat") & f.score.notna()
    f["absent"] = (f.status == "absent") | ((f.status == "sat") & f.score.isna())
    f["exempt"] = f.status == "exempt"
    f["cheating"] = f.status == "cheating"
    fm = f.full_mark
    f["pass_rate"] = (f.score >= fm * PASS - EPS).astype(float)
    f["excellent_rate"] = (f.score >= fm * EXCELLENT - EPS).astype(float)
    f["good_rate"] = (f.score >= fm * GOOD - EPS).astype(float)
    f["low_rate"] = (f.score < fm * LOW - EPS).astype(float)
    f["full_mark_rate"] = (f.score >= fm - EPS).astype(float)
    band = np.minimum(np.floor(f.score * BANDS / fm + EPS), BANDS - 1)
    for b in range(BANDS):
        f[f"band_{b + 1}"] = (f.sat & (band == b)).astype(np.int64)
    s = f[f.sat]
    parts = []
    for by in BY:
        keys = [*by, "paper"]
        counts = f.groupby(keys, observed=True).agg(
            n_rows=("sat", "size"), n_sat=("sat", "sum"), n_absent=("absent", "sum"),
            n_exempt=("exempt", "sum"), n_cheating=("cheating", "sum"), full_mark=("full_mark", "max"),
            **{f"band_{b + 1}": (f"band_{b + 1}", "sum") for b in range(BANDS)},
        )
        g = s.groupby(keys, observed=True)
        agg = g.agg(mean=("score", "mean"), min=("score", "min"), max=("score", "max"),
                    pass_rate=("pass_rate", "mean"), excellent_rate=("excellent_rate", "mean"),
                    good_rate=("good_rate", "mean"), low_rate=("low_rate", "mean"),
                    full_mark_rate=("full_mark_rate", "mean"))
        agg["sd"] = g.score.std(ddof=0)
        quant = g.score.quantile(QS).unstack()
        quant.columns = [exam_stats.percentile_column(q) for q in QS]
        part = counts.join(agg).join(quant).reset_index()
        part["scope"] = exam_stats.scope_name(by)
        part["score_rate"] = part["mean"] / part["full_mark"]
        parts.append(part)
    stats = pd.concat(parts, ignore_index=True)
    out["stats"] = pl_out(stats.astype({c: "object" for c in ("school", "class", "teacher", "sex")}))
    yield "relative standing + combined index"
    metrics = exam_stats.RELATIVE_METRICS

    def relative(child_scope, ref_scope, keys):
        c = stats[stats.scope == child_scope]
        r = stats[stats.scope == ref_scope][[*keys, "paper", "sd", *metrics]]
        r = r.rename(columns={"sd": "sd_ref", **{m: f"{m}_ref" for m in metrics}})
        j = c.merge(r, on=[*keys, "paper"], how="left")
        for m in metrics:
            ref = j[f"{m}_ref"].where(j[f"{m}_ref"] != 0)
            j[f"{m}_ratio"] = j[m] / ref
            j[f"{m}_excess"] = (j[m] - j[f"{m}_ref"]) / ref
        j["mean_std"] = (j["mean"] - j["mean_ref"]) / j["sd_ref"].where(j["sd_ref"] != 0)
        return j

    cls = relative("school+class", "school", ["school"])
    cls["combined_index"] = sum(cls[f"{m}_ratio"] * w for m, w in WEIGHTS.items())
    out["class_vs_school"] = pl_out(cls.astype({c: "object" for c in ("school", "class", "teacher", "sex")}))
    sch = relative("school", "all", [])
    out["school_vs_district"] = pl_out(sch.astype({c: "object" for c in ("school", "class", "teacher", "sex")}))
    yield "standard scores + PR"
    s = scores[(scores.status == "sat") & scores.score.notna()][["student_id", "paper", "score"]].copy()
    g = s.groupby("paper").score
    n = g.transform("size")
    sd = g.transform("std", ddof=0)
    z = (s.score - g.transform("mean")) / sd.where(sd != 0)
    below = g.rank(method="min") - 1
    ties = s.groupby(["paper", "score"]).score.transform("size")
    share = (below + 0.5 * ties) / n
    s["n"] = n
    s["z"] = z
    s["t"] = 50 + 10 * z
    s["score_500"] = 500 + 100 * z
    s["percentile_rank"] = 100 * share
    s["normal_t"] = 50 + 10 * np_norm_ppf(share.to_numpy())
    s["rank"] = g.rank(method="min", ascending=False).astype(np.int64)
    out["standard"] = pl_out(s)
    yield "levels (criterion + A–E)"
    s = scores[(scores.status == "sat") & scores.score.notna()][["student_id", "paper", "score", "full_mark"]].copy()
    crit = np.full(len(s), None, dtype=object)
    for lv in sorted(CRITERION, key=lambda lv: lv["min"]):
        crit = np.where(s.score >= s.full_mark * lv["min"] - EPS, lv["level"], crit)
    s["criterion"] = crit
    g = s.groupby("paper").score
    s["n"] = g.transform("size")
    s["rank_min"] = g.rank(method="min", ascending=False).astype(np.int64)
    level = np.full(len(s), None, dtype=object)
    cum = 100.0
    for lv in reversed(SCHEME):  # assign from the last level up; earlier (better) levels overwrite
        level = np.where(s.rank_min * 100 <= s.n * cum + EPS, lv["level"], level)
        cum -= lv["share"]
    s["level"] = level
    lg = s.groupby(["paper", "level"]).score
    y1, y2 = lg.transform("min"), lg.transform("max")
    t1 = s.level.map({lv["level"]: lv["converted_min"] for lv in SCHEME}).astype(float)
    t2 = s.level.map({lv["level"]: lv["converted_max"] for lv in SCHEME}).astype(float)
    raw = np.where(y2 > y1, t1 + (t2 - t1) * (s.score - y1) / (y2 - y1).where(y2 > y1), t2)
    s["converted_score"] = np.floor(raw + 0.5).astype(np.int64)
    rest = scores[~((scores.status == "sat") & scores.score.notna())][["student_id", "paper", "score"]]
    out["levels"] = pl_out(pd.concat([s.drop(columns=["full_mark"]), rest], ignore_index=True))
    yield "item analysis"
    it = item_scores
    odd = it.item % 2 == 1
    it_score = it.score.astype(np.float64)
    t = (
        pd.DataFrame({"paper": it.paper, "student_id": it.student_id, "total": it_score,
                      "odd": it_score.where(odd, 0.0), "even": it_score.where(~odd, 0.0)})
        .groupby(["paper", "student_id"], sort=False).sum().reset_index()
    )
    t = t.sort_values(["paper", "total", "student_id"], ascending=[True, False, True], kind="stable")
    t["position"] = t.groupby("paper").cumcount() + 1
    t["n"] = t.groupby("paper").total.transform("size")
    t["k"] = np.floor(t.n * UL + 0.5 + 1e-9).astype(np.int64)
    t["ul"] = np.where(t.position <= t.k, "H", np.where(t.position > t.n - t.k, "L", ""))
    j = it.merge(t[["paper", "student_id", "total", "ul"]], on=["paper", "student_id"])
    x = j.score.astype(np.float64)
    tot = j.total
    rest = tot - x
    mom = pd.DataFrame({"paper": j.paper, "item": j.item, "n": 1, "fm": j.full_mark.astype(np.float64),
                        "x": x, "xx": x * x, "t": tot, "tt": tot * tot, "xt": x * tot,
                        "R": rest, "RR": rest * rest, "xR": x * rest,
                        "xH": x.where(j.ul == "H", 0.0), "nH": (j.ul == "H").astype(np.int64),
                        "xL": x.where(j.ul == "L", 0.0), "nL": (j.ul == "L").astype(np.int64),
                        "nb": ((x != 0) & (x != 1)).astype(np.int64)})
    m = mom.groupby(["paper", "item"]).agg(
        n=("n", "sum"), full_mark=("fm", "max"), x=("x", "sum"), xx=("xx", "sum"), t=("t", "sum"),
        tt=("tt", "sum"), xt=("xt", "sum"), R=("R", "sum"), RR=("RR", "sum"), xR=("xR", "sum"),
        xH=("xH", "sum"), nH=("nH", "sum"), xL=("xL", "sum"), nL=("nL", "sum"), nb=("nb", "sum"),
    ).reset_index()
    del mom, j
    mean = m.x / m.n
    var = m.xx / m.n - mean**2
    var_t = m.tt / m.n - (m.t / m.n) ** 2
    var_r = m.RR / m.n - (m.R / m.n) ** 2
    res = pd.DataFrame({"paper": m.paper, "item": m.item, "n": m.n, "full_mark": m.full_mark, "mean": mean,
                        "var_pop": var, "sd": np.sqrt(var), "mean_upper": m.xH / m.nH, "mean_lower": m.xL / m.nL})
    res["difficulty"] = mean / m.full_mark
    res["discrimination"] = (res.mean_upper - res.mean_lower) / m.full_mark
    res["is_binary"] = (m.full_mark == 1) & (m.nb == 0)
    res["r_item_total"] = (m.xt / m.n - mean * m.t / m.n) / np.sqrt(var * var_t)
    res["r_item_rest"] = (m.xR / m.n - mean * m.R / m.n) / np.sqrt(var * var_r)
    out["items"] = pl_out(res)
    pi = res.groupby("paper").agg(k=("item", "size"), full_mark=("full_mark", "sum"), sv=("var_pop", "sum"),
                                  all_binary=("is_binary", "all"))
    pi["spq"] = (res.difficulty * (1 - res.difficulty)).groupby(res.paper).sum()
    pi["sfd"] = (res.full_mark * res.discrimination).groupby(res.paper).sum()
    ps = t.groupby("paper").agg(n=("total", "size"), mean=("total", "mean"))
    ps["v"] = t.groupby("paper").total.var(ddof=0)
    ps["vo"] = t.groupby("paper").odd.var(ddof=0)
    ps["ve"] = t.groupby("paper").even.var(ddof=0)
    ps["coe"] = (t.odd * t.even).groupby(t.paper).mean() - t.groupby("paper").odd.mean() * t.groupby("paper").even.mean()
    p = pi.join(ps).reset_index()
    p["sd"] = np.sqrt(p.v)
    p["difficulty"] = p["mean"] / p.full_mark
    p["discrimination"] = p.sfd / p.full_mark
    p["alpha"] = p.k / (p.k - 1) * (1 - p.sv / p.v)
    p["kr20"] = (p.k / (p.k - 1) * (1 - p.spq / p.v)).where(p.all_binary)
    p["n_items"] = p.k
    r = p.coe / np.sqrt(p.vo * p.ve)
    p["split_half_r"] = r
    p["spearman_brown"] = 2 * r / (1 + r)
    p["flanagan_rulon"] = 2 * (1 - (p.vo + p.ve) / p.v)
    p["sem"] = p.sd * np.sqrt(1 - p.alpha)
    out["papers"] = pl_out(p)
    d = it.groupby(["paper", "item", "score"]).size().rename("count").reset_index()
    d["share"] = d["count"] / d.groupby(["paper", "item"])["count"].transform("sum")
    out["item_dist"] = pl_out(d)
    yield "knowledge-point mastery per class"
    cls = students.set_index("student_id")["class"]
    pre = pd.DataFrame({"class": cls.reindex(item_scores.student_id).to_numpy(), "paper": item_scores.paper,
                        "item": item_scores.item, "points": item_scores.score.astype(np.float64),
                        "possible": item_scores.full_mark.astype(np.float64)})
    pre = pre.groupby(["class", "paper", "item"]).agg(points=("points", "sum"), possible=("possible", "sum"),
                                                      n=("points", "size")).reset_index()
    kp = pre.merge(item_kp, on=["paper", "item"]).groupby(["class", "paper", "kp"]).agg(
        points=("points", "sum"), possible=("possible", "sum"), n_items=("item", "nunique"),
        n_students=("n", "max")).reset_index()
    kp["mastery"] = kp.points / kp.possible
    out["kp"] = pl_out(kp)



# --------------------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------------------
CHECKS = {
    # result: (key columns, value columns)
    "stats": (["scope", "school", "class", "teacher", "sex", "boarding", "left_behind", "paper"],
              ["n_rows", "n_sat", "n_absent", "n_exempt", "n_cheating", "full_mark", "mean", "sd", "min", "max",
               *map(exam_stats.percentile_column, QS), "score_rate", "pass_rate", "excellent_rate", "good_rate",
               "low_rate", "full_mark_rate", *(f"band_{b + 1}" for b in range(BANDS))]),
    "class_vs_school": (["school", "class", "paper"],
                        [*(f"{m}_{kind}" for m in exam_stats.RELATIVE_METRICS for kind in ("ratio", "excess")),
                         "mean_std", "combined_index"]),
    "school_vs_district": (["school", "paper"],
                           [*(f"{m}_{kind}" for m in exam_stats.RELATIVE_METRICS for kind in ("ratio", "excess")),
                            "mean_std"]),
    "standard": (["student_id", "paper"], ["z", "t", "score_500", "percentile_rank", "normal_t", "rank"]),
    "levels": (["student_id", "paper"], ["criterion", "n", "rank_min", "level", "converted_score"]),
    "items": (["paper", "item"], ["n", "full_mark", "mean", "var_pop", "sd", "mean_upper", "mean_lower", "difficulty",
                                  "discrimination", "r_item_total", "r_item_rest"]),
    "papers": (["paper"], ["n", "n_items", "full_mark", "mean", "sd", "difficulty", "discrimination", "alpha", "kr20",
                           "split_half_r", "spearman_brown", "flanagan_rulon", "sem"]),
    "item_dist": (["paper", "item", "score"], ["count", "share"]),
    "kp": (["class", "paper", "kp"], ["points", "possible", "n_items", "n_students", "mastery"]),
}


def compare(name: str, a: pl.DataFrame, b: pl.DataFrame, label: str) -> list[str]:
    keys, values = CHECKS[name]
    keys = [k for k in keys if k in a.columns and k in b.columns]
    missing = [v for v in values if v not in a.columns or v not in b.columns]
    values = [v for v in values if v not in missing]
    # A reference that leaves a column out is not compared on it: say so rather than pass silently.
    problems = []
    if missing:
        print(f"note: {name}.{', '.join(missing)} not compared with {label} (not computed there)")
        if label == "floor":
            problems.append(f"{name}: the floor lacks {', '.join(missing)}")
    if a.height != b.height:
        return [f"{name}: {label} has {b.height} rows, core {a.height}"]

    def norm(df):
        df = df.select(keys + values)
        casts = {k: pl.String for k in keys if k not in ("student_id",)}
        casts.update({v: pl.Float64 for v in values if df.schema[v].is_numeric()})
        return df.with_columns([pl.col(c).cast(t) for c, t in casts.items()]).sort(keys, nulls_last=True)

    a, b = norm(a), norm(b)
    if not a.select(keys).equals(b.select(keys)):
        return [f"{name}: {label} has different groups"]
    for v in values:
        x, y = a[v], b[v]
        if x.dtype == pl.Float64:
            both_null = x.is_null() & y.is_null()
            diff = ((x - y).abs() <= 1e-9 * (1 + x.abs())) | both_null
            if not diff.fill_null(False).all():
                bad = (~diff.fill_null(False)).sum()
                problems.append(f"{name}.{v}: {bad} values differ from {label}")
        elif not x.equals(y):
            problems.append(f"{name}.{v}: differs from {label}")
    return problems


# --------------------------------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20250901)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parts", default="core,floor,pandas", help="comma-separated: core, floor, pandas")
    ap.add_argument("--load", choices=("copy", "register"), default="register",
                    help="copy the tables into DuckDB (engine.load) or scan the Arrow data in place (engine.register)")
    args = ap.parse_args()
    parts = args.parts.split(",")

    load_start = os.getloadavg()
    print(f"machine: {cpu_model()}, nproc {os.cpu_count()}, DuckDB threads {args.threads}")
    t0 = time.perf_counter()
    data = generate(args.students, args.seed)
    gen = time.perf_counter() - t0
    print(f"data: {data.students.height:,} students, {data.scores.height:,} paper scores, "
          f"{data.items.height:,} item scores, {data.students['class'].n_unique():,} classes, "
          f"{data.students['school'].n_unique()} schools; generated in {gen:.1f} s; "
          f"peak RSS {peak_rss_mb():,.0f} MB")

    con = engine.get_backend(threads=args.threads)
    load_times: dict[str, float] = {}
    put = engine.load if args.load == "copy" else engine.register
    with timed(load_times, "load"):
        for name in ("scores", "items", "students", "item_kp"):
            put(con, name, getattr(data, name))
    print(f"{args.load} into DuckDB (shared by core and floor): {load_times['load']:.2f} s")

    # The parts run step by step, interleaved (core, floor, pandas, core, floor, pandas …), so that load from
    # other processes on the machine hits all of them alike. Each step is timed from the generator's yield
    # of its name to the next yield.
    runners = {"core": lambda out: run_core(con, out), "floor": lambda out: run_floor(con, out),
               "pandas": lambda out: run_pandas(data, out)}
    unknown = set(parts) - set(runners)
    if unknown:
        raise SystemExit(f"unknown part(s) {unknown}")
    results = {p: {} for p in parts}
    times: dict[str, dict[str, float]] = {p: {} for p in parts}
    cpu: dict[str, dict[str, float]] = {p: {} for p in parts}  # CPU seconds of the process (all threads)
    gens = {p: runners[p](results[p]) for p in parts}
    pending = {p: next(gens[p]) for p in parts}

    def advance(part: str) -> None:
        name = pending[part]
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        pending[part] = next(gens[part], None)
        times[part][name] = time.perf_counter() - start
        cpu[part][name] = time.process_time() - start_cpu

    if "pandas" in parts:
        advance("pandas")  # its conversion step, which the others do not have
    while any(pending[p] is not None for p in parts):
        for p in parts:
            if pending[p] is not None:
                advance(p)
    for p in parts:
        for table in (times, cpu):
            table[p]["TOTAL"] = sum(t for k, t in table[p].items() if not k.startswith("("))

    steps = [s for s in times[parts[0]] if s != "TOTAL" and not s.startswith("(")] + ["TOTAL"]
    for title, table in (("wall time, s", times), ("CPU time (all threads), s", cpu)):
        header = f"{title:40}" + "".join(f"{p:>10}" for p in parts)
        if "core" in parts and len(parts) > 1:
            header += "".join(f"{'core/' + p:>14}" for p in parts if p != "core")
        print("\n" + header)
        for step in steps + (["(convert Polars -> pandas)"] if "pandas" in parts else []):
            line = f"{step:40}" + "".join(
                f"{table[p][step]:>10.2f}" if step in table[p] else f"{'':>10}" for p in parts
            )
            if "core" in parts and step in table["core"]:
                for p in parts:
                    if p != "core" and step in table[p]:
                        line += f"{table['core'][step] / table[p][step]:>14.2f}"
            print(line)
    print(f"load average (1, 5, 15 min) at the start {load_start}, at the end {os.getloadavg()}")

    if "core" in parts:
        total_core = load_times["load"] + times["core"]["TOTAL"]
        print(f"\ncore end to end (load + analysis): {total_core:.2f} s")
        problems = []
        for other in (p for p in parts if p != "core"):
            for name in CHECKS:
                if name in results[other]:
                    problems += compare(name, results["core"][name], results[other][name], other)
        print("agreement: " + ("all results agree" if not problems else "\n  " + "\n  ".join(problems)))
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")
    if "core" in parts and problems:
        raise SystemExit("the core's results differ from the references")


if __name__ == "__main__":
    main()
