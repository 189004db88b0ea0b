"""The analysis of one assessment: scores out of the database as Polars frames, through ``tisheng.core``, and
into the result tables. Every formula is the core's (see its docstrings); this module only moves data.

    run(assessment_id)          the task's body: claims the assessment, analyses it, stores, marks it done
    load(assessment)            one SQL query per table → Polars (student attributes joined in SQL)
    compute(assessment, data)   the core, on an in-memory DuckDB → result frames
    store(assessment, results)  replaces the assessment's result rows (COPY / executemany)

What is computed, per paper and for the total of all papers (``paper`` 0 in the frames):

* 三率一分 and the rest of ``exam_stats.score_stats`` for everybody who sat, each school, class and teacher
  (teaching assignments of the assessment's term), and the subgroups sex, boarding and left-behind at each
  of those levels but the teacher; 超均率/比均率 of classes against their school, of schools and teachers
  against everybody; the combined index of classes and schools;
* item analysis (``core.items``) for everybody, each school and class; reliability of each paper;
  knowledge-point mastery for everybody, each school, class and student;
* levels by the rule set of each school (``levels_from_rules`` with the school's scope chain), standard
  scores and percentile ranks (staff only);
* change since the previous comparable assessment (same schools, same cohort, earlier date), for classes
  (matched by school and class number: a class keeps its number when it moves up), schools and students;
* attention groups over the last N assessments of the same pupils, per school and subject.

Thresholds (pass, excellent, good and low lines, bands, weights, item cut-offs, attention window) are the
rule values in force for the organiser (the district, or the school) on the assessment's date; levels use
each school's own rules. The values used are kept on the assessment (``analysis_rules``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from tisheng.assessments import bulk
from tisheng.assessments.models import (
    Assessment,
    AttentionEntry,
    ItemStat,
    KpStat,
    ResultScope,
    ScopeStat,
    StudentResult,
)
from tisheng.core import attention, engine, exam_stats, items, levels
from tisheng.rulesets.services import ruleset_for, scope_chain

logger = logging.getLogger(__name__)

TOTAL = 0  # the paper key of the total of all papers (总分)
SUBGROUPS = ("sex", "boarding", "left_behind")
# score_stats groupings → (level, subgroup column or None)
GROUPINGS = {
    (): (ResultScope.ALL, None),
    ("school",): (ResultScope.SCHOOL, None),
    ("school", "class"): (ResultScope.CLASS, None),
    ("teacher",): (ResultScope.TEACHER, None),
    **{(g,): (ResultScope.ALL, g) for g in SUBGROUPS},
    **{("school", g): (ResultScope.SCHOOL, g) for g in SUBGROUPS},
    **{("school", "class", g): (ResultScope.CLASS, g) for g in SUBGROUPS},
}
RULE_KEYS = {
    "pass_line": "exam.rate.pass.line", "excellent_line": "exam.rate.excellent.line",
    "good_line": "exam.rate.good.line", "low_line": "exam.rate.low.line", "bands": "exam.bands.count",
    "ddof": "exam.sd.ddof", "percentiles": "exam.percentiles", "weights": "exam.combined_index.weights",
    "upper_lower": "exam.items.upper_lower.fraction", "ebel_cuts": "exam.items.ebel.cuts",
    "difficulty_cuts": "exam.items.difficulty.cuts", "window": "exam.attention.window",
    "min_hits": "exam.attention.min_hits", "borderline_pass_margin": "exam.attention.borderline_pass.margin",
    "borderline_excellent_margin": "exam.attention.borderline_excellent.margin",
    "strong_pr": "exam.attention.strong.percentile_rank", "level_method": "exam.level.method",
}
WEAK_POINTS = 5  # how many knowledge points to work on a student's page names


# --- the task's body --------------------------------------------------------------------------------------
def run(assessment_id: int) -> None:
    started = timezone.now()
    claimed = Assessment.objects.filter(pk=assessment_id).exclude(analysis=Assessment.Analysis.RUNNING).update(
        analysis=Assessment.Analysis.RUNNING
    )
    if not claimed:
        return
    try:
        with transaction.atomic():
            assessment = Assessment.objects.select_related("term__academic_year", "school", "district").get(
                pk=assessment_id
            )
            results = compute(assessment, load(assessment))
            store(assessment, results)
    except Exception:
        logger.exception("analysis of assessment %s failed", assessment_id)
        Assessment.objects.filter(pk=assessment_id).update(analysis=Assessment.Analysis.FAILED)
        return
    # Scores that changed while it ran have queued another run: leave the results marked out of date.
    changed_meanwhile = Assessment.objects.filter(pk=assessment_id, scores_changed_at__gt=started).exists()
    Assessment.objects.filter(pk=assessment_id).update(
        analysis=Assessment.Analysis.QUEUED if changed_meanwhile else Assessment.Analysis.DONE
    )


# --- reading ------------------------------------------------------------------------------------------------
@dataclass
class Data:
    scores: pl.DataFrame  # the long scores table: one row per student and paper, with grouping columns
    items: pl.DataFrame  # item scores of students who sat: student_id, paper, item (position), score, full_mark, school, class
    item_ids: pl.DataFrame  # paper, item (position), item_id, kind
    item_kp: pl.DataFrame  # paper, item, kp
    history: pl.DataFrame  # the same pupils' scores in earlier assessments (attention groups)
    papers: dict[int, int]  # paper id → subject id


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def load(assessment: Assessment) -> Data:
    from tisheng.assessments.models import Item, ItemScore, Paper, PaperScore
    from tisheng.roster.models import Student, TeachingAssignment

    ps, p, st, it, isc = _table(PaperScore), _table(Paper), _table(Student), _table(Item), _table(ItemScore)
    scores = bulk.read_frame(
        f"""SELECT ps.student_id, ps.paper_id AS paper, p.subject_id AS subject, ps.school_id AS school,
                   ps.school_class_id AS class, ps.status, ps.score, CAST(p.full_mark AS DOUBLE PRECISION) AS full_mark,
                   s.sex, s.boarding, s.left_behind
            FROM {ps} ps JOIN {p} p ON p.id = ps.paper_id JOIN {st} s ON s.id = ps.student_id
            WHERE p.assessment_id = %s""",
        [assessment.pk],
        {"student_id": pl.Int64, "paper": pl.Int64, "subject": pl.Int64, "school": pl.Int64, "class": pl.Int64,
         "status": pl.String, "score": pl.Float64, "full_mark": pl.Float64, "sex": pl.String,
         "boarding": pl.Boolean, "left_behind": pl.Boolean},
    )
    papers = dict(Paper.objects.filter(assessment=assessment).values_list("pk", "subject_id"))
    teachers = pl.DataFrame(
        list(TeachingAssignment.objects.filter(term_id=assessment.term_id, subject_id__in=set(papers.values()))
             .order_by("teacher_id").values_list("school_class_id", "subject_id", "teacher_id")),
        schema={"class": pl.Int64, "subject": pl.Int64, "teacher": pl.Int64}, orient="row",
    ).unique(["class", "subject"], keep="first")
    scores = scores.join(teachers, on=["class", "subject"], how="left")

    item_ids = pl.DataFrame(
        list(Item.objects.filter(paper__assessment=assessment).values_list("paper_id", "position", "pk", "kind",
                                                                         "max_score")),
        schema={"paper": pl.Int64, "item": pl.Int64, "item_id": pl.Int64, "kind": pl.String, "full_mark": pl.Float64},
        orient="row",
    )
    item_kp = pl.DataFrame(
        list(Item.knowledge_points.through.objects.filter(item__paper__assessment=assessment).values_list(
            "item_id", "knowledgepoint_id")),
        schema={"item_id": pl.Int64, "kp": pl.Int64}, orient="row",
    ).join(item_ids.select("paper", "item", "item_id"), on="item_id").select("paper", "item", "kp")
    # The big one (25 rows per pupil and paper): 32-bit ids and scores halve its memory; the core computes in
    # double precision all the same (items.counted casts).
    # Paper by paper: the text of one paper's rows in flight at a time, not the assessment's.
    raw_items = pl.concat([
        bulk.read_frame(
            f"SELECT i.paper_id AS paper, i.student_id, i.item_id, i.score FROM {isc} i WHERE i.paper_id = %s",
            [paper_id], {"paper": pl.Int32, "student_id": pl.Int32, "item_id": pl.Int32, "score": pl.Float32},
        )
        for paper_id in papers
    ]) if papers else pl.DataFrame(schema={"paper": pl.Int32, "student_id": pl.Int32, "item_id": pl.Int32,
                                           "score": pl.Float32})
    sat = scores.filter(pl.col("status") == "sat").select("student_id", "paper", "school", "class").cast(pl.Int32)
    item_scores = (
        raw_items.lazy().join(item_ids.lazy().select("item_id", "item", "full_mark").cast(
            {"item_id": pl.Int32, "item": pl.Int32, "full_mark": pl.Float32}), on="item_id")
        .join(sat.lazy(), on=["student_id", "paper"])  # only students who sat count (a corrected status removes rows)
        .select("student_id", "paper", "item", "score", "full_mark", "school", "class")
        .collect()
    )
    del raw_items

    from tisheng.assessments.models import Assessment as A  # noqa: N814 - the table of earlier assessments

    history = bulk.read_frame(
        f"""SELECT ps.student_id, ps.school_id AS school, a.id AS assessment, CAST(a.date AS TEXT) AS assessment_date,
                   p.subject_id AS subject, ps.paper_id AS paper, ps.status, ps.score,
                   CAST(p.full_mark AS DOUBLE PRECISION) AS full_mark
            FROM {ps} ps JOIN {p} p ON p.id = ps.paper_id JOIN {_table(A)} a ON a.id = p.assessment_id
            WHERE a.district_id = %s AND a.date <= %s AND p.subject_id IN (
                      SELECT subject_id FROM {p} WHERE assessment_id = %s)
              AND ps.student_id IN (
                      SELECT ps2.student_id FROM {ps} ps2 JOIN {p} p2 ON p2.id = ps2.paper_id
                      WHERE p2.assessment_id = %s)""",
        [assessment.district_id, assessment.date.isoformat(), assessment.pk, assessment.pk],
        {"student_id": pl.Int64, "school": pl.Int64, "assessment": pl.Int64, "assessment_date": pl.String,
         "subject": pl.Int64, "paper": pl.Int64, "status": pl.String, "score": pl.Float64,
         "full_mark": pl.Float64},
    )
    return Data(scores=scores, items=item_scores, item_ids=item_ids, item_kp=item_kp, history=history,
                papers=papers)


# --- computing ----------------------------------------------------------------------------------------------
@dataclass
class Results:
    scope_stats: pl.DataFrame
    item_stats: pl.DataFrame
    kp_stats: pl.DataFrame
    students: pl.DataFrame
    attention: pl.DataFrame
    rules: dict
    previous: Assessment | None


def organiser_rules(assessment: Assessment) -> dict:
    rules = ruleset_for(school=assessment.school, district=assessment.district)
    chain = scope_chain(school=assessment.school, district=assessment.district)
    return {name: rules.value(key, assessment.grade, chain, assessment.date) for name, key in RULE_KEYS.items()}


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The latest earlier assessment of the same pupils: the same organiser (district, or the same school),
    the same cohort (grade − start year of the academic year), analysed."""
    cohort = assessment.grade - assessment.term.academic_year.start_year
    candidates = (
        Assessment.objects.filter(district_id=assessment.district_id, school_id=assessment.school_id,
                                  date__lt=assessment.date, analysis=Assessment.Analysis.DONE)
        .select_related("term__academic_year")
        .order_by("-date", "-pk")
    )
    for candidate in candidates[:50]:
        if candidate.grade - candidate.term.academic_year.start_year == cohort:
            return candidate
    return None


