"""Column parsers: cleaned text in, typed values and problem keys out, as Polars expressions.

A parser sees one column of cleaned text (null for a blank cell) and returns two expressions: the typed
value and a problem key (null when the cell is fine; see ``problems.MESSAGES``). Blank cells are the
pipeline's business (required or not), so parsers leave nulls alone. ``params()`` gives the fixed message
parameters (the allowed choices, the range).

Most parsers are vectorised. ``Custom`` runs a Python function once per *distinct* value, which is fast for
columns with few distinct values (classes, grades, subjects) and lets a later import declare anything.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from tisheng.core.idcard import WEIGHTS


@dataclass(frozen=True)
class Parsed:
    value: pl.Expr
    problem: pl.Expr
    shown: pl.Expr | None = None  # what a message quotes as the value (default: the cell as written)


def first_problem(*rules: tuple[pl.Expr, str]) -> pl.Expr:
    """The key of the first rule whose condition holds, else null."""
    problem = pl.lit(None, dtype=pl.String)
    for condition, key in reversed(rules):
        problem = pl.when(condition).then(pl.lit(key)).otherwise(problem)
    return problem


class Parser:
    dtype: pl.DataType = pl.String
    # Identifier columns hold numbers that Excel must not touch; the reader marks cells Excel stored as
    # numbers with 16 or more digits (digits already lost) by showing them as Excel does: 1.10101E+17.
    identifier: bool = False

    def parse(self, cell: pl.Expr) -> Parsed:
        raise NotImplementedError

    def params(self) -> dict:
        return {}


@dataclass(frozen=True)
class Text(Parser):
    max_length: int | None = None

    def parse(self, cell):
        if self.max_length is None:
            return Parsed(cell, pl.lit(None, dtype=pl.String))
        return Parsed(cell, first_problem((cell.str.len_chars() > self.max_length, "too_long")))

    def params(self):
        return {"max_length": self.max_length}


# Excel shows a number of 12 or more digits as 1.10101E+17, and a CSV saved by Excel keeps that text.
SCIENTIFIC = r"^[+-]?[0-9]+(\.[0-9]+)?E[+-]?[0-9]+$"
FLOAT_INTEGRAL = r"^[0-9]+\.0+$"  # 20230101.0: a number cell turned into text by another program


@dataclass(frozen=True)
class Identifier(Parser):
    """学籍号, 工号, 考号: digits and letters, compared in upper case, never a number."""

    max_length: int = 30
    identifier = True

    def parse(self, cell):
        text = cell.str.to_uppercase()
        integral = text.str.contains(FLOAT_INTEGRAL)
        value = pl.when(integral).then(text.str.replace(r"\.0+$", "")).otherwise(text)
        return Parsed(
            value,
            first_problem(
                (text.str.contains(SCIENTIFIC), "excel_number"),
                (integral & (value.str.len_chars() >= 16), "excel_number"),
                (~integral & text.str.contains(r"^[0-9]*\.[0-9]+$"), "decimal_point"),
                (~value.str.contains(r"^[0-9A-Z][0-9A-Z-]*$"), "identifier_characters"),
                (value.str.len_chars() > self.max_length, "too_long"),
            ),
        )

    def params(self):
        return {"max_length": self.max_length}


@dataclass(frozen=True)
class IdCardNumber(Parser):
    """居民身份证号 (GB 11643): 18 characters, the last a check digit over the first 17 (ISO 7064 MOD 11-2)."""

    identifier = True

    def parse(self, cell):
        ident = Identifier(max_length=18).parse(cell)
        value = ident.value
        digits = [value.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
        total = pl.sum_horizontal([d * w for d, w in zip(digits, WEIGHTS, strict=True)])
        check = ((12 - total % 11) % 11).cast(pl.String).replace("10", "X")
        birth = value.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
        return Parsed(
            value,
            first_problem(
                (ident.problem == "excel_number", "excel_number"),
                (value.str.len_chars() != 18, "id_card_length"),
                (~value.str.contains(r"^[0-9]{17}[0-9X]$"), "id_card_characters"),
                (value.is_not_null() & birth.is_null(), "id_card_birth_date"),
                (check != value.str.slice(17, 1), "id_card_check_digit"),
            ),
        )


@dataclass(frozen=True)
class Choice(Parser):
    """One of a fixed set of written forms, each meaning a value: {"男": "M", "1": "M", …}.

    ``shown`` lists the forms to name in the message (the first form of each value by default).
    """

    mapping: Mapping[str, Any]
    dtype: pl.DataType = pl.String
    shown: tuple[str, ...] = ()

    def parse(self, cell):
        keys = [k.casefold() for k in self.mapping]
        value = cell.str.to_lowercase().replace_strict(
            keys, list(self.mapping.values()), default=None, return_dtype=self.dtype
        )
        return Parsed(value, first_problem((cell.is_not_null() & value.is_null(), "choice")))

    def params(self):
        shown = self.shown
        if not shown:
            seen, shown = set(), []
            for form, value in self.mapping.items():
                if value not in seen:
                    seen.add(value)
                    shown.append(form)
        return {"choices": "、".join(shown)}


YES_NO = {"是": True, "否": False, "1": True, "0": False, "Y": True, "N": False, "yes": True, "no": False,
          "true": True, "false": False, "√": True, "×": False, "有": True, "无": False}


def YesNo() -> Choice:  # noqa: N802 - reads like the other parser classes
    return Choice(YES_NO, dtype=pl.Boolean, shown=("是", "否"))


@dataclass(frozen=True)
class Date(Parser):
    """2012-09-01, 2012/9/1, 2012.9.1, 2012年9月1日, 20120901, a date cell, or an Excel day number."""

    earliest: date = date(1900, 1, 1)
    latest: date | None = None  # None: today
    dtype: pl.DataType = pl.Date

    def parse(self, cell):
        text = cell.str.replace(r"[ T]0?0:00(:00(\.0+)?)?$", "")
        separated = text.str.extract_groups(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
        compact = text.str.extract_groups(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
        parts = [pl.coalesce(separated.struct.field(str(i)), compact.struct.field(str(i))) for i in (1, 2, 3)]
        written = pl.concat_str(parts[0], parts[1].str.zfill(2), parts[2].str.zfill(2), separator="-")
        serial = text.str.extract(r"^([0-9]{5})(\.0+)?$", 1).cast(pl.Int64, strict=False)
        value = pl.coalesce(
            written.str.to_date("%Y-%m-%d", strict=False),
            pl.lit(date(1899, 12, 30)) + pl.duration(days=serial),
        )
        latest = self.latest or date.today()
        return Parsed(
            value,
            first_problem(
                (cell.is_not_null() & value.is_null(), "date"),
                ((value < self.earliest) | (value > latest), "date_range"),
            ),
        )

    def params(self):
        return {"earliest": self.earliest.isoformat(), "latest": (self.latest or date.today()).isoformat()}


def _range_rules(value, minimum, maximum):
    rules = []
    if minimum is not None:
        rules.append((value < minimum, "out_of_range"))
    if maximum is not None:
        rules.append((value > maximum, "out_of_range"))
    return rules


@dataclass(frozen=True)
class Integer(Parser):
    min: int | None = None
    max: int | None = None
    dtype: pl.DataType = pl.Int64

    def parse(self, cell):
        ok = cell.str.contains(r"^[+-]?[0-9]{1,15}(\.0+)?$")
        value = pl.when(ok).then(cell.str.replace(r"\.0+$", "").str.strip_prefix("+").cast(pl.Int64, strict=False))
        return Parsed(value, first_problem((cell.is_not_null() & ~ok, "integer"), *_range_rules(value, self.min, self.max)))

    def params(self):
        return {"min": self.min, "max": self.max}


@dataclass(frozen=True)
class Decimal(Parser):
    """A measurement or a score: 98.5, 0, -3. ``places`` limits the decimals written."""

    min: float | None = None
    max: float | None = None
    places: int | None = None
    dtype: pl.DataType = pl.Float64

    def parse(self, cell):
        ok = cell.str.contains(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
        value = pl.when(ok).then(cell.cast(pl.Float64, strict=False))
        rules = [(cell.is_not_null() & ~ok, "number")]
        if self.places is not None:
            decimals = cell.str.extract(r"\.([0-9]*?)0*$", 1).str.len_chars().fill_null(0)
            rules.append((ok & (decimals > self.places), "decimals"))
        return Parsed(value, first_problem(*rules, *_range_rules(value, self.min, self.max)))

    def params(self):
        return {"min": self.min, "max": self.max, "places": self.places}


@dataclass(frozen=True)
class Phone(Parser):
    def parse(self, cell):
        value = cell.str.replace(r"\.0+$", "")
        return Parsed(value, first_problem((~value.str.contains(r"^\+?[0-9][0-9 -]{5,18}[0-9]$"), "phone")))


class Problem(Exception):
    """Raised by a ``Custom`` parser's function: the cell has problem ``key``; ``shown`` is the part to quote."""

    def __init__(self, key: str, shown: str | None = None):
        super().__init__(key)
        self.key = key
        self.shown = shown


