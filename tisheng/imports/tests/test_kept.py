"""The commit uses the preview's checked rows only while what they were checked against is unchanged
(``kept.py``); any change in between makes it check the file again, as before."""

import dataclasses

import polars as pl
import pytest

from tisheng.accounts.models import Role
from tisheng.core.idcard import check_character
from tisheng.imports import actions, kept
from tisheng.imports.tests.files import xlsx_bytes
from tisheng.imports.spec import _REGISTRY
from tisheng.imports.tests.helpers import upload
from tisheng.roster import importers
from tisheng.roster.models import ClassMembership, Guardianship, School, SchoolClass, Student

HEADER = ["学籍号", "姓名", "性别", "出生日期", "身份证号", "民族", "年级", "班级", "是否寄宿", "是否留守儿童",
          "监护人姓名", "监护人关系", "监护人电话"]
CARD = "37130220120901001" + check_character("37130220120901001")
ROWS = [
    HEADER,
    ["G" + CARD, "甲", "男", "2012-09-01", CARD, "汉族", "七年级", "1班", "是", "否", "甲父", "父亲",
     "13800000001"],
    ["G900002", "乙", "女", "", "", "", "七年级", "2班", "", "是", "乙母", "母亲", ""],
]


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


@pytest.fixture
def main_school(world):
    return School.objects.get(code="QS01")


@pytest.fixture
def checks(monkeypatch):
    """The file checks run, and the rows each commit received."""
    seen = {"checks": 0, "committed": []}
    original_check, original_commit = actions.check, importers.commit_students

    def counting_check(*args, **kwargs):
        seen["checks"] += 1
        return original_check(*args, **kwargs)

    def recording_commit(frame, ctx):
        seen["committed"].append(frame)
        return original_commit(frame, ctx)

    monkeypatch.setattr(actions, "check", counting_check)
    monkeypatch.setitem(_REGISTRY, "roster.students", dataclasses.replace(importers.STUDENTS, commit=recording_commit))
    return seen


def commit(batch, user):
    assert actions.start_commit(batch, user)
    batch.refresh_from_db()
    return batch


def test_an_unchanged_roster_commits_the_rows_the_preview_checked(principal, main_school, checks):
    batch = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    assert batch.status == "valid" and checks["checks"] == 1
    batch = commit(batch, principal)
    assert (batch.status, batch.created) == ("committed", 2)
    assert checks["checks"] == 1  # not read nor checked a second time
    assert not kept._path(batch.pk).exists()  # used once, then removed
    first = Student.objects.get(student_no="G" + CARD)
    assert (first.name, first.boarding, str(first.birth_date)) == ("甲", True, "2012-09-01")
    assert ClassMembership.objects.filter(student=first, left_on=None).get().school_class.number == 1
    assert Guardianship.objects.get(student=first).guardian.phone == "13800000001"
    # The kept rows are exactly what checking the file now gives (types, nulls, lookups).
    again = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    from tisheng.imports.pipeline import check

    ctx = actions._context(again, principal, again.spec)
    fresh = check(actions._read(again), again.spec, ctx).frame
    kept_frame = checks["committed"][0]
    assert kept_frame.schema == fresh.drop("student_id").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("student_id")).schema
    assert kept_frame.drop("student_id").equals(fresh.drop("student_id"))


def test_a_student_registered_between_preview_and_commit_is_checked_again(principal, main_school, checks):
    """Two files with the same new student, both previewed, then both imported: the second must see the
    student the first created (and update it), not insert it a second time."""
    first = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    renamed = [HEADER, [ROWS[1][0], "甲改", *ROWS[1][2:]]]
    second = upload(principal, "roster.students", xlsx_bytes(renamed), main_school)
    assert first.status == second.status == "valid"
    assert commit(first, principal).status == "committed"
    checks["checks"] = 0
    second = commit(second, principal)
    assert checks["checks"] == 1
    assert (second.status, second.created, second.updated) == ("committed", 0, 1)
    assert Student.objects.get(student_no=ROWS[1][0]).name == "甲改"


def test_a_class_renumbered_between_preview_and_commit_is_checked_again(world, principal, main_school, checks):
    batch = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    klass = SchoolClass.objects.get(school=main_school, academic_year=world.term.academic_year, grade=7, number=2)
    klass.number = 42  # saved through the ORM: a history row, as every change in the application
    klass.save()
    batch = commit(batch, principal)
    assert checks["checks"] == 2
    assert batch.status == "invalid" and [e["key"] for e in batch.errors] == ["unknown_class"]
    assert not Student.objects.filter(student_no="G900002").exists()


def test_any_change_to_a_student_makes_the_commit_check_again(principal, main_school, checks):
    batch = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    someone = Student.objects.filter(school=main_school).first()
    someone.name = "改名"
    someone.save()
    assert commit(batch, principal).status == "committed"
    assert checks["checks"] == 2


def test_a_commit_by_another_user_is_checked_with_that_users_schools(world, principal, main_school, checks):
    batch = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    bureau = world.logins[Role.BUREAU_ADMIN]
    assert commit(batch, bureau).status == "committed"
    assert checks["checks"] == 2


def test_a_failed_recheck_forgets_the_kept_rows(world, principal, main_school, checks):
    batch = upload(principal, "roster.students", xlsx_bytes(ROWS), main_school)
    assert kept._path(batch.pk).exists()
    SchoolClass.objects.filter(school=main_school, academic_year=world.term.academic_year, grade=7, number=2).update(
        number=42)
    actions.recheck(batch)
    batch.refresh_from_db()
    assert batch.status == "invalid" and not kept._path(batch.pk).exists()
