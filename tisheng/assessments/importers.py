"""Score imports for the one import pipeline (R-MON-2, issue item 2).

A score import is for one paper (item scores, one row per student with a column per item, or one row per
student and item) or for one assessment (subject totals, a column per paper). What the file's columns mean is
decided on the mapping page (``views.import_mapping``, helped by ``layouts.suggest`` and the mapping remembered
for the layout) and stored in the batch's ``params``:

    {"assessment": 7, "paper": 31 | null, "layout": "wide" | "long" | "totals",
     "sheet": "数学" | null, "header_rows": [1, 2], "columns": {"0": "student_no", "4": "total", "9": "item:1", …}}

The declaration's columns follow from the paper (``score_columns``) and its reader (``read_scores``) takes the
mapped columns of the chosen sheet under the one or two header rows. Then the pipeline parses every cell, these
steps check the rows, and the commit replaces the paper's earlier scores in the pipeline's one transaction,
with COPY on PostgreSQL (``actions.replace_scores``).

Checks, each reported on its row: a score that is not a number, below 0 or above the item's (paper's) maximum;
a pupil who is not found, or is found twice; a pupil not in the assessment's grade and schools that day; an item
left empty by a pupil who sat (0 is written for an unanswered item); scores for a pupil marked absent; a 总分,
客观题 or 主观题 that is not the sum of its items. Absent marks (缺考, 缺, 未扫, -, … and a row without any score)
make the pupil absent, never 0; 免考 and 作弊 are kept apart.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from tisheng.accounts.models import Role
from tisheng.assessments import actions
from tisheng.assessments.layouts import ABSENT_MARKS, SUMMARY_ROWS, item_key
from tisheng.assessments.models import Assessment, Item, Paper, Status
from tisheng.assessments.students import placements
from tisheng.imports.cleaning import clean_frame
from tisheng.imports.lookups import ClassName, class_text
from tisheng.imports.parsers import Choice, Custom, Identifier, Parsed, Parser, Text, first_problem
from tisheng.imports.reading import FileProblem, Table, raw_sheets
from tisheng.imports.spec import Column, Counts, ImportContext, ImportSpec, register
from tisheng.imports.writing import fetch
from tisheng.roster.models import Student, grade_name

IMPORT_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER, Role.PRINCIPAL,
                          Role.ACADEMIC_OFFICE})
WIDE, LONG, TOTALS = "wide", "long", "totals"
TOLERANCE = 0.01  # totals are compared to within a hundredth (import_layouts.md §1.2)

STATUS = Choice(
    {"正常": Status.SAT, "参考": Status.SAT, "已考": Status.SAT, "缺考": Status.ABSENT, "缺": Status.ABSENT,
     "未考": Status.ABSENT, "免考": Status.EXEMPT, "免试": Status.EXEMPT, "缓考": Status.EXEMPT,
     "作弊": Status.CHEATING, "违纪": Status.CHEATING, "舞弊": Status.CHEATING},
    shown=("正常", "缺考", "免考", "作弊"),
)
_MARKS = {**{m: Status.ABSENT for m in ABSENT_MARKS}, "免考": Status.EXEMPT, "免试": Status.EXEMPT,
          "作弊": Status.CHEATING, "违纪": Status.CHEATING}


def _mark(text: str) -> str:
    """What a score cell says about the pupil's status: absent, exempt, cheating, or "" (a score or junk)."""
    return _MARKS.get(text.replace(" ", ""), "")


MARK = Custom(_mark)


