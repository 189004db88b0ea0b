"""Files holding pupils' personal data go after the retention period; the records of who did what stay."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.models import Role
from tisheng.assessments import uploads
from tisheng.audit.models import AuditEvent
from tisheng.imports import actions as import_actions
from tisheng.imports import kept
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import csv_bytes
from tisheng.imports.tests.helpers import run_import, upload
from tisheng.reports import actions as report_actions
from tisheng.reports.models import Report
from tisheng.retention import remove_old_files
from tisheng.roster.models import School

ROWS = [["学籍号", "姓名", "性别", "年级", "班级"], ["G900001", "甲", "男", "七年级", "1班"]]
BAD_ROWS = [["学籍号", "姓名", "性别", "年级", "班级"], ["G900002", "乙", "男", "七年级", "99班"]]
DAYS = 30


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_RETENTION_DAYS = DAYS
    return settings.MEDIA_ROOT


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


@pytest.fixture
def school(world):
    return School.objects.get(code="QS01")


def age(model, pk, days):
    """As if the object's work ended ``days`` ago."""
    then = timezone.now() - timedelta(days=days)
    fields = {"updated_at": then} if model is ImportBatch else {"finished_at": then}
    model.objects.filter(pk=pk).update(**fields)


def made_report(user, school) -> Report:
    report = Report.objects.create(kind="roster.school_overview", format="pdf", requested_by=user,
                                   parameters={"school": school.pk},
                                   district=school.district, school=school, status=Report.Status.DONE,
                                   finished_at=timezone.now())
    report.file.save(f"{report.pk}.pdf", ContentFile(b"%PDF-1.7 names and scores"), save=True)
    return report


def test_an_imported_file_goes_after_the_period_and_its_ledger_stays(principal, school):
    batch = run_import(principal, "roster.students", csv_bytes(ROWS), school)
    stored = Path(batch.file.path)
    assert batch.status == "committed" and stored.exists() and batch.preview["rows"]
    age(ImportBatch, batch.pk, DAYS + 1)

    assert remove_old_files()["imports"] == 1
    batch.refresh_from_db()
    assert not stored.exists() and not batch.file and batch.file_removed_at is not None
    assert batch.preview["rows"] == [] and batch.preview["columns"][0]["header"] == "学籍号"
    assert (batch.status, batch.created, batch.sha256, batch.uploaded_by) == (
        "committed", 1, batch.sha256, principal)
    assert remove_old_files()["imports"] == 0  # once


def test_a_file_within_the_period_or_being_worked_on_stays(principal, school):
    recent = run_import(principal, "roster.students", csv_bytes(ROWS), school)
    age(ImportBatch, recent.pk, DAYS - 1)
    assert remove_old_files()["imports"] == 0
    assert Path(recent.file.path).exists()