def compute(assessment: Assessment, data: Data) -> Results:
    r = organiser_rules(assessment)
    con = engine.get_backend()
    scores = data.scores
    keep = ["school", "class", *SUBGROUPS]
    scores_t = engine.register(con, "scores", scores.drop("subject"))
    totals = _run(con, exam_stats.total_scores(scores_t, keep=keep, paper=TOTAL))
    long = pl.concat([scores.drop("subject"), totals.with_columns(pl.lit(None, dtype=pl.Int64).alias("teacher"))],
                     how="diagonal_relaxed")
    long_t = engine.register(con, "long_scores", long)

    stats_df, stats = _materialise(con, "stats", exam_stats.score_stats(
        long_t, by=list(GROUPINGS), pass_line=r["pass_line"], excellent_line=r["excellent_line"],
        good_line=r["good_line"], low_line=r["low_line"], bands=r["bands"], ddof=r["ddof"],
        percentiles=r["percentiles"],
    ))
    relative = {
        ("school", "class"): exam_stats.combined_index(
            exam_stats.relative_to(stats, scope=("school", "class"), reference=("school",)), r["weights"]),
        ("school",): exam_stats.combined_index(
            exam_stats.relative_to(stats, scope=("school",), reference=()), r["weights"]),
        ("teacher",): exam_stats.relative_to(stats, scope=("teacher",), reference=()),
    }
    relative_df = {k: _run(con, v) for k, v in relative.items()}

    previous = previous_assessment(assessment)
    scope_stats = _scope_rows(assessment, data, stats_df, relative_df, r)
    if previous is not None:
        scope_stats = _with_change(con, scope_stats, previous)

    # --- items and papers ---
    item_frames, kp_frames = [], []
    if not data.items.is_empty():
        items_t = engine.register(con, "item_scores", data.items)
        for by, scope in (((), ResultScope.ALL), (("school",), ResultScope.SCHOOL), (("school", "class"), ResultScope.CLASS)):
            name = "_".join(("items", *by))
            _totals_df, totals_by = _materialise(con, f"{name}_totals", items.student_totals(
                items_t, by, upper_lower=r["upper_lower"]))
            frame, stats_by = _materialise(con, f"{name}_stats", items.item_stats(
                items_t, totals_by, by, upper_lower=r["upper_lower"], ebel_cuts=r["ebel_cuts"],
                difficulty_cuts=r["difficulty_cuts"], ddof=r["ddof"]))
            frame = _wide(frame)
            if scope == ResultScope.ALL:
                dist = _wide(_run(con, items.item_score_distribution(items_t)))
                reliability = _wide(_run(con, items.paper_stats(items_t, totals_by, stats_by,
                                                                upper_lower=r["upper_lower"], ddof=r["ddof"])))
                frame = frame.join(_distribution(dist), on=["paper", "item"], how="left")
                scope_stats = _with_reliability(scope_stats, reliability)
            item_frames.append(_item_rows(assessment, data, frame, scope))
        if not data.item_kp.is_empty():
            kp_t = engine.register(con, "item_kp", data.item_kp.cast({"paper": pl.Int32, "item": pl.Int32}))
            for by, scope in (((), ResultScope.ALL), (("school",), ResultScope.SCHOOL), (("school", "class"), ResultScope.CLASS)):
                frame = _wide(_run(con, items.kp_mastery(items_t, kp_t, by=by)))
                kp_frames.append(_kp_rows(assessment, data, frame, scope))
            student_kp = _wide(_run(con, items.kp_mastery(items_t, kp_t, by=("student_id",))))
        else:
            student_kp = None
    else:
        student_kp = None

    students = _student_rows(con, assessment, data, long_t, long, student_kp, r, previous)
    attention_rows = _attention_rows(con, assessment, data, r)
    return Results(
        scope_stats=scope_stats,
        item_stats=pl.concat(item_frames, how="diagonal_relaxed") if item_frames else pl.DataFrame(),
        kp_stats=pl.concat(kp_frames, how="diagonal_relaxed") if kp_frames else pl.DataFrame(),
        students=students,
        attention=attention_rows,
        rules={k: v for k, v in r.items()},
        previous=previous,
    )


