"""Which Ibis backend runs the core's expressions.

The analysis functions in ``tisheng.core`` (``exam_stats``, ``items``, ``levels``, ``attention``) take Ibis
table expressions and return Ibis table expressions. They compute nothing until an expression is executed on
a backend, so one function serves any backend Ibis supports. By default that is an embedded, in-memory DuckDB
(fast, nothing to install or run); the Django side may hand over a PostgreSQL URL instead.

Typical use::

    con = engine.get_backend()                      # in-memory DuckDB
    scores = engine.load(con, "scores", polars_df)  # Polars / Arrow / pandas -> Ibis table (a copy)
    items = engine.register(con, "items", big_df)   # or scanned in place, no copy (DuckDB)
    stats = exam_stats.score_stats(scores, by=[(), ("school",)])
    df = engine.to_polars(con, stats)              # Polars out (or engine.to_arrow)

Portability notes (why the core is written the way it is):

* rates are written ``ifelse(cond, 1, 0).cast("float64").mean()``: on PostgreSQL ``(x >= 60).mean()`` would
  come back as NUMERIC;
* DuckDB 2.0 removed ``fetch_arrow_table``; use :func:`to_arrow` / :func:`to_polars`;
* DuckDB extensions that download (postgres_scanner, excel, httpfs) fail offline, so none is loaded here.
"""

from __future__ import annotations

import itertools
from typing import Any

import ibis
import polars as pl
import pyarrow as pa
from ibis.backends import BaseBackend

_counter = itertools.count()


def get_backend(
    url: str | None = None,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    keep_order: bool = False,
) -> BaseBackend:
    """A new backend connection: in-memory DuckDB when ``url`` is None, else ``ibis.connect(url)``.

    DuckDB settings (ignored for other backends): ``threads``, ``memory_limit`` (e.g. ``"4GB"``) and
    ``keep_order`` (DuckDB's ``preserve_insertion_order``). It is off by default: the core's results have no
    row order unless an expression asks for one (``order_by``), as in SQL, and DuckDB is faster and needs
    less memory when it need not keep the input order. Each call returns a new, independent connection (no
    module-level connection is kept).
    """
    if url is None:
        config: dict[str, Any] = {"preserve_insertion_order": keep_order}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        return ibis.duckdb.connect(**config)
    return ibis.connect(url)


def load(backend: BaseBackend, name: str | None, data: Any, *, temp: bool = True) -> ibis.Table:
    """Copy a Polars DataFrame, Arrow table or pandas DataFrame into ``backend`` as table ``name``.

    Returns the Ibis table. ``temp=True`` (default) makes a temporary table that disappears with the
    connection. Use :func:`memtable` instead when the data should not be copied.
    """
    if name is None:
        name = f"tisheng_{next(_counter)}"
    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    return backend.create_table(name, data, temp=temp, overwrite=True)


def register(backend: BaseBackend, name: str, data: Any) -> ibis.Table:
    """Make in-memory data queryable as table ``name`` without copying it, where the backend can.

    On DuckDB an Arrow table (a Polars DataFrame is converted to Arrow, mostly zero-copy) is registered as
    a view that DuckDB scans in place: no load time, and the data stay owned by the caller, who must keep
    them alive while the table is used. Other backends fall back to :func:`load` (a copy).
    """
    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    if backend.name != "duckdb":
        return load(backend, name, data)
    if isinstance(data, pl.DataFrame):
        data = data.to_arrow()
    backend.con.register(name, data)
    return backend.table(name)


def memtable(data: Any) -> ibis.Table:
    """Wrap in-memory data as an Ibis table without binding it to a backend.

    DuckDB scans an Arrow-backed memtable in place (zero copy); other backends receive it on execution.
    """
    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    return ibis.memtable(data)


def to_polars(backend: BaseBackend, expr: ibis.Table) -> pl.DataFrame:
    """Execute ``expr`` on ``backend`` and return a Polars DataFrame."""
    return backend.to_polars(expr)


def to_arrow(backend: BaseBackend, expr: ibis.Table) -> pa.Table:
    """Execute ``expr`` on ``backend`` and return an Arrow table."""
    return backend.to_pyarrow(expr)
