"""Running an import end to end in tests, as the pages do: upload (checked at once), then commit."""

import pytest

from tisheng.imports import actions
from tisheng.imports.models import ImportBatch
from tisheng.imports.problems import shown_errors
from tisheng.imports.spec import get_spec


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(user, kind: str, data: bytes, school=None, name: str = "名单.xlsx") -> ImportBatch:
    from tisheng.accounts.scope import Scope
    from tisheng.roster.models import District

    district = school.district if school is not None else District.objects.get(pk=min(Scope.of(user).district_ids))
    return actions.upload(user, get_spec(kind), name, data, school=school, district=district)


def run_import(user, kind: str, data: bytes, school=None) -> ImportBatch:
    """Upload and, when the file is valid, commit (the ImmediateBackend runs the task at once)."""
    batch = upload(user, kind, data, school)
    if batch.status == ImportBatch.Status.VALID:
        assert actions.start_commit(batch, user)
        batch.refresh_from_db()
    return batch


def messages(batch: ImportBatch) -> list[str]:
    """Each error as the viewer reads it: "row|column|message"."""
    return [f"{e.row}|{e.column}|{e.message}" for e in shown_errors(batch)]