_SQL: dict = {}  # expression (structurally compared) → its SQL


def _run(con, expr) -> pl.DataFrame:
    """``engine.to_polars`` with each expression's SQL compiled once per process.

    Compiling the core's expressions costs more than running them on a school's data; the analysis builds the
    same expressions (same table names, same rule values) for every assessment, so the SQL is kept. The result
    is cast to the expression's schema, as Ibis does (DuckDB returns sums of integers as decimals)."""
    op = expr.op()
    sql = _SQL.get(op)
    if sql is None:
        if len(_SQL) > 500:
            _SQL.clear()
        sql = _SQL[op] = str(con.compile(expr))
    return con.con.sql(sql).pl().cast(expr.schema().to_polars(), strict=False)


def _wide(frame: pl.DataFrame) -> pl.DataFrame:
    """Ids back to 64 bits (the item scores are read narrow) to join with the other frames."""
    return frame.with_columns(pl.col(c).cast(pl.Int64) for c in ("paper", "item", "student_id", "school", "class", "kp")
                              if c in frame.columns)


def _materialise(con, name: str, expr) -> tuple[pl.DataFrame, object]:
    """Run ``expr`` and make its result a table: later expressions build on the result, not on the whole
    expression again (compiling a big Ibis expression costs more than running it on a class's data)."""
    frame = _run(con, expr)
    return frame, engine.register(con, name, frame)


