"""Writing millions of score rows fast: COPY on PostgreSQL, executemany in big batches on SQLite.

``Model.objects.bulk_create`` builds a Python object per row and an INSERT with a placeholder per value;
for the 2.5 million item scores of one district paper that is minutes. Here a Polars frame goes to the
database as it is: on PostgreSQL as tab-separated text through ``COPY … FROM STDIN`` (psycopg 3), elsewhere
through the DB-API ``executemany`` in batches of ``BATCH`` rows. Both run on Django's connection, inside the
caller's transaction.
"""

from collections.abc import Callable

import polars as pl
from django.db import connection

BATCH = 200_000


def insert_frame(model, frame: pl.DataFrame, progress: Callable[[int], None] = lambda n: None) -> int:
    """Insert every row of ``frame`` into ``model``'s table; the frame's columns are the table's column names."""
    if frame.is_empty():
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, frame.height, BATCH):
                    part = frame.slice(start, BATCH)
                    copy.write(part.write_csv(separator="\t", include_header=False, null_value="\\N",
                                              quote_style="never").encode())
                    progress(part.height)
        else:
            marks = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            for start in range(0, frame.height, BATCH):
                part = frame.slice(start, BATCH)
                cursor.executemany(sql, part.iter_rows())
                progress(part.height)
    return frame.height


def delete_where(model, **equals) -> None:
    """``DELETE FROM table WHERE a = %s AND …`` without Django's collector (which would load every row to
    look for related objects; the callers have dealt with those)."""
    table = connection.ops.quote_name(model._meta.db_table)
    where = " AND ".join(f"{connection.ops.quote_name(model._meta.get_field(k).column)} = %s" for k in equals)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", list(equals.values()))


def read_frame(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The result of one query as a Polars frame with ``schema`` (the query's columns, in order).

    PostgreSQL sends it as CSV through ``COPY (query) TO STDOUT``, which Polars parses natively; elsewhere
    the rows are fetched in batches of ``BATCH`` and turned into frames column by column.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            query = raw.mogrify(sql, params) if params else sql
            buffer = bytearray()
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer += block
            if not buffer:
                return pl.DataFrame(schema=schema)
            text_schema = {name: (pl.String if dtype == pl.Boolean else dtype) for name, dtype in schema.items()}
            frame = pl.read_csv(bytes(buffer), has_header=False, schema=text_schema)
            return frame.with_columns(
                (pl.col(name) == "t").alias(name) for name, dtype in schema.items() if dtype == pl.Boolean
            )
        cursor.execute(sql, params)
        parts = []
        while rows := cursor.fetchmany(BATCH):
            parts.append(pl.DataFrame(rows, schema=schema, orient="row", strict=False))
        return pl.concat(parts) if parts else pl.DataFrame(schema=schema)