def test_a_file_never_imported_goes_too_and_the_batch_says_why(principal, school, client_for):
    valid = upload(principal, "roster.students", csv_bytes(ROWS), school)
    invalid = upload(principal, "roster.students", csv_bytes(BAD_ROWS), school, name="坏.csv")
    assert (valid.status, invalid.status) == ("valid", "invalid")
    assert invalid.errors[0]["params"]  # the errors quote the file's cells
    kept_rows = kept._path(valid.pk)
    assert kept_rows.exists()
    for batch in (valid, invalid):
        age(ImportBatch, batch.pk, DAYS + 1)

    assert remove_old_files()["imports"] == 2
    for batch in (valid, invalid):
        batch.refresh_from_db()
        assert (batch.status, batch.error_count, [e["key"] for e in batch.errors]) == (
            "invalid", 1, ["file_removed"])
    assert not kept_rows.exists()
    assert not import_actions.start_commit(valid, principal)
    import_actions.validate_batch(valid.pk)  # checking again has no file to read: nothing happens
    valid.refresh_from_db()
    assert valid.status == "invalid"

    page = client_for(Role.PRINCIPAL).get(reverse("imports:detail", args=[valid.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200 and "此文件未导入，现已删除" in html
    assert reverse("imports:recheck", args=[valid.pk]) not in html
    assert reverse("imports:upload") in html


def test_a_made_report_goes_after_the_period_and_can_be_made_again(principal, school, client_for):
    report = made_report(principal, school)
    stored = Path(report.file.path)
    age(Report, report.pk, DAYS + 1)

    assert remove_old_files()["reports"] == 1
    report.refresh_from_db()
    assert not stored.exists() and not report.file and report.file_removed_at and report.may_run_again
    client = client_for(Role.PRINCIPAL)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    listing = client.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert reverse("reports:run_again", args=[report.pk]) in listing
    assert reverse("reports:download", args=[report.pk]) not in listing

    assert report_actions.run_again(report)
    report.refresh_from_db()
    assert (report.status, report.file_removed_at) == ("done", None) and Path(report.file.path).exists()


def test_exam_files_waiting_for_their_columns_go_after_a_day(principal, world):
    other = world.logins[Role.HEAD_TEACHER]
    waiting = uploads.keep(principal, b"scores", "成绩.xlsx")
    stale = uploads.keep(other, b"old scores", "旧成绩.xlsx")
    day_ago = (timezone.now() - timedelta(hours=uploads.PENDING_HOURS + 1)).timestamp()
    os.utime(stale.path(other), (day_ago, day_ago))
    assert remove_old_files()["pending"] == 1
    assert waiting.path(principal).exists() and not stale.path(other).exists()
    assert uploads.pending(other, stale.digest) is None


def test_one_audit_event_says_what_went_and_the_command_runs(principal, school, capsys, client_for):
    batch = run_import(principal, "roster.students", csv_bytes(ROWS), school)
    age(ImportBatch, batch.pk, DAYS + 1)
    age(Report, made_report(principal, school).pk, DAYS + 1)
    call_command("remove_old_files")
    assert "imports: 1, reports: 1, pending: 0" in capsys.readouterr().out
    event = AuditEvent.objects.get(action=AuditEvent.Action.FILES_REMOVED)
    assert (event.actor, event.detail) == (None, {"days": DAYS, "imports": 1, "reports": 1, "pending": 0})
    call_command("remove_old_files")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FILES_REMOVED).count() == 1  # nothing, no event
    page = client_for(Role.BUREAU_ADMIN).get(reverse("audit:event_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "删除过期文件" in page.content.decode() and event.summary in page.content.decode()


def test_an_upload_queues_the_removal(principal, school, django_capture_on_commit_callbacks):
    old = run_import(principal, "roster.students", csv_bytes(ROWS), school)
    age(ImportBatch, old.pk, DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):  # the test backend runs the task at once
        upload(principal, "roster.students", csv_bytes(BAD_ROWS), school)
    old.refresh_from_db()
    assert old.file_removed_at is not None


def test_a_commit_started_meanwhile_keeps_its_file(principal, school, monkeypatch):
    """The removal picks its batches, then locks each and asks again: one that a user started to import in
    between (start_commit touches the batch) keeps its file and its state."""
    batch = upload(principal, "roster.students", csv_bytes(ROWS), school)
    age(ImportBatch, batch.pk, DAYS + 1)
    atomic = import_actions.transaction.atomic

    class UserClicksImportFirst:
        @staticmethod
        def atomic(*args, **kwargs):
            ImportBatch.objects.filter(pk=batch.pk).update(status="committing", updated_at=timezone.now())
            return atomic(*args, **kwargs)

    monkeypatch.setattr(import_actions, "transaction", UserClicksImportFirst)
    assert remove_old_files()["imports"] == 0
    batch.refresh_from_db()
    assert (batch.status, batch.file_removed_at) == ("committing", None) and Path(batch.file.path).exists()
    assert kept._path(batch.pk).exists()