def _subject(data: Data) -> pl.Expr:
    keys = list(data.papers)
    return pl.col("paper").replace_strict(keys, [data.papers[k] for k in keys], default=None, return_dtype=pl.Int64)


def _paper_id(col: str = "paper") -> pl.Expr:
    return pl.when(pl.col(col) == TOTAL).then(None).otherwise(pl.col(col)).cast(pl.Int64)


def _clean_floats(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Float64).fill_nan(None))


def _scope_rows(assessment, data, stats, relative, r) -> pl.DataFrame:
    """score_stats rows → ScopeStat rows (typed headline columns + the rest as ``data``)."""
    percentiles = [exam_stats.percentile_column(q) for q in r["percentiles"]]
    bands = [f"band_{b + 1}" for b in range(r["bands"])]
    parts = []
    for keys, (scope, subgroup) in GROUPINGS.items():
        part = stats.filter(pl.col("scope") == exam_stats.scope_name(keys))
        if not part.height:
            continue
        rel_cols: list[str] = []
        if keys in relative:
            rel = relative[keys]
            rel_cols = [c for c in rel.columns if c.endswith(("_ratio", "_excess", "_ref")) or c == "mean_std"]
            part = part.join(rel.select(*keys, "paper", *rel_cols, *(["combined_index"] if "combined_index" in rel.columns else [])),
                             on=[*keys, "paper"], how="left", nulls_equal=True)
        if "combined_index" not in part.columns:
            part = part.with_columns(pl.lit(None, dtype=pl.Float64).alias("combined_index"))
        required = [k for k in keys if k in ("school", "class", "teacher")]
        if required:  # a pupil without a class, or a total (no teacher), is no group of its own
            part = part.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in required))
        if subgroup is not None:
            part = part.filter(pl.col(subgroup).is_not_null())
            value = pl.col(subgroup)
            if part.schema[subgroup] == pl.Boolean:
                value = value.cast(pl.Int8)
            label = pl.concat_str(pl.lit(f"{subgroup}:"), value.cast(pl.String))
        else:
            label = pl.lit("")
        part = _clean_floats(part)
        extra = pl.struct(
            *[pl.col(c) for c in ("n_exempt", "n_cheating", "min", "max", "full_mark_rate")],
            pl.struct(*percentiles).alias("percentiles"),
            pl.concat_list(bands).alias("bands"),
            *([pl.struct(*rel_cols).alias("relative")] if rel_cols else []),
        ).struct.json_encode()
        parts.append(part.select(
            pl.lit(assessment.pk, dtype=pl.Int64).alias("assessment_id"),
            _paper_id().alias("paper_id"),
            _subject(data).alias("subject_id"),
            pl.lit(scope.value).alias("scope"),
            (pl.col("school") if "school" in keys else pl.lit(None, dtype=pl.Int64)).cast(pl.Int64).alias("school_id"),
            (pl.col("class") if "class" in keys else pl.lit(None, dtype=pl.Int64)).cast(pl.Int64).alias("school_class_id"),
            (pl.col("teacher") if "teacher" in keys else pl.lit(None, dtype=pl.Int64)).cast(pl.Int64).alias("teacher_id"),
            label.alias("subgroup"),
            pl.col("n_rows").cast(pl.Int64), pl.col("n_sat").cast(pl.Int64), pl.col("n_absent").cast(pl.Int64),
            pl.col("full_mark").cast(pl.Float64),
            *[pl.col(c).cast(pl.Float64) for c in ("mean", "sd", "score_rate", "pass_rate", "excellent_rate",
                                                   "good_rate", "low_rate", "combined_index")],
            pl.col("mean_std").cast(pl.Float64).alias("_mean_std") if "mean_std" in rel_cols else pl.lit(None, dtype=pl.Float64).alias("_mean_std"),
            extra.alias("data"),
        ))
    return pl.concat(parts, how="vertical_relaxed")


