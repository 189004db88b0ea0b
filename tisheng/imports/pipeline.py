"""The one import pipeline: read → map columns → parse each column → steps (checks, lookups) → commit.

``check`` is pure with respect to the database except for the lookups a declaration's steps make; it never
writes. ``actions.commit_batch`` runs ``check`` again inside the transaction and then the declaration's
commit, so that what is written is exactly what was validated against the database as it is then.
"""

from dataclasses import dataclass

import polars as pl

from tisheng.imports.reading import FileProblem, Table, preview, read_table
from tisheng.imports.spec import ImportContext, ImportSpec


@dataclass
class Checked:
    frame: pl.DataFrame | None  # the typed rows; None when the file itself could not be used
    preview: dict | None

    @property
    def rows(self) -> int:
        return 0 if self.frame is None else self.frame.height


def check(data: bytes, spec: ImportSpec, ctx: ImportContext) -> Checked:
    """Read and validate ``data``. Errors go to ``ctx``; the caller commits only when there are none."""
    try:
        table = spec.read(data, spec, ctx.params) if spec.read else read_table(data, spec)
    except FileProblem as problem:
        ctx.error(problem.key, **problem.params)
        return Checked(None, None)
    ctx.present = table.present
    ctx.headers = {c.name: c.header for c in spec.columns}
    ctx.labels = dict(table.labels)
    total = table.frame.height
    ctx.progress("checking", 0, total)
    frame = parse_columns(table, spec, ctx)
    for step in spec.steps:
        frame = step(frame, ctx)
    # Columns starting with "_" are the steps' own; the commit sees the fields, the lookups, _row and _sheet.
    frame = frame.drop([c for c in frame.columns if c.startswith("_") and c not in ("_row", "_sheet")])
    ctx.progress("checking", total, total)
    ctx.errors.sort(key=lambda e: (e["sheet"] or "", e["row"] or 0))
    return Checked(frame, preview(table))


def parse_columns(table: Table, spec: ImportSpec, ctx: ImportContext) -> pl.DataFrame:
    """Typed values for every declared field (null where blank, absent or bad) and one error per bad cell."""
    exprs = [pl.col("_row"), pl.col("_sheet")]
    checked = []
    for column in spec.columns:
        name = column.name
        if name not in table.present:
            exprs.append(pl.lit(None, dtype=column.parser.dtype).alias(name))
            continue
        parsed = column.parser.parse(pl.col(name))
        problem = parsed.problem
        if column.required:
            problem = pl.when(pl.col(name).is_null()).then(pl.lit("required")).otherwise(problem)
        exprs += [
            parsed.value.alias(name),
            problem.alias(f"_problem_{name}"),
            (parsed.shown if parsed.shown is not None else pl.col(name)).alias(f"_text_{name}"),
        ]
        checked.append(column)
    # A bad cell's value is null. Masked in a second pass: within one expression, the value's parse would be
    # evaluated again for the mask (Polars does not share it), which doubled the cost of dates and ID numbers.
    typed = table.frame.lazy().select(exprs).with_columns(
        pl.when(pl.col(f"_problem_{c.name}").is_null()).then(pl.col(c.name)).cast(c.parser.dtype).alias(c.name)
        for c in checked
    ).collect()
    for column in checked:
        problem, text = f"_problem_{column.name}", f"_text_{column.name}"
        params = column.parser.params()
        for row in typed.filter(pl.col(problem).is_not_null()).select("_row", "_sheet", problem, text).iter_rows():
            ctx.error(row[2], row=row[0], sheet=row[1], column=column.name, value=row[3] or "", **params)
    return typed.drop([c for c in typed.columns if c.startswith(("_problem_", "_text_"))])
