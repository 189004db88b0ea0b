"""Live progress of a running import, for the progress bar.

The commit runs in one database transaction, and what a transaction writes is invisible to other
connections until it ends (on SQLite the writer even holds the only write lock). So the worker reports
progress through a small file next to the uploads, which the polled page reads; ``ImportBatch.processed_rows``
keeps the count reached when a phase ends. The file's time stamp doubles as a heartbeat: a batch whose
worker died shows as interrupted and can be run again (the transaction rolled back, so nothing was written).
"""

import json
import os
import time
from pathlib import Path

from django.conf import settings

STALE_SECONDS = 600  # no sign of life for this long: the worker is gone


def _path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{batch_id}.json"


def write(batch_id: int, phase: str, done: int, total: int) -> None:
    path = _path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"phase": phase, "done": done, "total": total, "at": time.time()}))
    os.replace(temporary, path)


def read(batch_id: int) -> dict | None:
    try:
        return json.loads(_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


def clear(batch_id: int) -> None:
    _path(batch_id).unlink(missing_ok=True)


class Reporter:
    """``ctx.progress``: writes at most twice a second, and always the last step of a phase."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self._last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= 0.5:
            self._last = now
            write(self.batch_id, phase, done, total)


def is_stale(batch) -> bool:
    """A running batch with no sign of life for ``STALE_SECONDS``."""
    if not batch.is_running:
        return False
    state = read(batch.pk)
    last = max(state["at"] if state else 0.0, batch.updated_at.timestamp())
    return time.time() - last > STALE_SECONDS
