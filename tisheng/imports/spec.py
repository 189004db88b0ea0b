"""How a domain declares an import. The pipeline (``pipeline.py``) does everything else.

    students = register(ImportSpec(
        kind="roster.students",
        label=Student._meta.verbose_name_plural,
        columns=(
            Column("student_no", "学籍号", Identifier(), aliases=("学号", "学生编号"), required=True),
            Column("birth_date", "出生日期", Date()),
            ...
        ),
        steps=(unique("student_no"), resolve_school, resolve_class, ...),
        commit=commit_students,
        roles=frozenset({Role.BUREAU_ADMIN, Role.PRINCIPAL, Role.ACADEMIC_OFFICE}),
    ))

- A ``Column`` is a Chinese header with its aliases, a parser (``parsers.py``) and whether it is required.
  The file's columns are found by header text in any order; unknown columns are ignored and shown as such.
- ``steps`` run in order on the typed frame (one row per data row, one column per field, plus ``_row`` and
  ``_sheet``); each may add columns (lookups) and report errors through ``ImportContext.flag``. They all run
  even when earlier ones found errors, so the user sees every problem at once; values that failed to parse
  are null, and steps skip nulls. Columns a step names with a leading "_" are its own and are dropped before
  the commit.
- ``commit(frame, ctx) -> Counts`` runs only when there is no error at all, inside the one transaction, and
  receives the validated frame. It reports progress with ``ctx.progress``.

- An import whose columns depend on what it is for (the items of the chosen exam paper) declares
  ``columns_for(params)`` instead of fixed ``columns``, and may bring its own ``read(data, spec, params)`` for
  layouts the header search cannot find (two header rows, a column mapping the user confirmed). Such a kind
  starts on its domain's page, which sets the batch's ``params``; the generic upload page does not offer it.

Declarations live in each app's ``importers.py``, which is imported when Django starts.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from tisheng.imports.parsers import Parser

# Stored errors per batch; the count beyond is kept, the list is cut.
MAX_STORED_ERRORS = 20_000


@dataclass(frozen=True)
class Column:
    name: str  # the field in the typed frame
    header: str  # the Chinese header of the template
    parser: Parser
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be in the file and no cell may be blank
    help: str = ""  # one line for the template's instructions sheet (Chinese: templates are Chinese)
    sample: str = ""  # the template's sample row


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


Step = Callable[[pl.DataFrame, "ImportContext"], pl.DataFrame]


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    label: Any  # a (lazy) translated name, e.g. "Students"
    columns: tuple[Column, ...]
    commit: Callable[[pl.DataFrame, "ImportContext"], Counts]
    steps: tuple[Step, ...] = ()
    roles: frozenset[str] = frozenset()  # who may import this kind (accounts.Role values)
    template_name: str = ""  # the downloadable template's file name, without .xlsx
    notes: tuple[str, ...] = ()  # extra lines for the template's instructions sheet
    messages: Mapping[str, Any] = field(default_factory=dict)  # this import's own problem keys
    # Columns computed from a batch's parameters, and a reader of the kind's own (see the module doc).
    columns_for: Callable[[Mapping], tuple[Column, ...]] | None = None
    read: Callable[[bytes, "ImportSpec", Mapping], Any] | None = None
    # The models (tracked by django-simple-history) the steps look rows up in, besides the uploader's schools:
    # while none of them changes, the commit uses the preview's checked rows instead of checking the file
    # again (``kept.py``). Empty: the commit always checks again.
    reads: tuple[type, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def parametrised(self) -> bool:
        """Its columns depend on the batch's parameters: it starts on the domain's own page."""
        return self.columns_for is not None

    def for_params(self, params: Mapping | None) -> "ImportSpec":
        """The declaration with the columns of a batch's parameters (itself when its columns are fixed)."""
        if self.columns_for is None:
            return self
        return replace(self, columns=tuple(self.columns_for(params or {})))


@dataclass
class ImportContext:
    """What steps and the commit know about the import under way."""

    user: Any
    term: Any  # roster.Term: the term the import is for
    school: Any = None  # the school chosen on the upload page; None when the file names its schools
    schools: list = field(default_factory=list)  # the schools this user may import this kind into
    batch_id: int | None = None
    params: Mapping = field(default_factory=dict)  # what the batch is for, set where the upload started
    present: frozenset[str] = frozenset()  # fields whose column is in the file
    labels: dict[str, str] = field(default_factory=dict)  # field → header as written in the file
    headers: dict[str, str] = field(default_factory=dict)  # field → the declared header (for absent columns)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    progress: Callable[[str, int, int], None] = lambda phase, done, total: None

    def error(self, key: str, *, row: int | None = None, sheet: str | None = None, column: str | None = None,
              **params) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "sheet": sheet, "column": column, "key": key, "params": params})

    def flag(self, frame: pl.DataFrame, condition: pl.Expr, key: str, column: str,
             value: pl.Expr | None = None, **params) -> None:
        """Report ``key`` in ``column`` for every row of ``frame`` where ``condition`` holds.

        ``value`` (default: the column itself) is shown in the message as ``%(value)s``; a parameter given as
        an expression is read per row, anything else is the same for every row.
        """
        per_row = {name: p for name, p in params.items() if isinstance(p, pl.Expr)}
        fixed = {name: p for name, p in params.items() if not isinstance(p, pl.Expr)}
        value = pl.col(column) if value is None else value
        hits = frame.filter(condition.fill_null(False)).select(
            pl.col("_row"), pl.col("_sheet"), value.cast(pl.String).alias("_value"),
            *[p.cast(pl.String).alias(name) for name, p in per_row.items()],
        )
        for row in hits.iter_rows(named=True):
            extra = {name: row[name] for name in per_row}
            self.error(key, row=row["_row"], sheet=row["_sheet"], column=column, value=row["_value"] or "",
                       **fixed, **extra)

    def has(self, field_name: str) -> bool:
        return field_name in self.present

    def label(self, field_name: str) -> str:
        return self.labels.get(field_name) or self.headers.get(field_name) or field_name


_REGISTRY: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _REGISTRY[spec.kind] = spec
    return spec


def get_spec(kind: str) -> ImportSpec | None:
    return _REGISTRY.get(kind)


def all_specs() -> list[ImportSpec]:
    return list(_REGISTRY.values())