def _with_change(con, scope_stats: pl.DataFrame, previous: Assessment) -> pl.DataFrame:
    """mean_change (in the reference's SDs) and the change of the rates since ``previous``, for schools and
    classes (matched by school and class number) and for everybody (score rate, pass rate)."""
    from tisheng.roster.models import SchoolClass

    prev = pl.DataFrame(
        list(ScopeStat.objects.filter(assessment=previous, subgroup="", scope__in=[ResultScope.ALL, ResultScope.SCHOOL, ResultScope.CLASS])
             .values_list("scope", "subject_id", "school_id", "school_class_id", "score_rate", "pass_rate",
                          "excellent_rate", "data")),
        schema={"scope": pl.String, "subject_id": pl.Int64, "school_id": pl.Int64, "school_class_id": pl.Int64,
                "score_rate": pl.Float64, "pass_rate": pl.Float64, "excellent_rate": pl.Float64, "data": pl.Object},
        orient="row",
    )
    if prev.is_empty():
        return scope_stats
    prev = prev.with_columns(
        pl.Series("mean_std", [((d or {}).get("relative") or {}).get("mean_std") for d in prev["data"].to_list()],
                  dtype=pl.Float64)
    ).drop("data")
    class_ids = set(scope_stats["school_class_id"].drop_nulls().to_list()) | set(prev["school_class_id"].drop_nulls().to_list())
    numbers = pl.DataFrame(list(SchoolClass.objects.filter(id__in=class_ids).values_list("pk", "number")),
                           schema={"school_class_id": pl.Int64, "class_number": pl.Int64}, orient="row")
    keys = ["scope", "subject", "school", "class_number"]

    def keyed(frame):
        return frame.join(numbers, on="school_class_id", how="left").with_columns(
            pl.col("subject_id").fill_null(0).alias("subject"), pl.col("school_id").fill_null(0).alias("school"),
            pl.col("class_number").fill_null(0),
        )

    current = keyed(scope_stats.filter(pl.col("subgroup") == "", pl.col("scope") != ResultScope.TEACHER).with_columns(
        pl.col("_mean_std").alias("mean_std")))
    previous_rows = keyed(prev)
    metrics = ["mean_std", "score_rate", "pass_rate", "excellent_rate"]
    now_df, before_df = current.select(*keys, *metrics), previous_rows.select(*keys, *metrics)
    changed = _run(con, exam_stats.change_since(
        engine.register(con, "change_now", now_df), engine.register(con, "change_before", before_df),
        on=keys, metrics=metrics,
    ))
    change = changed.select(
        *keys,
        pl.col("mean_std_change").alias("mean_change"),
        pl.struct(*[c for c in changed.columns if c.endswith(("_prev", "_change"))]).struct.json_encode().alias("_change"),
    )
    keyed_all = keyed(scope_stats).with_row_index("_i")
    joined = keyed_all.join(change, on=keys, how="left").sort("_i")
    is_plain = (pl.col("subgroup") == "") & (pl.col("scope") != ResultScope.TEACHER)
    return scope_stats.with_columns(
        pl.when(is_plain).then(joined["mean_change"]).otherwise(None).alias("mean_change"),
        pl.when(is_plain & joined["_change"].is_not_null())
        .then(pl.concat_str(pl.col("data").str.strip_suffix("}"), pl.lit(',"change":'), joined["_change"], pl.lit("}")))
        .otherwise(pl.col("data")).alias("data"),
    )


