"""Helpers for a declaration's commit: bulk writes that keep django-simple-history, in chunks, with progress.

A commit first works out everything it will write (in memory, from the validated frame and a few bulk
reads), tells the ``Writer`` how many objects that is, and then writes. Per-row ``save()`` would cost a
query (and a history query) per row; 100,000 students must import in well under a minute.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tisheng.imports.spec import ImportContext

CHUNK = 5000


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def in_chunks(queryset, field: str, values: Iterable, size: int = CHUNK):
    """``queryset.filter(<field>__in=values)`` without exceeding the database's limit on query parameters."""
    values = list(values)
    for part in chunks(values, size):
        yield from queryset.filter(**{f"{field}__in": part})


def effective_date(term, today: date | None = None) -> date:
    """The day a change takes effect: today, kept within the term (an import before the term starts dates
    from its first day)."""
    today = today or date.today()
    if term is None:
        return today
    return min(max(today, term.start_date), term.end_date)


class Writer:
    def __init__(self, ctx: ImportContext, planned: int):
        self.ctx = ctx
        self.planned = max(planned, 1)
        self.done = 0
        self.reason = f"import #{ctx.batch_id}" if ctx.batch_id else "import"
        ctx.progress("writing", 0, self.planned)

    def _advance(self, n: int) -> None:
        self.done += n
        self.ctx.progress("writing", min(self.done, self.planned), self.planned)

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
