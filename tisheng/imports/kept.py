"""The preview's checked rows, kept for the commit while the roster they were checked against is unchanged.

The commit must write exactly what was checked against the database as it is at commit time. Checking again
inside the transaction guarantees that, but reads and checks the whole file a second time (for 100,000
students about as long as the preview itself). So a declaration may list the models its steps look rows up in
(``ImportSpec.reads``); the preview then stores its checked rows beside the upload with a *stamp* of what it
checked against, and the commit, once it holds the write lock, uses those rows only if the stamp it computes
then is the same. Anything else — a student added, a class renamed, a school's name changed, another user
committing, the uploader's schools changed — gives another stamp, and the file is checked again as before.

The stamp of a model is, for its table and its django-simple-history table, the number of rows and the
highest id. Every change made through the application writes a history row (the house rule for these tables),
so the history table's row count grows with each change; the highest id alone would not do on PostgreSQL,
where ids are taken before commit and may become visible out of order. Inserts and deletions that bypass
history still change the main table's count or highest id. The preview takes the stamp *before* it reads, so a
change that lands during the check makes the stamps differ rather than slip through.
"""

import hashlib
import json
import os
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection

from tisheng.imports.pipeline import Checked
from tisheng.imports.spec import ImportContext, ImportSpec


def _path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "checked" / f"{batch_id}.parquet"


def stamp(spec: ImportSpec, ctx: ImportContext, sha256: str) -> str | None:
    """A digest of everything a check of this file by this user reads from the database; None when the
    declaration does not list what its steps read (its commit always checks again)."""
    if not spec.reads:
        return None
    term = ctx.term
    parts: list = [
        spec.kind, sha256, dict(ctx.params), getattr(ctx.user, "pk", None),
        [term.pk, term.academic_year_id] if term is not None else None,
        getattr(ctx.school, "pk", None),
        [[s.pk, s.code, s.name, s.district_id, s.central_school_id] for s in ctx.schools],
    ]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in spec.reads:
            for table in (model, model.history.model):
                cursor.execute(f"SELECT COUNT(*), MAX({q(table._meta.pk.column)}) FROM {q(table._meta.db_table)}")
                parts.append([table._meta.db_table, *cursor.fetchone()])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def store(batch_id: int, checked: Checked, ctx: ImportContext, at: str | None) -> None:
    """Store a faultless check's rows with the stamp ``at`` (taken before the check)."""
    if at is None or ctx.error_count or checked.frame is None:
        return
    path = _path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    checked.frame.write_parquet(temporary, metadata={
        "tisheng_stamp": at,
        "tisheng_context": json.dumps({"present": sorted(ctx.present), "labels": ctx.labels}),
    })
    os.replace(temporary, path)


def load(batch_id: int, spec: ImportSpec, ctx: ImportContext, sha256: str) -> Checked | None:
    """The preview's rows when the database still stamps as it did then (call it holding the write lock);
    else None, and the file must be checked again."""
    path = _path(batch_id)
    if not spec.reads or not path.exists():
        return None
    metadata = pl.read_parquet_metadata(path)
    if metadata.get("tisheng_stamp") != stamp(spec, ctx, sha256):
        return None
    kept = json.loads(metadata["tisheng_context"])
    ctx.present = frozenset(kept["present"])
    ctx.labels = kept["labels"]
    ctx.headers = {c.name: c.header for c in spec.columns}
    return Checked(pl.read_parquet(path), None)


def discard(batch_id: int) -> None:
    _path(batch_id).unlink(missing_ok=True)