def _with_reliability(scope_stats: pl.DataFrame, reliability: pl.DataFrame) -> pl.DataFrame:
    rel = _clean_floats(reliability).select(
        pl.col("paper").alias("paper_id"),
        pl.struct("n_items", "difficulty", "discrimination", "alpha", "kr20", "split_half_r", "spearman_brown",
                  "flanagan_rulon", "sem").struct.json_encode().alias("_rel"),
    )
    joined = scope_stats.with_row_index("_i").join(rel, on="paper_id", how="left").sort("_i")
    is_all = (pl.col("scope") == ResultScope.ALL) & (pl.col("subgroup") == "")
    return scope_stats.with_columns(
        pl.when(is_all & joined["_rel"].is_not_null())
        .then(pl.concat_str(pl.col("data").str.strip_suffix("}"), pl.lit(',"reliability":'), joined["_rel"], pl.lit("}")))
        .otherwise(pl.col("data")).alias("data")
    )


def _distribution(dist: pl.DataFrame) -> pl.DataFrame:
    return dist.sort("score").group_by("paper", "item").agg(
        pl.concat_list(pl.col("score"), pl.col("count").cast(pl.Float64)).alias("distribution")
    )


def _where(scope: ResultScope, frame: pl.DataFrame) -> list[pl.Expr]:
    return [
        (pl.col("school") if scope != ResultScope.ALL else pl.lit(None)).cast(pl.Int64).alias("school_id"),
        (pl.col("class") if scope == ResultScope.CLASS else pl.lit(None)).cast(pl.Int64).alias("school_class_id"),
    ]


def _item_rows(assessment, data, frame: pl.DataFrame, scope: ResultScope) -> pl.DataFrame:
    if scope == ResultScope.CLASS:
        frame = frame.filter(pl.col("class").is_not_null())
    frame = _clean_floats(frame).join(data.item_ids.select("paper", "item", "item_id"), on=["paper", "item"])
    extra = [pl.col(c) for c in ("ebel", "difficulty_band", "r_item_total", "mean_upper", "mean_lower")]
    if "distribution" in frame.columns:
        extra.append(pl.col("distribution"))
    return frame.select(
        pl.lit(assessment.pk, dtype=pl.Int64).alias("assessment_id"),
        pl.col("paper").alias("paper_id"),
        _subject(data).alias("subject_id"),
        pl.lit(scope.value).alias("scope"),
        *_where(scope, frame),
        pl.col("item_id"),
        pl.col("n").cast(pl.Int64),
        *[pl.col(c).cast(pl.Float64) for c in ("mean", "difficulty", "discrimination", "r_item_rest")],
        pl.col("poor_discrimination").fill_null(False).alias("poor"),
        pl.struct(*extra).struct.json_encode().alias("data"),
    )


