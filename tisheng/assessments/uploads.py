"""From an uploaded score file to an import batch: the file waits (as the user's pending upload) while its
columns are mapped, then goes to the import pipeline with the mapping as the batch's parameters.

    pending = keep(user, data, name)                 # the file, under MEDIA_ROOT, named by its hash
    proposal = propose(data, assessment, paper)      # sheets, header rows, labels, the mapping suggested or remembered
    batch = start(user, assessment, paper, pending, sheet=…, columns=…)   # remembers the mapping, uploads
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tisheng.accounts.scope import Scope
from tisheng.assessments import layouts
from tisheng.assessments.importers import LONG, SCORES, TOTALS, WIDE
from tisheng.assessments.models import Assessment, ColumnMapping, Paper
from tisheng.imports import actions as import_actions
from tisheng.imports.models import ImportBatch
from tisheng.imports.reading import FileProblem, raw_sheets
from tisheng.retention import remove_old_files_soon

PENDING_HOURS = 24


def _dir(user) -> Path:
    return Path(settings.MEDIA_ROOT) / "assessments" / "pending" / str(user.pk)


@dataclass(frozen=True)
class Pending:
    digest: str
    name: str

    def path(self, user) -> Path:
        return _dir(user) / self.digest

    def read(self, user) -> bytes:
        return self.path(user).read_bytes()


def keep(user, data: bytes, name: str) -> Pending:
    """Store the file until its columns are mapped (``remove_old_pending`` removes it after PENDING_HOURS)."""
    folder = _dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    (folder / digest).write_bytes(data)
    (folder / f"{digest}.name").write_text(name[:255], encoding="utf-8")
    remove_old_files_soon()
    return Pending(digest, name)


def pending(user, digest: str) -> Pending | None:
    if not digest.isalnum() or len(digest) != 64:
        return None
    path = _dir(user) / digest
    if not path.exists():
        return None
    name_file = path.with_name(f"{digest}.name")
    return Pending(digest, name_file.read_text(encoding="utf-8") if name_file.exists() else "scores.xlsx")


def remove_old_pending(now) -> int:
    """Remove every user's files that have waited longer than PENDING_HOURS. Returns how many went."""
    root = Path(settings.MEDIA_ROOT) / "assessments" / "pending"
    cutoff = now.timestamp() - PENDING_HOURS * 3600
    old = [path for path in root.glob("*/*") if path.suffix != ".name" and path.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
        path.with_name(f"{path.name}.name").unlink(missing_ok=True)
    return len(old)


def discard(user, item: Pending) -> None:
    item.path(user).unlink(missing_ok=True)
    item.path(user).with_name(f"{item.digest}.name").unlink(missing_ok=True)


@dataclass
class Proposal:
    layout: layouts.Layout
    sheet: layouts.Sheet | None
    kind: str  # WIDE, LONG or TOTALS
    columns: dict[int, str]  # the suggested or remembered mapping
    remembered: bool
    signature: str


def targets(assessment: Assessment, paper: Paper | None) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(items as (position, label), papers as (subject id, name)) the columns can map to."""
    if paper is not None:
        return list(paper.items.order_by("position").values_list("position", "label")), []
    papers = Paper.objects.filter(assessment=assessment, items__isnull=True).select_related("subject")
    return [], [(p.subject_id, p.subject.name) for p in papers]


def propose(data: bytes, assessment: Assessment, paper: Paper | None, sheet_name: str | None = None) -> Proposal:
    """Read the file's headers and propose a mapping. Raises ``FileProblem`` for a file that cannot be read or
    has no recognisable header."""
    _kind, sheets = raw_sheets(data)
    layout = layouts.analyse(sheets)
    if not layout.sheets:
        raise FileProblem("no_header", scan=layouts.HEADER_SCAN_ROWS, expected="学籍号、姓名")
    items, papers = targets(assessment, paper)
    sheet = layout.sheet(sheet_name) if sheet_name is not None else None
    if sheet is None and paper is not None:  # one sheet per subject (智学网 小题得分明细): the paper's
        sheet = next((s for s in layout.sheets if s.name and paper.subject.name in s.name), None)
    sheet = sheet or layout.sheets[0]
    signature = layouts.signature(sheet, items=items, papers=papers)
    remembered = ColumnMapping.objects.filter(district_id=assessment.district_id, signature=signature).first()
    if remembered is not None:
        columns = {int(j): f for j, f in remembered.mapping["columns"].items()}
    else:
        columns = layouts.suggest(sheet, items=items, papers=papers)
    return Proposal(layout, sheet, kind_of(columns, paper), columns, remembered is not None, signature)


def kind_of(columns: dict[int, str], paper: Paper | None) -> str:
    if paper is None:
        return TOTALS
    return LONG if "item_label" in columns.values() else WIDE


@transaction.atomic
def start(user, assessment: Assessment, paper: Paper | None, upload: Pending, *, proposal: Proposal,
          columns: dict[int, str]) -> ImportBatch:
    """Remember the mapping for the layout and hand the file to the import pipeline (checked at once when
    small, else by the task worker); the pending file is removed."""
    ColumnMapping.objects.update_or_create(
        district_id=assessment.district_id, signature=proposal.signature,
        defaults={"mapping": {"columns": {str(j): f for j, f in columns.items()}}, "updated_by": user},
    )
    sheet = proposal.sheet
    params = {
        "assessment": assessment.pk, "paper": paper.pk if paper else None, "layout": kind_of(columns, paper),
        "sheet": sheet.name, "header_rows": sheet.header_rows, "columns": {str(j): f for j, f in columns.items()},
        "labels": {str(j): sheet.labels[j] for j in columns if j < len(sheet.labels)},
    }
    data = upload.read(user)
    district = assessment.district if assessment.school_id is None else None
    batch = import_actions.upload(user, SCORES, upload.name, data, school=assessment.school, district=district,
                                  params=params)
    discard(user, upload)
    return batch


def may_import(user, assessment: Assessment) -> bool:
    """Bureau staff import the bureau's assessments; a school's principal or academic office its own."""
    from tisheng.imports.queries import importable_schools, imports_district_wide

    if assessment.school_id is None:
        return imports_district_wide(user, SCORES) and assessment.district_id in Scope.of(user).district_ids
    return importable_schools(user, SCORES).filter(pk=assessment.school_id).exists()
