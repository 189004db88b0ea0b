"""Every state change of an import batch. The commit writes its audit entry in the same transaction."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.imports import kept, progress
from tisheng.imports.models import ImportBatch
from tisheng.imports.pipeline import check
from tisheng.imports.queries import importable_schools
from tisheng.imports.spec import ImportContext, ImportSpec
from tisheng.imports.writing import large_transaction
from tisheng.retention import remove_old_files_soon
from tisheng.roster.models import Term

logger = logging.getLogger(__name__)

# Files up to this size are checked while the user waits; larger ones by the task worker.
INLINE_BYTES = 512 * 1024

Status = ImportBatch.Status


def upload(user, spec: ImportSpec, name: str, data: bytes, school=None, district=None, params=None) -> ImportBatch:
    """Store the file as a new batch and check it (at once when small, else in the background). ``params``
    say what the batch is for, when the declaration's columns depend on it (``ImportSpec.columns_for``)."""
    digest = hashlib.sha256(data).hexdigest()
    batch = ImportBatch(
        kind=spec.kind, file_name=name[:255], sha256=digest, size=len(data), uploaded_by=user,
        district=school.district if school is not None else district, school=school, term=Term.current(),
        params=params or {},
    )
    batch.file.save(digest, ContentFile(data), save=False)
    batch.save()
    remove_old_files_soon()
    recheck(batch)
    batch.refresh_from_db()
    return batch


def recheck(batch: ImportBatch) -> None:
    """Check the batch's file now when it is small, else queue the check for the task worker."""
    from tisheng.imports.tasks import validate_import

    if batch.size <= INLINE_BYTES:
        validate_batch(batch.pk)
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(status=Status.VALIDATING, updated_at=timezone.now())
        validate_import.enqueue(batch.pk)


def _context(batch: ImportBatch, user, spec: ImportSpec) -> ImportContext:
    schools = list(importable_schools(user, spec)) if user is not None else []
    return ImportContext(
        user=user,
        term=batch.term,
        school=batch.school if batch.school_id in {s.pk for s in schools} else None,
        schools=schools,
        batch_id=batch.pk,
        params=batch.params,
        progress=progress.Reporter(batch.pk),
    )


def _read(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as handle:
        return handle.read()


def _store_outcome(batch: ImportBatch, ctx: ImportContext, checked) -> None:
    batch.errors = ctx.errors
    batch.error_count = ctx.error_count
    if checked.preview is not None:
        batch.preview = checked.preview
    batch.total_rows = checked.rows
    batch.processed_rows = checked.rows


def validate_batch(batch_id: int) -> None:
    """Check the file against the declaration and the database as they are now. Never writes roster data."""
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.UPLOADED, Status.VALIDATING, Status.INVALID, Status.VALID, Status.FAILED],
        file_removed_at__isnull=True,
    ).update(status=Status.VALIDATING, updated_at=timezone.now())
    if not claimed:
        return
    batch = ImportBatch.objects.select_related("school", "term__academic_year", "uploaded_by").get(pk=batch_id)
    try:
        kept.discard(batch_id)  # rows kept by an earlier check are stale from now on
        spec = batch.spec
        ctx = _context(batch, batch.uploaded_by, spec)
        stamp = kept.stamp(spec, ctx, batch.sha256)  # before the check reads: see kept.py
        checked = check(_read(batch), spec, ctx)
        _store_outcome(batch, ctx, checked)
        kept.store(batch.pk, checked, ctx, stamp)
        batch.status = Status.INVALID if ctx.error_count else Status.VALID
        batch.save()
    except Exception:
        logger.exception("import %s: checking failed", batch_id)
        _fail(batch_id)
    finally:
        progress.clear(batch_id)


def start_commit(batch: ImportBatch, user) -> bool:
    """Queue the commit of a valid batch, or run again one whose worker died. False when neither applies."""
    from tisheng.imports.tasks import commit_import

    if batch.status == Status.VALID:
        started = ImportBatch.objects.filter(pk=batch.pk, status=Status.VALID).update(
            status=Status.COMMITTING, committed_by=user, updated_at=timezone.now()
        )
    else:
        started = batch.status == Status.COMMITTING and progress.is_stale(batch)
        if started:
            ImportBatch.objects.filter(pk=batch.pk).update(committed_by=user, updated_at=timezone.now())
    if started:
        commit_import.enqueue(batch.pk)
    return bool(started)


def commit_batch(batch_id: int) -> None:
    """Check the file again and write it, all in one transaction: on any error nothing is written. When
    nothing the preview's check read has changed since (same stamp, taken here under the write lock), the
    rows it checked are written instead of checking the file a second time (``kept.py``).

    Running it twice is harmless: a batch already committed is left alone, and a run interrupted by a crash
    was rolled back, so the next run starts from scratch.
    """
    try:
        with large_transaction(), transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("school", "term__academic_year", "committed_by", "uploaded_by")
                .get(pk=batch_id)
            )
            if batch.status != Status.COMMITTING:
                return
            spec = batch.spec
            user = batch.committed_by or batch.uploaded_by
            ctx = _context(batch, user, spec)
            checked = kept.load(batch.pk, spec, ctx, batch.sha256) or check(_read(batch), spec, ctx)
            _store_outcome(batch, ctx, checked)
            if ctx.error_count:
                batch.status = Status.INVALID  # the database changed since the check: nothing is written
                batch.save()
                return
            counts = spec.commit(checked.frame, ctx)
            batch.created, batch.updated, batch.unchanged = counts.created, counts.updated, counts.unchanged
            batch.status = Status.COMMITTED
            batch.committed_at = timezone.now()
            batch.save()
            record(
                user, AuditEvent.Action.IMPORT,
                f"{spec.label}: {batch.file_name} · {checked.rows}",
                school=batch.school, batch=batch.pk, kind=batch.kind, sha256=batch.sha256, rows=checked.rows,
                created=counts.created, updated=counts.updated, unchanged=counts.unchanged,
            )
    except Exception:
        logger.exception("import %s: commit failed", batch_id)
        _fail(batch_id)
    finally:
        kept.discard(batch_id)
        progress.clear(batch_id)


def _fail(batch_id: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=Status.FAILED, error_count=1, updated_at=timezone.now(),
        errors=[{"row": None, "sheet": None, "column": None, "key": "internal", "params": {"batch": batch_id}}],
    )


def remove_old_files(before, now) -> int:
    """Remove the uploaded files of batches untouched since ``before``, with what was copied from them: the
    rows kept for the commit, the preview's first rows and the errors (they quote cells). The ledger stays
    (file name and hash, who, when, counts, result). A batch not imported by then cannot be any more: it says
    why. Returns how many files went."""
    old = ImportBatch.objects.filter(updated_at__lt=before, file_removed_at__isnull=True).exclude(file="")
    removed = 0
    for pk in old.values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and asked again: a commit started meanwhile has touched the batch, and keeps its file.
            batch = old.select_for_update().filter(pk=pk).first()
            if batch is None:
                continue
            # The preview keeps its columns (headers as written) and loses its rows.
            changes = {"file": "", "file_removed_at": now, "preview": {**batch.preview, "rows": []}}
            if batch.status != Status.COMMITTED:
                changes.update(status=Status.INVALID, error_count=1, errors=[
                    {"row": None, "sheet": None, "column": None, "key": "file_removed", "params": {}}
                ])
            ImportBatch.objects.filter(pk=pk).update(**changes)
            # Should the commit fail after this, the next run finds the batch again and finishes.
            batch.file.delete(save=False)
            kept.discard(pk)
        removed += 1
    return removed
