"""Helpers for a declaration's commit: bulk reads into Polars and bulk writes that keep their history.

A commit works out everything it will write from the validated frame and a few bulk reads (``fetch``), tells
the ``Writer`` how many objects that is (the progress bar's total), and then writes:

* ``Writer.insert(model, frame)`` for many new rows: the rows and their django-simple-history records ("+",
  with the user, the time and "import #N" as reason), exactly as ``bulk_create_with_history`` writes them,
  but straight from the frame (``executemany`` on SQLite, COPY on PostgreSQL), the history rows copied by
  the database from the rows just written (``INSERT … SELECT``). Measured on 100,000 students with
  memberships and guardians: ``bulk_create_with_history`` spends ~60 µs per object building model instances
  and compiling SQL, which made the commit take minutes; see docs/imports.md.
* ``Writer.create`` / ``update`` for model instances, through ``bulk_create_with_history`` and
  ``bulk_update_with_history`` (a re-import changes few rows; teachers are few).
* ``Writer.delete`` one by one, so that each deletion is recorded.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from datetime import date

import polars as pl
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tisheng.imports.spec import ImportContext

CHUNK = 5000
# Rows per write of Writer.insert (and per step of the progress bar).
INSERT_CHUNK = 20_000
# Rows per multi-row INSERT on SQLite: as fast as statements of thousands of rows (up to the 32,766-parameter
# limit), which took ~100 MB more memory to prepare.
SQLITE_ROWS = 500


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def in_chunks(queryset, field: str, values: Iterable, size: int = CHUNK):
    """``queryset.filter(<field>__in=values)`` without exceeding the database's limit on query parameters."""
    values = list(values)
    for part in chunks(values, size):
        yield from queryset.filter(**{f"{field}__in": part})


def fetch(model, columns: dict[str, pl.DataType], key: str, values: Iterable | pl.Series, **equal) -> pl.DataFrame:
    """``SELECT columns FROM model WHERE key IN values [AND field = value …]`` as a frame (``None``: IS NULL).
    Columns are named by attname (``school_id``); ``key`` is one of them. ``values`` may be a Series (no Python
    object per value until a chunk of them is sent).

    Plain SQL in chunks: Django spends seconds preparing an IN lookup of 100,000 values. When the values are
    many for the table (a third of its ids or more), one pass over the table, filtered here, is faster.
    """
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    column = {f.attname: q(f.column) for f in model._meta.concrete_fields}
    where, params = [], []
    for name, value in equal.items():
        where.append(f"{column[name]} IS NULL" if value is None else f"{column[name]} = %s")
        params += [] if value is None else [value]
    values = pl.Series(values if isinstance(values, pl.Series) else list(values), dtype=columns[key])
    values = values.drop_nulls().unique(maintain_order=True)
    select = f"SELECT {', '.join(column[c] for c in columns)} FROM {table}"
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({q(model._meta.pk.column)}) FROM {table}")
        whole = len(values) > 0 and len(values) * 3 > (cursor.fetchone()[0] or 0)
        if whole:
            cursor.execute(select + (f" WHERE {' AND '.join(where)}" if where else ""), params)
            rows = cursor.fetchall()
        else:
            for part in chunks(values.to_list()):
                conditions = [f"{column[key]} IN ({', '.join(['%s'] * len(part))})", *where]
                cursor.execute(f"{select} WHERE {' AND '.join(conditions)}", [*part, *params])
                rows += cursor.fetchall()
    frame = pl.DataFrame(rows, schema=columns, orient="row", strict=False)
    if whole:
        frame = frame.filter(pl.col(key).is_in(values.implode()))
    return frame


def effective_date(term, today: date | None = None) -> date:
    """The day a change takes effect: today, kept within the term (an import before the term starts dates
    from its first day)."""
    today = today or date.today()
    if term is None:
        return today
    return min(max(today, term.start_date), term.end_date)


# SQLite's page cache during an import's transaction, in KiB (the default is 2 MB).
IMPORT_PAGE_CACHE_KIB = 256 * 1024