def _kp_rows(assessment, data, frame: pl.DataFrame, scope: ResultScope) -> pl.DataFrame:
    if scope == ResultScope.CLASS:
        frame = frame.filter(pl.col("class").is_not_null())
    return _clean_floats(frame).select(
        pl.lit(assessment.pk, dtype=pl.Int64).alias("assessment_id"),
        pl.col("paper").alias("paper_id"),
        _subject(data).alias("subject_id"),
        pl.lit(scope.value).alias("scope"),
        *_where(scope, frame),
        pl.col("kp").alias("knowledge_point_id"),
        pl.col("mastery").cast(pl.Float64),
        pl.col("n_items").cast(pl.Int64),
        pl.col("n_students").cast(pl.Int64),
    )


def _levels(con, assessment: Assessment, long: pl.DataFrame) -> pl.DataFrame:
    """Each school's levels by its own rules; schools with the same rules are graded together (so that
    proportional levels of a district exam are shares of the district, unless a school rules otherwise)."""
    from tisheng.roster.models import School

    groups: dict[str, list] = {}
    for school in School.objects.filter(pk__in=long["school"].drop_nulls().unique().to_list()).select_related("district"):
        rules = ruleset_for(school=school)
        chain = scope_chain(school=school)
        method = rules.value("exam.level.method", assessment.grade, chain, assessment.date)
        key = rules.value("exam.level.criterion" if method == "criterion" else "exam.level.proportional.scheme",
                          assessment.grade, chain, assessment.date)
        groups.setdefault(json.dumps([method, key], sort_keys=True, ensure_ascii=False), []).append((school, rules, chain))
    parts = []
    for members in groups.values():
        school, rules, chain = members[0]
        ids = [m[0].pk for m in members]
        part = long.filter(pl.col("school").is_in(ids)).select("student_id", "paper", "score", "status", "full_mark")
        table = engine.register(con, f"levels_{school.pk}", part)
        out = _run(con, levels.levels_from_rules(table, rules, grade=assessment.grade, scope_chain=chain,
                                                             on=assessment.date))
        parts.append(out.select("student_id", "paper", "level"))
    if not parts:
        return pl.DataFrame(schema={"student_id": pl.Int64, "paper": pl.Int64, "level": pl.String})
    return pl.concat(parts)


def _student_rows(con, assessment, data, long_t, long, student_kp, r, previous) -> pl.DataFrame:
    standard = _run(con, exam_stats.standard_scores(long_t, by=("paper",), ddof=r["ddof"])).select(
        "student_id", "paper", "z", "percentile_rank"
    )
    rows = (
        long.select("student_id", "paper", "school", "class", "status", "score")
        .join(_levels(con, assessment, long), on=["student_id", "paper"], how="left")
        .join(standard, on=["student_id", "paper"], how="left")
    )
    if student_kp is not None and not student_kp.is_empty():
        per_student = (
            _clean_floats(student_kp).sort("mastery")
            .group_by("student_id", "paper")
            .agg(
                pl.struct(pl.col("kp").cast(pl.String).alias("k"), pl.col("mastery").round(4).alias("m")).alias("_kp"),
                pl.col("kp").filter(pl.col("mastery") < r["pass_line"]).head(WEAK_POINTS).alias("_weak"),
            )
        )
        rows = rows.join(per_student, on=["student_id", "paper"], how="left")
        mastery = [json.dumps({e["k"]: e["m"] for e in kps}) if kps else "{}" for kps in rows["_kp"].to_list()]
        weak = [json.dumps(w or []) for w in rows["_weak"].to_list()]
    else:
        mastery = ["{}"] * rows.height
        weak = ["[]"] * rows.height
    rows = rows.with_columns(pl.Series("mastery", mastery, dtype=pl.String), pl.Series("weak_points", weak, dtype=pl.String))
    rows = _clean_floats(rows).with_columns(pl.lit(None, dtype=pl.Float64).alias("z_change"))
    if previous is not None:
        rows = _student_change(con, rows, data, previous)
    return rows.select(
        pl.lit(assessment.pk, dtype=pl.Int64).alias("assessment_id"),
        _paper_id().alias("paper_id"),
        _subject(data).alias("subject_id"),
        pl.col("school").alias("school_id"),
        pl.col("class").alias("school_class_id"),
        "student_id", "status", "score", pl.col("level").fill_null(""),
        "z", "percentile_rank", "z_change", "mastery", "weak_points",
    )


