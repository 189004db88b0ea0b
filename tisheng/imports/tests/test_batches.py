"""The ledger and the background path: tasks, one transaction, a crash, a dead worker, a second run."""

import hashlib
import time
from types import SimpleNamespace
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tisheng.accounts.models import Role
from tisheng.audit.models import AuditEvent
from tisheng.imports import actions, progress
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import csv_bytes
from tisheng.imports.tests.helpers import messages, run_import, upload
from tisheng.roster import importers
from tisheng.roster.models import ClassMembership, School, SchoolClass, Student

HEADER = ["学籍号", "姓名", "性别", "年级", "班级"]
ROWS = [HEADER, ["G900001", "甲", "男", "七年级", "1班"], ["G900002", "乙", "女", "七年级", "2班"]]


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


@pytest.fixture
def main_school(world):
    return School.objects.get(code="QS01")


def test_the_ledger_keeps_file_hash_who_counts_and_result(world, principal, main_school, media):
    data = csv_bytes(ROWS)
    batch = run_import(principal, "roster.students", data, main_school)
    assert batch.sha256 == hashlib.sha256(data).hexdigest() and batch.size == len(data)
    assert (batch.uploaded_by, batch.committed_by, batch.school, batch.district, batch.term) == (
        principal, principal, main_school, main_school.district, world.term)
    assert (batch.status, batch.total_rows, batch.processed_rows, batch.created) == ("committed", 2, 2, 2)
    assert batch.committed_at is not None
    stored = Path(batch.file.path)
    assert stored.read_bytes() == data and str(stored).startswith(str(media))
    assert batch.preview["columns"][0] == {"field": "student_no", "header": "学籍号"}
    assert AuditEvent.objects.filter(action="import", detail__batch=batch.pk).count() == 1


def test_a_big_file_is_checked_by_the_task_worker(principal, main_school, monkeypatch, media):
    from django.tasks.signals import task_enqueued

    monkeypatch.setattr(actions, "INLINE_BYTES", 0)
    enqueued = []

    def seen(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args))

    task_enqueued.connect(seen)
    try:
        batch = upload(principal, "roster.students", csv_bytes(ROWS), main_school)
    finally:
        task_enqueued.disconnect(seen)
    assert enqueued == [("validate_import", [batch.pk])] and batch.status == "valid"


def test_committing_twice_writes_once(principal, main_school, media):
    batch = run_import(principal, "roster.students", csv_bytes(ROWS), main_school)
    actions.commit_batch(batch.pk)  # e.g. the task delivered a second time
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("committed", 2)
    assert Student.objects.filter(student_no__in=["G900001", "G900002"]).count() == 2
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_a_crash_in_the_middle_of_the_commit_leaves_nothing_written(principal, main_school, monkeypatch, media):
    original = importers.Writer.insert

    def crash_after_students(self, model, rows):
        created = original(self, model, rows)
        if model is ClassMembership:  # the students are written by now
            raise RuntimeError("disk full")
        return created

    monkeypatch.setattr(importers.Writer, "insert", crash_after_students)
    batch = run_import(principal, "roster.students", csv_bytes(ROWS), main_school)
    assert batch.status == "failed" and [e["key"] for e in batch.errors] == ["internal"]
    assert not Student.objects.filter(student_no__in=["G900001", "G900002"]).exists()
    assert messages(batch)[0].startswith("||")
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_batch_left_committing_by_a_dead_worker_can_run_again(principal, main_school, monkeypatch, media):
    from tisheng.imports import tasks

    batch = upload(principal, "roster.students", csv_bytes(ROWS), main_school)
    monkeypatch.setattr(tasks, "commit_import", SimpleNamespace(enqueue=lambda *a: None))  # the worker dies
    assert actions.start_commit(batch, principal)
    batch.refresh_from_db()
    assert batch.status == "committing" and not progress.is_stale(batch)
    assert not actions.start_commit(batch, principal)  # not while it may still be running
    monkeypatch.undo()
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    progress.write(batch.pk, "writing", 1, 2)
    batch.refresh_from_db()
    assert not progress.is_stale(batch)  # a recent heartbeat in the progress file
    progress.clear(batch.pk)
    assert progress.is_stale(batch)
    assert actions.start_commit(batch, principal)
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.created == 2


def test_data_that_changed_since_the_check_is_checked_again_before_writing(world, principal, main_school, media):
    extra = SchoolClass.objects.create(school=main_school, academic_year=world.term.academic_year, grade=7, number=40)
    rows = [HEADER, ["G900001", "甲", "男", "七年级", "40班"]]
    batch = upload(principal, "roster.students", csv_bytes(rows), main_school)
    assert batch.status == "valid"
    extra.delete()
    actions.start_commit(batch, principal)
    batch.refresh_from_db()
    assert batch.status == "invalid" and [e["key"] for e in batch.errors] == ["unknown_class"]
    assert not Student.objects.filter(student_no="G900001").exists()


def test_progress_is_written_at_most_twice_a_second_and_always_at_the_end(media):
    report = progress.Reporter(123)
    report("writing", 1, 100)
    first = progress.read(123)
    report("writing", 2, 100)
    assert progress.read(123) == first
    report("writing", 100, 100)
    assert progress.read(123)["done"] == 100 and progress.read(123)["at"] <= time.time()
    progress.clear(123)
    assert progress.read(123) is None


def test_a_recheck_after_creating_the_missing_class_makes_the_batch_valid(world, principal, main_school, media):
    rows = [HEADER, ["G900001", "甲", "男", "七年级", "41班"]]
    batch = upload(principal, "roster.students", csv_bytes(rows), main_school)
    assert batch.status == "invalid"
    SchoolClass.objects.create(school=main_school, academic_year=world.term.academic_year, grade=7, number=41)
    actions.recheck(batch)
    batch.refresh_from_db()
    assert batch.status == "valid" and batch.errors == [] and batch.error_count == 0
