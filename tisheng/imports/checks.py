"""Checks across rows and columns that many imports share. Each returns a step ``(frame, ctx) -> frame``."""

import polars as pl

from tisheng.imports.spec import ImportContext, Step


def _row_ref(row: pl.Expr, sheet: pl.Expr) -> pl.Expr:
    """“12”, or “12（七1班）” when the file has several sheets."""
    return pl.when(sheet.is_null()).then(row.cast(pl.String)).otherwise(
        pl.concat_str(row.cast(pl.String), pl.lit("（"), sheet, pl.lit("）"))
    )


def _comparable(frame: pl.DataFrame) -> list[str]:
    return [c for c, t in frame.schema.items() if not c.startswith("_") and not isinstance(t, pl.List)]


def no_repeated_rows(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """A row that repeats an earlier one exactly (copied twice) is named as such, once. Adds ``_repeat``,
    which ``unique`` then leaves alone."""
    values = _comparable(frame)
    marked = frame.with_columns((~pl.struct(values).is_first_distinct()).alias("_repeat"))
    if marked["_repeat"].any():  # which earlier row each repeats: only worked out when there are repeats
        first = _row_ref(pl.col("_row"), pl.col("_sheet")).first().over(values).alias("_first")
        repeats = marked.with_columns(first).filter("_repeat").select("_row", "_sheet", "_first")
        for row, sheet, other in repeats.iter_rows():
            ctx.error("duplicate_row", row=row, sheet=sheet, other_row=other)
    return marked


def unique(field_name: str, by: str | None = None, shown: pl.Expr | None = None) -> Step:
    """``field_name`` appears once in the file (compared on column ``by`` if given, quoted as ``shown``).
    Exact repeats of a row are left to ``no_repeated_rows`` when it ran before."""

    def step(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        key = pl.col(by or field_name)
        repeat = pl.col("_repeat") if "_repeat" in frame.columns else pl.lit(False)
        again = key.is_not_null() & ~key.is_first_distinct() & ~repeat
        if frame.select(again.any()).item():  # the earlier row is looked up only when there is one
            marked = frame.with_columns(_row_ref(pl.col("_row"), pl.col("_sheet")).first().over(key).alias("_first"))
            ctx.flag(marked, again, "duplicate_key", field_name, value=shown, other_row=pl.col("_first"))
        return frame

    return step


def together(field_name: str, other: str) -> Step:
    """When ``field_name`` is filled in, ``other`` must be too."""

    def step(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        if ctx.has(field_name):
            ctx.flag(frame, pl.col(field_name).is_not_null() & pl.col(other).is_null(), "needs_other", field_name,
                     other=ctx.label(other))
        return frame

    return step


def matches_id_card(id_field: str, birth_field: str | None = None, sex_field: str | None = None) -> Step:
    """The birth date and sex written agree with those inside the ID card number (GB 11643)."""

    def step(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        number = pl.col(id_field)
        if birth_field and ctx.has(birth_field):
            inside = number.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
            ctx.flag(frame, pl.col(birth_field) != inside, "id_birth_mismatch", birth_field,
                     expected=inside)
        if sex_field and ctx.has(sex_field):
            odd = number.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1
            inside = pl.when(odd).then(pl.lit("男")).when(~odd).then(pl.lit("女"))
            written = pl.col(sex_field).replace_strict({"M": "男", "F": "女"}, default=None)
            ctx.flag(frame, written != inside, "id_sex_mismatch", sex_field, value=written, expected=inside)
        return frame

    return step
