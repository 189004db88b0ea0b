"""Importing teachers: person, subjects, title and honour, what they teach this term, and head teachers."""

import pytest
from django.utils import translation

from tisheng.accounts.models import Role
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import csv_bytes
from tisheng.imports.tests.helpers import media, messages, run_import  # noqa: F401 - fixture
from tisheng.roster.models import HeadTeacher, School, SchoolClass, Teacher, TeachingAssignment

pytestmark = pytest.mark.usefixtures("media")

HEADER = ["工号", "姓名", "性别", "联系电话", "学科", "职称", "荣誉", "任教班级", "班主任班级"]


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


@pytest.fixture
def main_school(world):
    return School.objects.get(code="QS01")


def klass(school, term, grade, number):
    return SchoolClass.objects.get(school=school, academic_year=term.academic_year, grade=grade, number=number)


def test_a_new_teacher_with_subjects_classes_and_a_class_to_lead(world, principal, main_school):
    rows = [HEADER, ["T900", "新老师", "女", "13900000000", "数学", "中学一级教师", "市级骨干教师", "七年级1班、七(2)班",
                     "七年级2班"]]
    batch = run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    assert (batch.created, batch.updated, batch.unchanged) == (1, 0, 0)
    teacher = Teacher.objects.get(staff_no="T900")
    assert (teacher.person.name, teacher.person.sex, teacher.title, teacher.honour) == ("新老师", "F", "first", "backbone")
    assert list(teacher.subjects.values_list("name", flat=True)) == ["数学"]
    taught = TeachingAssignment.objects.filter(teacher=teacher, term=world.term)
    assert {(a.school_class.number, a.subject.name) for a in taught} == {(1, "数学"), (2, "数学")}
    head = HeadTeacher.objects.get(school_class=klass(main_school, world.term, 7, 2), term=world.term)
    assert head.teacher == teacher  # the class's previous head teacher record was handed over


def test_reimport_replaces_this_terms_classes_and_counts_unchanged(world, principal, main_school):
    rows = [HEADER, ["T900", "新老师", "女", None, "语文、道德与法治", "一级教师", None,
                     "语文:七年级1班、道德与法治:七年级3班", None]]
    run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    again = run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    rows[1][7] = "语文:七年级2班"
    changed = run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    assert changed.updated == 1
    teacher = Teacher.objects.get(staff_no="T900")
    taught = TeachingAssignment.objects.filter(teacher=teacher, term=world.term)
    assert [(a.school_class.number, a.subject.name) for a in taught] == [(2, "语文")]
    assert TeachingAssignment.history.filter(teacher_id=teacher.pk, history_type="-").count() == 2


def test_moving_a_head_teacher_removes_the_old_record(world, principal, main_school):
    rows = [HEADER, ["T900", "新老师", "女", None, "数学", None, None, "七年级1班", "七年级1班"]]
    run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    rows[1][8] = "七年级3班"
    run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    teacher = Teacher.objects.get(staff_no="T900")
    assert list(HeadTeacher.objects.filter(teacher=teacher, term=world.term).values_list(
        "school_class__number", flat=True)) == [3]
    assert not HeadTeacher.objects.filter(school_class=klass(main_school, world.term, 7, 1), term=world.term).exists()


def test_teacher_problems_are_named(principal, main_school):
    rows = [HEADER,
            ["T901", "甲", "男", None, "数学、物里", "特级", None, "七年级1班", None],
            ["T902", "乙", "男", None, "语文、数学", None, None, "七年级1班", None],
            ["T903", "丙", "男", None, "数学", None, None, "3班、七年级30班", "七年级2班"],
            ["T904", "丁", "女", None, "数学", None, None, None, "七年级2班"]]
    batch = run_import(principal, "roster.teachers", csv_bytes(rows), main_school)
    assert batch.status == ImportBatch.Status.INVALID
    with translation.override("zh-hans"):
        shown = messages(batch)
    assert any(m.startswith("2|学科|没有“物里”这门学科。") for m in shown)
    assert any(m.startswith("2|职称|职称不能填“特级”。") for m in shown)
    assert "3|任教班级|“七年级1班”没有写明任教学科，而这位老师教多门学科。请在班级前写上学科，例如 数学:七年级3班。" in shown
    assert any(m.startswith("4|任教班级|“3班”没有写明年级。") for m in shown)
    assert any(m.startswith("4|任教班级|") and "没有七年级30班" in m for m in shown)
    assert any(m.startswith("5|班主任班级|班主任班级“七年级2班”在第4行也出现了。") for m in shown)
    assert not Teacher.objects.filter(staff_no__in=["T901", "T902", "T903", "T904"]).exists()


def test_a_teacher_of_another_school_is_not_taken_over(world, principal, main_school):
    elsewhere = Teacher.objects.exclude(school=main_school).filter(school__district=world.district).first()
    batch = run_import(principal, "roster.teachers", csv_bytes([HEADER[:2], [elsewhere.staff_no, "某人"]]), main_school)
    assert [e["key"] for e in batch.errors] == ["key_elsewhere"]