class Score(Parser):
    """A score: a number from 0 to ``max`` with at most two decimals; absent marks (缺考, -, …) read as blank."""

    dtype = pl.Float64

    def __init__(self, maximum: float | None = None):
        self.maximum = maximum

    def parse(self, cell):
        marked = cell.is_in(list(_MARKS))
        ok = cell.str.contains(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
        value = pl.when(ok).then(cell.cast(pl.Float64, strict=False))
        decimals = cell.str.extract(r"\.([0-9]*?)0*$", 1).str.len_chars().fill_null(0)
        rules = [(cell.is_not_null() & ~ok & ~marked, "score_number"), (value < 0, "score_negative"),
                 (ok & (decimals > 2), "score_decimals")]
        if self.maximum is not None:
            rules.append((value > self.maximum + 1e-9, "score_above_max"))
        return Parsed(value, first_problem(*rules))

    def params(self):
        return {"max": _points(self.maximum)}


def _points(value) -> str:
    if value is None:
        return ""
    return f"{float(value):g}"


# --- the declaration's columns ---------------------------------------------------------------------------------
def field_name(mapped: str) -> str:
    """The frame's column of a mapping's field: item:3 → item_3, subject:5 → subject_5."""
    return mapped.replace(":", "_")


def score_columns(params) -> tuple[Column, ...]:
    columns = [
        Column("student_no", "学籍号", Identifier(max_length=30), aliases=("学号",)),
        Column("name", "姓名", Text(max_length=50)),
        Column("class_name", "班级", ClassName()),
        Column("status", "状态", STATUS),
    ]
    layout = params.get("layout", WIDE)
    if layout == TOTALS:
        assessment = Assessment.objects.filter(pk=params.get("assessment")).first()
        papers = Paper.objects.filter(assessment=assessment).select_related("subject") if assessment else []
        for paper in papers:
            columns.append(Column(f"subject_{paper.subject_id}", paper.subject.name, Score(float(paper.full_mark))))
        return tuple(columns)
    paper = Paper.objects.filter(pk=params.get("paper")).first()
    full = float(paper.full_mark) if paper else None
    if layout == LONG:
        columns += [Column("item_label", "题号", Text(max_length=20)), Column("score", "得分", Score()),
                    Column("score_mark", "得分", MARK)]
        return tuple(columns)
    columns += [Column("total", "总分", Score(full)), Column("total_mark", "总分", MARK),
                Column("objective", "客观题", Score(full)), Column("subjective", "主观题", Score(full))]
    for item in paper.items.all() if paper else []:
        columns.append(Column(f"item_{item.position}", f"第{item.label}题", Score(float(item.max_score))))
    return tuple(columns)


# --- reading the mapped columns -----------------------------------------------------------------------------
def read_scores(data: bytes, spec: ImportSpec, params) -> Table:
    kind, sheets = raw_sheets(data)
    wanted = params.get("sheet")
    sheet = next((s for s in sheets if s[0] == wanted), None) if wanted is not None else (sheets[0] if sheets else None)
    if sheet is None:
        raise FileProblem("sheet_missing", sheet=wanted or "")
    name, frame, _source = sheet
    header_rows = params.get("header_rows") or [0]
    mapping = {int(j): f for j, f in (params.get("columns") or {}).items()}
    if not mapping or max(mapping) >= frame.width or max(header_rows) >= frame.height:
        raise FileProblem("mapping_stale")
    known = {c.name for c in spec.columns}
    picked = {field_name(f): j for j, f in mapping.items() if field_name(f) in known}
    if "total" in picked:
        picked["total_mark"] = picked["total"]
    if "score" in picked:
        picked["score_mark"] = picked["score"]
    if "student_no" not in picked and "name" not in picked:
        raise FileProblem("no_student_column")
    first = header_rows[-1] + 1
    body = frame.slice(first)
    part = clean_frame(body.select(pl.col(f"c{j}").alias(f) for f, j in picked.items())).with_columns(
        pl.int_range(first + 1, first + 1 + body.height, dtype=pl.Int64).alias("_row"),
        pl.lit(None, dtype=pl.String).alias("_sheet"),
    )
    identity = [f for f in ("student_no", "name") if f in picked]
    part = part.filter(
        pl.any_horizontal(pl.col(f).is_not_null() for f in picked)
        & ~pl.any_horizontal(pl.col(f).is_in(list(SUMMARY_ROWS)).fill_null(False) for f in identity)
    )
    if part.height == 0:
        raise FileProblem("no_rows")
    labels = {f: params.get("labels", {}).get(str(j)) or f for f, j in picked.items()}
    return Table(frame=part, labels=labels, sheets=[name] if name else [], format=kind)


# --- steps ---------------------------------------------------------------------------------------------------
def _assessment(ctx: ImportContext) -> Assessment:
    return Assessment.objects.select_related("term__academic_year", "school").get(pk=ctx.params["assessment"])


def _student_key(no: pl.Expr) -> pl.Expr:
    """学籍号 with or without its G; an 18-character ID card number is the 学籍号 without the G."""
    upper = no.str.to_uppercase()
    return pl.when(upper.str.contains(r"^G[0-9]{17}[0-9X]$")).then(upper.str.slice(1)).otherwise(upper)


def match_students(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``student_id``, ``school_id``, ``school_class_id`` of each row's pupil among those who sit the assessment
    (its grade at its schools on its day, within the schools the uploader may import into): by 学籍号 (or ID
    card number) when the file has one, else by class and name."""
    assessment = _assessment(ctx)
    if assessment.school_id:
        schools = [s for s in ctx.schools if s.pk == assessment.school_id]
    else:
        schools = [s for s in ctx.schools if s.district_id == assessment.district_id]
    sitting = placements(assessment.term, assessment.date, schools=schools, grade=assessment.grade)
    pupils = fetch(Student, {"id": pl.Int64, "student_no": pl.String, "id_card_no": pl.String, "name": pl.String},
                   "id", sitting["student_id"].to_list()).rename({"id": "student_id"}).join(sitting, on="student_id")
    place = {"grade": grade_name(assessment.grade), "date": assessment.date.isoformat()}
    if ctx.has("student_no"):
        keys = pl.concat([
            pupils.select(_student_key(pl.col("student_no")).alias("_key"), "student_id"),
            pupils.filter(pl.col("id_card_no") != "").select(pl.col("id_card_no").str.to_uppercase().alias("_key"), "student_id"),
        ]).unique("_key", keep="first")
        frame = frame.with_columns(_student_key(pl.col("student_no")).alias("_key")).join(
            keys, on="_key", how="left", maintain_order="left").drop("_key")
        ctx.flag(frame, pl.col("student_no").is_not_null() & pl.col("student_id").is_null(), "unknown_student",
                 "student_no", **place)
        ctx.flag(frame, pl.col("student_no").is_null(), "required", "student_no")
    else:
        labelled = pupils.join(_class_labels(sitting), on="school_class_id").select("student_id", "name", "_class")
        counts = labelled.group_by("name", "_class").agg(pl.col("student_id").first(), pl.len().alias("_n"))
        written = class_text(pl.col("class_name").struct.field("grade").fill_null(assessment.grade),
                             pl.col("class_name").struct.field("number"))
        frame = frame.with_columns(written.alias("_class")).join(counts, on=["name", "_class"], how="left",
                                                                  maintain_order="left")
        ctx.flag(frame, pl.col("name").is_not_null() & pl.col("_n").is_null(), "unknown_pupil_name", "name",
                 klass=pl.col("_class").fill_null(""))
        ctx.flag(frame, pl.col("_n") > 1, "ambiguous_pupil", "name", klass=pl.col("_class"))
        frame = frame.with_columns(pl.when(pl.col("_n") == 1).then(pl.col("student_id")).alias("student_id")).drop(
            "_class", "_n")
    frame = frame.join(sitting, on="student_id", how="left", maintain_order="left")
    if ctx.params.get("layout") == LONG:  # a row per item: repeats are checked per pupil and item
        return frame
    # The same pupil twice (by number or by name): the second row is the error.
    seen = frame.with_columns(
        pl.col("_row").first().over("student_id").alias("_first"),
        pl.int_range(pl.len()).over("student_id").alias("_occurrence"),
    )
    ctx.flag(seen, pl.col("student_id").is_not_null() & (pl.col("_occurrence") > 0), "duplicate_student",
             "student_no" if ctx.has("student_no") else "name", other_row=pl.col("_first"))
    return frame


def _class_labels(sitting: pl.DataFrame) -> pl.DataFrame:
    from tisheng.roster.models import SchoolClass

    rows = SchoolClass.objects.filter(pk__in=sitting["school_class_id"].unique().to_list()).values_list("pk", "grade", "number")
    return pl.DataFrame(list(rows), schema={"school_class_id": pl.Int64, "g": pl.Int64, "n": pl.Int64},
                        orient="row").select("school_class_id", class_text(pl.col("g"), pl.col("n")).alias("_class"))


def _items(ctx: ImportContext) -> list[Item]:
    return list(Item.objects.filter(paper_id=ctx.params.get("paper")).order_by("position"))


def sitting_status(frame: pl.DataFrame, ctx: ImportContext, score_columns: list[str], mark: str | None) -> pl.Expr:
    """The status column when there is one; else a mark in the score cell (缺考, 作弊 …); else absent when the row
    has no score at all; else sat."""
    none = pl.all_horizontal(pl.col(c).is_null() for c in score_columns) if score_columns else pl.lit(True)
    derived = pl.when(pl.col(mark).is_in([Status.ABSENT, Status.EXEMPT, Status.CHEATING]) if mark else pl.lit(False))
    derived = derived.then(pl.col(mark) if mark else pl.lit(None)).when(none).then(pl.lit(Status.ABSENT)).otherwise(
        pl.lit(Status.SAT))
    if ctx.has("status"):
        return pl.coalesce(pl.col("status"), derived)
    return derived


def _rows_with_errors(ctx: ImportContext, column: str) -> list[int]:
    """Rows whose cell in ``column`` could not be read: already reported, not to be reported again as empty."""
    return [e["row"] for e in ctx.errors if e["column"] == column and e["row"] is not None]


def check_wide(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    items = _items(ctx)
    mapped = [i for i in items if ctx.has(f"item_{i.position}")]
    item_cols = [f"item_{i.position}" for i in mapped]
    given = [c for c in ("total", "objective", "subjective") if ctx.has(c)]
    frame = frame.with_columns(sitting_status(frame, ctx, item_cols + given, "total_mark" if ctx.has("total") else None)
                               .alias("outcome"))
    sat = pl.col("outcome") == Status.SAT
    shown = {Status.ABSENT: "缺考", Status.EXEMPT: "免考", Status.CHEATING: "作弊"}
    unreadable = {c: _rows_with_errors(ctx, c) for c in item_cols + given}
    for column in item_cols:
        ctx.flag(frame, sat & pl.col(column).is_null() & ~pl.col("_row").is_in(unreadable[column]), "item_missing", column)
    for column in item_cols + given:
        ctx.flag(frame, ~sat & pl.col(column).is_not_null(), "scores_but_absent", column,
                 status=pl.col("outcome").replace_strict(shown, default="", return_dtype=pl.String))
    if items and len(mapped) < len(items) and mapped:
        missing = "、".join(i.label for i in items if i not in mapped)
        ctx.error("items_not_mapped", items=missing)
    if mapped:
        objective = [f"item_{i.position}" for i in mapped if i.kind == Item.Kind.OBJECTIVE]
        subjective = [f"item_{i.position}" for i in mapped if i.kind == Item.Kind.SUBJECTIVE]
        sums = {"total": item_cols, "objective": objective, "subjective": subjective}
        frame = frame.with_columns(
            *[pl.sum_horizontal(pl.col(c) for c in cols).round(2).alias(f"sum_{name}") if cols else
              pl.lit(0.0).alias(f"sum_{name}") for name, cols in sums.items()]
        )
        complete = pl.all_horizontal(pl.col(c).is_not_null() for c in item_cols)
        for name in given:
            ctx.flag(frame, sat & complete & pl.col(name).is_not_null() & ((pl.col(name) - pl.col(f"sum_{name}")).abs() > TOLERANCE),
                     "total_mismatch", name, expected=pl.col(f"sum_{name}").map_elements(_points, return_dtype=pl.String))
    else:
        if not ctx.has("total"):
            ctx.error("no_score_columns")
        frame = frame.with_columns(pl.col("total").alias("sum_total") if ctx.has("total") else pl.lit(None, pl.Float64).alias("sum_total"),
                                   (pl.col("objective") if ctx.has("objective") else pl.lit(None, pl.Float64)).alias("sum_objective"),
                                   (pl.col("subjective") if ctx.has("subjective") else pl.lit(None, pl.Float64)).alias("sum_subjective"))
        if ctx.has("objective") and ctx.has("subjective") and ctx.has("total"):
            parts = (pl.col("objective") + pl.col("subjective")).round(2)
            ctx.flag(frame, sat & ((parts - pl.col("total")).abs() > TOLERANCE), "subtotals_mismatch", "total",
                     expected=parts.map_elements(_points, return_dtype=pl.String))
    return frame


def check_long(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    items = _items(ctx)
    by_key = {item_key(i.label) or i.label: i for i in items}
    keys = list(by_key)
    frame = frame.with_columns(
        pl.col("item_label").map_elements(lambda t: item_key(t) or t, return_dtype=pl.String)
        .replace_strict(keys, [by_key[k].pk for k in keys], default=None, return_dtype=pl.Int64).alias("item_id"),
        pl.col("item_label").map_elements(lambda t: item_key(t) or t, return_dtype=pl.String)
        .replace_strict(keys, [float(by_key[k].max_score) for k in keys], default=None, return_dtype=pl.Float64)
        .alias("_max"),
    )
    labels = "、".join(i.label for i in items)
    ctx.flag(frame, pl.col("item_label").is_not_null() & pl.col("item_id").is_null(), "unknown_item", "item_label",
             items=labels)
    ctx.flag(frame, pl.col("item_label").is_null(), "required", "item_label")
    ctx.flag(frame, pl.col("score") > pl.col("_max") + 1e-9, "score_above_max", "score",
             max=pl.col("_max").map_elements(_points, return_dtype=pl.String))
    seen = frame.with_columns(pl.col("_row").first().over("student_id", "item_id").alias("_first"),
                              pl.int_range(pl.len()).over("student_id", "item_id").alias("_occurrence"))
    ctx.flag(seen, pl.col("student_id").is_not_null() & pl.col("item_id").is_not_null() & (pl.col("_occurrence") > 0),
             "duplicate_item", "item_label", other_row=pl.col("_first"))
    mark = pl.col("score_mark").is_in([Status.EXEMPT, Status.CHEATING])
    per_student = frame.filter(pl.col("student_id").is_not_null()).group_by("student_id").agg(
        pl.col("_row").first().alias("_first_row"),
        pl.col("score").is_not_null().any().alias("_any"),
        pl.col("item_id").drop_nulls().unique().alias("_items"),
        (pl.col("status").drop_nulls().first() if ctx.has("status") else pl.lit(None, pl.String)).alias("_given"),
        pl.col("score_mark").filter(mark).first().alias("_mark"),
    )
    per_student = per_student.with_columns(
        pl.coalesce(pl.col("_given"), pl.col("_mark"),
                    pl.when(pl.col("_any")).then(pl.lit(Status.SAT)).otherwise(pl.lit(Status.ABSENT))).alias("outcome")
    )
    for row, have, status in per_student.select("_first_row", "_items", "outcome").iter_rows():
        missing = [i.label for i in items if i.pk not in set(have or [])]
        if status == Status.SAT and missing:
            ctx.error("items_missing", row=row, column="item_label", items="、".join(missing))
    return frame.join(per_student.select("student_id", "outcome"), on="student_id", how="left", maintain_order="left")


def check_totals(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """Subject totals go only into papers without items (a paper with items takes its items' scores)."""
    subjects = [name for name in ctx.present if name.startswith("subject_")]
    if not subjects:
        ctx.error("no_score_columns")
    with_items = Paper.objects.filter(assessment_id=ctx.params["assessment"], items__isnull=False,
                                      subject_id__in=[int(s.split("_")[1]) for s in subjects]).distinct()
    for paper in with_items.select_related("subject"):
        ctx.error("totals_for_items", column=f"subject_{paper.subject_id}", subject=paper.subject.name)
    return frame


def check_scores(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    layout = ctx.params.get("layout", WIDE)
    return {WIDE: check_wide, LONG: check_long, TOTALS: check_totals}[layout](frame, ctx)


# --- writing ----------------------------------------------------------------------------------------------
def commit_scores(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    layout = ctx.params.get("layout", WIDE)
    assessment = _assessment(ctx)
    if layout == TOTALS:
        return _commit_totals(frame, ctx, assessment)
    paper = Paper.objects.get(pk=ctx.params["paper"], assessment=assessment)
    items = _items(ctx)
    ids = {f"item_{i.position}": i.pk for i in items}
    if layout == WIDE:
        present = [c for c in ids if ctx.has(c)]
        sat = frame.filter(pl.col("outcome") == Status.SAT)
        item_scores = (
            sat.select("student_id", *present).unpivot(index="student_id", on=present, variable_name="_col",
                                                       value_name="score")
            .with_columns(pl.col("_col").replace_strict(ids, return_dtype=pl.Int64).alias("item_id"))
            .select("student_id", "item_id", "score")
        ) if present else pl.DataFrame(schema={"student_id": pl.Int64, "item_id": pl.Int64, "score": pl.Float64})
        paper_scores = frame.select(
            "student_id", "school_id", "school_class_id", pl.col("outcome").alias("status"),
            *[pl.when(pl.col("outcome") == Status.SAT).then(pl.col(f"sum_{c}")).alias(c)
              for c in ("total", "objective", "subjective")],
        ).rename({"total": "score"})
    else:
        rows = frame.filter(pl.col("outcome") == Status.SAT, pl.col("item_id").is_not_null())
        item_scores = rows.select("student_id", "item_id", pl.col("score").fill_null(0.0))
        kinds = {i.pk: i.kind for i in items}
        sums = item_scores.with_columns(
            pl.col("item_id").replace_strict(kinds, return_dtype=pl.String).alias("_kind")
        ).group_by("student_id").agg(
            pl.col("score").sum().round(2).alias("score"),
            pl.col("score").filter(pl.col("_kind") == Item.Kind.OBJECTIVE).sum().round(2).alias("objective"),
            pl.col("score").filter(pl.col("_kind") == Item.Kind.SUBJECTIVE).sum().round(2).alias("subjective"),
        )
        paper_scores = (
            frame.group_by("student_id", maintain_order=True)
            .agg(pl.col("school_id").first(), pl.col("school_class_id").first(), pl.col("outcome").first().alias("status"))
            .join(sums, on="student_id", how="left")
        )
    total = paper_scores.height + item_scores.height
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        ctx.progress("writing", min(done[0], total), total)

    actions.replace_scores(paper, paper_scores, item_scores, batch_id=ctx.batch_id, progress=progress)
    return Counts(created=paper_scores.height)


def _commit_totals(frame: pl.DataFrame, ctx: ImportContext, assessment: Assessment) -> Counts:
    empty = pl.DataFrame(schema={"student_id": pl.Int64, "item_id": pl.Int64, "score": pl.Float64})
    written = 0
    for paper in Paper.objects.filter(assessment=assessment):
        column = f"subject_{paper.subject_id}"
        if not ctx.has(column):
            continue
        status = sitting_status(frame, ctx, [column], None)
        rows = frame.with_columns(status.alias("status")).select(
            "student_id", "school_id", "school_class_id", "status",
            pl.when(pl.col("status") == Status.SAT).then(pl.col(column)).alias("score"),
            pl.lit(None, dtype=pl.Float64).alias("objective"), pl.lit(None, dtype=pl.Float64).alias("subjective"),
        )
        actions.replace_scores(paper, rows, empty, batch_id=ctx.batch_id)
        written += rows.height
    return Counts(created=written)


MESSAGES = {
    "score_number": _("“%(value)s” is not a score. Write a number, or 缺考 for a pupil who was absent."),
    "score_negative": _("%(value)s is below zero; scores are 0 or more."),
    "score_decimals": _("“%(value)s” has more than two decimal places."),
    "score_above_max": _("%(value)s is more than %(column)s allows (%(max)s points)."),
    "unknown_student": _(
        "No pupil with the number “%(value)s” sits this exam: the exam is for %(grade)s on %(date)s, at the "
        "schools you may import for. Check the number, and the pupil's class in the roster."
    ),
    "unknown_pupil_name": _("No pupil called “%(value)s” is in %(klass)s for this exam. Check the name and the class."),
    "ambiguous_pupil": _(
        "Several pupils called “%(value)s” are in %(klass)s for this exam (in different schools, or namesakes). "
        "Add a 学籍号 column so that each row names one pupil."
    ),
    "duplicate_student": _(
        "This pupil also appears in row %(other_row)s. Each pupil may appear only once: delete or correct one "
        "of the rows."
    ),
    "item_missing": _("%(column)s is empty although the pupil sat the paper. Write 0 for an item not answered."),
    "scores_but_absent": _("The pupil is marked %(status)s but has a score in %(column)s. Remove the score or the mark."),
    "total_mismatch": _(
        "%(column)s is %(value)s, but the items add up to %(expected)s. Correct the total or the item scores."
    ),
    "subtotals_mismatch": _(
        "%(column)s is %(value)s, but the objective and subjective parts add up to %(expected)s. Correct one of them."
    ),
    "unknown_item": _("There is no item “%(value)s” on this paper. Its items are: %(items)s."),
    "duplicate_item": _("This pupil's score on this item also appears in row %(other_row)s. Keep one of the rows."),
    "items_missing": _(
        "Items %(items)s of this pupil are missing. Add a row for each item (0 for an item not answered)."
    ),
    "items_not_mapped": _(
        "No column was chosen for items %(items)s. Map every item on the column page, or define the paper's "
        "items again."
    ),
    "totals_for_items": _(
        "The %(subject)s paper has items: import its item scores (one column per item) instead of its totals."
    ),
    "no_score_columns": _("No column of the file was chosen for scores. Map the score columns on the column page."),
    "no_student_column": _(
        "No column of the file was chosen for the 学籍号 or the name, so the pupils cannot be found. Map one of them."
    ),
    "mapping_stale": _("The column mapping does not fit this file. Upload the file again and check its columns."),
    "sheet_missing": _("The workbook has no sheet “%(sheet)s” any more. Upload the file again."),
}

SCORES = register(ImportSpec(
    kind="assessments.scores",
    label=_("Exam scores"),
    columns=(),
    columns_for=score_columns,
    read=read_scores,
    steps=(match_students, check_scores),
    commit=commit_scores,
    roles=IMPORT_ROLES,
    messages=MESSAGES,
))