@dataclass(frozen=True)
class Custom(Parser):
    """Any Python function ``str -> value`` raising ``Problem(key)``, run once per distinct cell text."""

    function: Callable[[str], Any]
    dtype: pl.DataType = pl.String
    fixed_params: dict = field(default_factory=dict)

    def parse(self, cell):
        # per distinct text: (value, problem key, text to quote); shared by the three expressions
        outcomes: dict[str, tuple[Any, str | None, str]] = {}

        def lookup(series: pl.Series, part: int, dtype: pl.DataType) -> pl.Series:
            for text in series.drop_nulls().unique().to_list():
                if text not in outcomes:
                    try:
                        outcomes[text] = (self.function(text), None, text)
                    except Problem as problem:
                        outcomes[text] = (None, problem.key, problem.shown or text)
            table = pl.DataFrame(
                {"text": list(outcomes), "out": pl.Series([o[part] for o in outcomes.values()], dtype=dtype)},
                schema={"text": pl.String, "out": dtype},
            )
            frame = pl.DataFrame({"text": series.cast(pl.String)})
            return frame.join(table, on="text", how="left", maintain_order="left")["out"]

        return Parsed(
            cell.map_batches(lambda s: lookup(s, 0, self.dtype), return_dtype=self.dtype),
            cell.map_batches(lambda s: lookup(s, 1, pl.String), return_dtype=pl.String),
            cell.map_batches(lambda s: lookup(s, 2, pl.String), return_dtype=pl.String),
        )

    def params(self):
        return dict(self.fixed_params)


def split_list(text: str) -> list[str]:
    """Items of a list written in one cell: 语文、数学 / 语文,数学 / 语文;数学 / 语文 数学."""
    return [item for item in re.split(r"[、,;，；/ ]+", text) if item]