@contextmanager
def large_transaction():
    """On SQLite, a page cache big enough for an import's transaction (hundreds of thousands of rows into
    indexed tables): with the default 2 MB, dirty pages spill into the WAL mid-transaction and are read back.
    Memory is taken only as pages are touched; durability is unchanged (same journal, same sync)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _next_ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys, taken while the commit's transaction holds the write lock."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once: pg_get_serial_sequence per row costs more than nextval itself.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], n])
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id, even a deleted one: start after the sequence as well.
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) FROM "
                           f"{connection.ops.quote_name(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + n))
    raise NotImplementedError(f"bulk insert is written for SQLite and PostgreSQL, not {connection.vendor}")


def _write(cursor, table: str, columns: list[str], frame: pl.DataFrame) -> None:
    """Writes the frame's rows (columns in ``columns``' order; ``table`` and ``columns`` are quoted names).

    PostgreSQL: COPY of the frame as CSV written by Polars, no Python object per value (an unquoted empty
    field is NULL, ``""`` an empty string). SQLite: ``INSERT … VALUES (…), (…), …`` of ``SQLITE_ROWS`` rows
    (fewer if its limit on parameters requires), run by ``executemany`` (a loop in C) over the values ``zip``
    lays out from whole columns. One row per statement spent most of its time per statement rather than per
    value (100,000 persons: 0.9 s, now 0.3 s).
    """
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(frame.write_csv(include_header=False, null_value=""))
        return
    width = len(columns)
    values = list(chain.from_iterable(zip(*(series.to_list() for series in frame.get_columns()), strict=True)))
    step = min(SQLITE_ROWS, connection.features.max_query_params // width) * width  # values per full statement
    row = f"({', '.join(['?'] * width)})"

    def insert(rows: int) -> str:
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"

    # Straight to the sqlite3 connection, with its own "?" placeholders: Django's cursor rewrites each "%s" with
    # a regular expression, about 2 µs per placeholder, a third of the insert's own time.
    sqlite = connection.connection
    full = len(values) // step * step
    sqlite.executemany(insert(step // width), (values[start:start + step] for start in range(0, full, step)))
    if full < len(values):
        sqlite.execute(insert((len(values) - full) // width), values[full:])


def _runs(ids: pl.Series) -> list[tuple[int, int]]:
    """The runs of consecutive values in ascending ``ids``, as (first, last)."""
    run = (ids.diff() != 1).fill_null(True).cum_sum()
    runs = pl.DataFrame({"id": ids, "run": run}).group_by("run", maintain_order=True)
    return runs.agg(first=pl.col("id").first(), last=pl.col("id").last()).select("first", "last").rows()


class Writer:
    def __init__(self, ctx: ImportContext, planned: int):
        self.ctx = ctx
        self.planned = max(planned, 1)
        self.done = 0
        self.reason = f"import #{ctx.batch_id}" if ctx.batch_id else "import"
        self.user_id = getattr(ctx.user, "pk", None)
        ctx.progress("writing", 0, self.planned)

    def _advance(self, n: int) -> None:
        self.done += n
        self.ctx.progress("writing", min(self.done, self.planned), self.planned)

    def insert(self, model, rows: pl.DataFrame) -> list[int]:
        """New ``model`` rows from a frame with a column per field (by attname; missing ones get the field's
        default), with their history records. Returns the new ids, in the frame's order."""
        if rows.height == 0:
            return []
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        missing = [pl.lit(f.get_default()).alias(f.attname) for f in fields if f.attname not in rows.columns]
        ids = _next_ids(model, rows.height)
        frame = rows.with_columns(*missing, pl.Series(model._meta.pk.attname, ids, dtype=pl.Int64))
        if connection.vendor == "sqlite":  # Django keeps dates as ISO text in SQLite
            frame = frame.with_columns(pl.col(pl.Date).cast(pl.String))
        attnames = [model._meta.pk.attname] + [f.attname for f in fields]
        history = model.history.model
        tracked = [f for f in history._meta.concrete_fields if f.attname in attnames]
        q = connection.ops.quote_name
        table, pk = q(model._meta.db_table), q(model._meta.pk.column)
        marks = ("history_date", "history_change_reason", "history_type", "history_user")
        # The history rows are copied by the database from the rows just written: no second pass over the
        # values in Python. The rows are exactly ours: SQLite's ids are one range taken under the write lock;
        # PostgreSQL's sequence may interleave other sessions' ids, so the copy goes by runs of consecutive ids
        # (one run unless another session took ids meanwhile), never by a range that could hold theirs.
        copy_history = (
            f"INSERT INTO {q(history._meta.db_table)} "
            f"({', '.join([q(f.column) for f in tracked] + [q(history._meta.get_field(m).column) for m in marks])}) "
            f"SELECT {', '.join(q(f.column) for f in tracked)}, %s, %s, '+', %s FROM {table} "
            f"WHERE {pk} BETWEEN %s AND %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM writes it
        with connection.cursor() as cursor:
            for part in frame.select(attnames).iter_slices(INSERT_CHUNK):
                _write(cursor, table, [q(model._meta.get_field(a).column) for a in attnames], part)
                runs = _runs(part[model._meta.pk.attname])
                cursor.executemany(copy_history, [[now, self.reason, self.user_id, *run] for run in runs])
                self._advance(part.height)
        return ids

    def create(self, model, objects: list) -> list:
        created = []
        for part in chunks(objects):
            created += bulk_create_with_history(
                list(part), model, batch_size=CHUNK, default_user=self.ctx.user, default_change_reason=self.reason
            )
            self._advance(len(part))
        return created

    def update(self, model, objects: list, fields: list[str]) -> None:
        for part in chunks(objects):
            bulk_update_with_history(
                list(part), model, fields, batch_size=CHUNK, default_user=self.ctx.user,
                default_change_reason=self.reason,
            )
            self._advance(len(part))

    def delete(self, objects: list) -> None:
        """Deletes one by one so history records each (only for the few rows a re-import removes)."""
        for obj in objects:
            obj._change_reason = self.reason
            obj._history_user = self.ctx.user
            obj.delete()
        self._advance(len(objects))