def _student_change(con, rows: pl.DataFrame, data: Data, previous: Assessment) -> pl.DataFrame:
    prev = pl.DataFrame(
        list(StudentResult.objects.filter(assessment=previous).values_list("student_id", "subject_id", "z")),
        schema={"student_id": pl.Int64, "subject": pl.Int64, "z": pl.Float64}, orient="row",
    ).with_columns(pl.col("subject").fill_null(0))
    if prev.is_empty():
        return rows
    current = rows.with_columns(_subject(data).fill_null(0).alias("subject"))
    now_df = current.select("student_id", "subject", "z")
    changed = _run(con, exam_stats.change_since(
        engine.register(con, "z_now", now_df), engine.register(con, "z_before", prev),
        on=("student_id", "subject"), metrics=("z",),
    ))
    joined = current.drop("z_change").join(changed.select("student_id", "subject", "z_change"),
                                            on=["student_id", "subject"], how="left", maintain_order="left")
    return joined.drop("subject")


def _attention_rows(con, assessment: Assessment, data: Data, r) -> pl.DataFrame:
    history = data.history
    empty = pl.DataFrame()
    if history.is_empty():
        return empty
    table = engine.register(con, "history", history)
    found = _run(con, attention.attention_groups(
        table, cohort=("school",), window=r["window"], min_hits=r["min_hits"], low_line=r["low_line"],
        pass_line=r["pass_line"], excellent_line=r["excellent_line"],
        borderline_pass_margin=r["borderline_pass_margin"],
        borderline_excellent_margin=r["borderline_excellent_margin"], strong_pr=r["strong_pr"],
    ))
    if found.is_empty():
        return empty
    # Only the windows that end with this assessment: the lists belong to it.
    current_students = data.scores.select("student_id", "subject", "school", "class").unique(["student_id", "subject"])
    names = dict(Assessment.objects.filter(pk__in=found["assessment"].unique().to_list()).values_list("pk", "name"))
    found = _clean_floats(found).with_columns(
        pl.col("assessment").replace_strict(list(names), list(names.values()), default="", return_dtype=pl.String).alias("_name")
    )
    ends_here = found.group_by("school", "subject", "student_id", "group").agg(
        (pl.col("assessment") == assessment.pk).any().alias("_here"),
        pl.col("hits").first(), pl.col("window_n").first(),
        pl.struct(pl.col("assessment"), pl.col("_name").alias("name"), pl.col("assessment_date").alias("date"),
                  pl.col("score_rate").round(4), pl.col("in_group"), pl.col("status"))
        .sort_by("assessment_date").alias("_evidence"),
    ).filter(pl.col("_here"))
    ends_here = ends_here.join(current_students, on=["student_id", "subject", "school"], how="inner")
    evidence = [json.dumps(e) for e in ends_here["_evidence"].to_list()]
    return ends_here.with_columns(pl.Series("evidence", evidence, dtype=pl.String)).select(
        pl.lit(assessment.pk, dtype=pl.Int64).alias("assessment_id"),
        pl.lit(None, dtype=pl.Int64).alias("paper_id"),
        pl.col("subject").alias("subject_id"),
        pl.col("school").alias("school_id"),
        pl.col("class").alias("school_class_id"),
        "student_id", "group", pl.col("hits").cast(pl.Int64), pl.col("window_n").cast(pl.Int64).alias("window"),
        "evidence",
    )


# --- storing ----------------------------------------------------------------------------------------------
def store(assessment: Assessment, results: Results) -> None:
    for model in (ScopeStat, ItemStat, KpStat, StudentResult, AttentionEntry):
        bulk.delete_where(model, assessment=assessment.pk)
    bulk.insert_frame(ScopeStat, results.scope_stats.drop("_mean_std"))
    if not results.item_stats.is_empty():
        bulk.insert_frame(ItemStat, results.item_stats)
    if not results.kp_stats.is_empty():
        bulk.insert_frame(KpStat, results.kp_stats)
    bulk.insert_frame(StudentResult, results.students)
    if not results.attention.is_empty():
        bulk.insert_frame(AttentionEntry, results.attention)
    Assessment.objects.filter(pk=assessment.pk).update(
        analysed_at=timezone.now(), analysis_rules=_jsonable(results.rules),
        compared_with=results.previous,
    )


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))

