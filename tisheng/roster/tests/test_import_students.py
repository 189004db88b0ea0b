"""Importing the student roster: create, update by 学籍号, class moves with history, guardians, all-or-nothing,
and the uploader's scope."""

from datetime import date

import pytest
from django.utils import translation

from tisheng.accounts.models import Role, RoleAssignment
from tisheng.audit.models import AuditEvent
from tisheng.core.idcard import check_character
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import csv_bytes, xlsx_bytes
from tisheng.imports.tests.helpers import media, messages, run_import  # noqa: F401 - fixture
from tisheng.roster.models import ClassMembership, Guardianship, School, SchoolClass, Student

pytestmark = pytest.mark.usefixtures("media")

HEADER = ["学籍号", "姓名", "性别", "出生日期", "身份证号", "民族", "年级", "班级", "是否寄宿", "是否留守儿童",
          "监护人姓名", "监护人关系", "监护人电话"]


def id_card(birth: str, seq: int, sex: str = "M") -> str:
    """A valid ID number for the birth date (YYYYMMDD); odd sequence digit for boys."""
    first17 = f"371302{birth}{seq:02d}{1 if sex == 'M' else 2}"
    return first17 + check_character(first17)


def student_row(n: int, *, klass: str = "1班", grade: str = "七年级", name: str | None = None, sex: str = "男",
                birth: str = "2012-09-01") -> list:
    card = id_card(birth.replace("-", ""), n % 100, "M" if sex == "男" else "F")
    return ["G" + card, name or f"新生{n:03d}", sex, birth, card, "汉族", grade, klass, "否", "否",
            f"家长{n:03d}", "父亲", f"1380000{n:04d}"]


@pytest.fixture
def main_school(world):
    return School.objects.get(code="QS01")


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


def class_of(school, grade, number, term):
    return SchoolClass.objects.get(school=school, academic_year=term.academic_year, grade=grade, number=number)


def test_new_students_are_created_in_their_class_with_a_guardian(world, principal, main_school):
    data = xlsx_bytes([["青山区实验中学新生名单"], HEADER, student_row(1), student_row(2, klass="七年级2班", grade=None,
                                                                          sex="女")])
    batch = run_import(principal, "roster.students", data, main_school)
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    assert (batch.created, batch.updated, batch.unchanged, batch.total_rows) == (2, 0, 0, 2)
    first = Student.objects.get(name="新生001")
    assert first.school == main_school and first.sex == "M" and first.birth_date == date(2012, 9, 1)
    membership = first.membership_on(world.term)
    assert membership.school_class == class_of(main_school, 7, 1, world.term)
    assert membership.joined_on >= world.term.start_date
    assert Student.objects.get(name="新生002").membership_on(world.term).school_class.number == 2
    link = Guardianship.objects.get(student=first)
    assert (link.guardian.name, link.guardian.phone, link.relation) == ("家长001", "13800000001", "father")
    assert first.history.count() == 1 and first.history.first().history_user == principal
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == principal and event.detail["created"] == 2 and event.detail["batch"] == batch.pk


def test_reimport_updates_by_student_number_instead_of_duplicating(principal, main_school):
    rows = [HEADER, student_row(1), student_row(2)]
    run_import(principal, "roster.students", csv_bytes(rows), main_school)
    again = run_import(principal, "roster.students", csv_bytes(rows), main_school)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[1][1] = "新名字"
    changed = run_import(principal, "roster.students", csv_bytes(rows), main_school)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Student.objects.filter(name__in=["新名字", "新生002"]).count() == 2
    assert Student.objects.filter(student_no=rows[1][0]).get().history.count() == 2


def test_the_national_number_matches_with_or_without_its_g(principal, main_school):
    run_import(principal, "roster.students", csv_bytes([HEADER, student_row(1)]), main_school)
    bare = student_row(1)
    bare[0] = bare[0][1:]
    again = run_import(principal, "roster.students", csv_bytes([HEADER, bare]), main_school)
    assert (again.created, again.unchanged) == (0, 1)


def test_a_class_move_closes_the_old_membership_and_keeps_history(world, principal, main_school):
    c71, c72 = class_of(main_school, 7, 1, world.term), class_of(main_school, 7, 2, world.term)
    pupil = Student.objects.filter(memberships__school_class=c71, memberships__term=world.term,
                                   memberships__left_on__isnull=True).order_by("student_no").first()
    old = pupil.membership_on(world.term)
    old.joined_on = world.term.start_date
    old.save()
    row = [pupil.student_no, pupil.name, pupil.get_sex_display(), None, pupil.id_card_no, None, "七年级", "2班"]
    batch = run_import(principal, "roster.students", csv_bytes([HEADER[:8], row]), main_school)
    assert (batch.updated, batch.unchanged) == (1, 0), messages(batch)
    old.refresh_from_db()
    assert old.left_on is not None and old.school_class == c71
    assert pupil.membership_on(world.term).school_class == c72
    assert ClassMembership.objects.filter(student=pupil, term=world.term).count() == 2
    assert old.history.filter(history_type="~").exists()


def test_one_bad_row_among_a_hundred_writes_nothing(principal, main_school):
    rows = [HEADER] + [student_row(n) for n in range(100)]
    rows[57][3] = "2012-13-01"
    before = Student.objects.count()
    batch = run_import(principal, "roster.students", xlsx_bytes(rows), main_school)
    assert batch.status == ImportBatch.Status.INVALID
    assert Student.objects.count() == before and not AuditEvent.objects.filter(action="import").exists()
    with translation.override("zh-hans"):
        assert messages(batch) == ["58|出生日期|“2012-13-01”不是日期。请写成 2012-09-01 这样的格式。"]
    with translation.override("en"):
        assert messages(batch) == ["58|出生日期|“2012-13-01” is not a date. Write it like 2012-09-01."]


def test_every_problem_is_listed_in_plain_chinese(principal, main_school):
    rows = [HEADER, student_row(1), student_row(2), student_row(3), student_row(4), student_row(5)]
    rows[2][0] = rows[1][0]  # the same 学籍号 twice
    rows[3][7] = "9班"  # a class that does not exist
    rows[4][4] = rows[4][4][:-1] + ("0" if rows[4][4][-1] != "0" else "1")  # a wrong check digit
    rows[5][2] = "女"  # the ID number says male
    batch = run_import(principal, "roster.students", csv_bytes(rows), main_school)
    with translation.override("zh-hans"):
        shown = messages(batch)
    assert f"3|学籍号|学籍号“{rows[1][0]}”在第2行也出现了。同一内容只能出现一次：请删除或改正其中一行。" in shown
    assert "4|班级|本学年青山区实验中学没有七年级9班。请先建立该班级，或检查年级和班级是否写对。".replace(
        "本学年", f"{batch.term.academic_year}学年") in shown
    assert any(m.startswith("5|身份证号|身份证号“") and "最后一位" in m for m in shown)
    assert any(m.startswith("6|性别|") for m in shown)
    assert Student.objects.filter(name__startswith="新生").count() == 0


def test_an_exactly_repeated_row_is_named_as_such(principal, main_school):
    batch = run_import(principal, "roster.students", csv_bytes([HEADER, student_row(1), student_row(1)]), main_school)
    assert [(e["key"], e["row"]) for e in batch.errors] == [("duplicate_row", 3)]
    with translation.override("zh-hans"):
        assert messages(batch) == ["3||这一行与第2行完全相同。请删除其中一行。"]


def test_an_id_number_excel_turned_into_a_number_is_refused_with_the_reason(principal, main_school):
    row = student_row(1)
    row[4] = int(row[4][:-1] + "0") if row[4][-1] != "X" else 371302201209010010
    batch = run_import(principal, "roster.students", xlsx_bytes([HEADER, row]), main_school)
    assert batch.status == ImportBatch.Status.INVALID
    with translation.override("zh-hans"):
        (message,) = messages(batch)
    assert message.startswith("2|身份证号|“3.71302E+17”被Excel存成了数字")


def test_a_principal_cannot_import_into_another_school_which_reads_as_unknown(world, principal, main_school):
    other = School.objects.get(code="QS04")
    rows = [HEADER + ["学校"], student_row(1) + [other.name], student_row(2) + ["没有这所学校"]]
    batch = run_import(principal, "roster.students", csv_bytes(rows), main_school)
    assert batch.status == ImportBatch.Status.INVALID
    with translation.override("zh-hans"):
        first, second = [m for m in messages(batch) if "|学校|" in m]
    assert first.replace(other.name, "X").split("|", 1)[1] == second.replace("没有这所学校", "X").split("|", 1)[1]
    assert Student.objects.filter(name__startswith="新生").count() == 0


def test_a_student_registered_at_another_school_is_not_taken_over(world, principal, main_school):
    elsewhere = Student.objects.exclude(school=main_school).filter(school__district=world.district).first()
    row = student_row(1)
    row[0] = elsewhere.student_no
    batch = run_import(principal, "roster.students", csv_bytes([HEADER, row]), main_school)
    assert [e["key"] for e in batch.errors] == ["key_elsewhere"]
    elsewhere.refresh_from_db()
    assert elsewhere.school != main_school


def test_the_bureau_imports_for_several_schools_and_may_transfer_within_the_district(world):
    admin = world.logins[Role.BUREAU_ADMIN]
    primary = School.objects.get(code="QS04")
    mover = Student.objects.filter(school__code="QS01").first()
    rows = [HEADER + ["学校"], student_row(1, grade="三年级") + [primary.code],
            student_row(2) + ["青山区实验中学"], [mover.student_no, mover.name, mover.get_sex_display(), None, None,
                                                   None, "三年级", "1班", None, None, None, None, None, primary.name]]
    batch = run_import(admin, "roster.students", csv_bytes(rows))
    assert batch.status == ImportBatch.Status.COMMITTED, messages(batch)
    assert batch.school is None
    assert Student.objects.get(name="新生001").school == primary
    mover.refresh_from_db()
    assert mover.school == primary and mover.membership_on(world.term).school_class.school == primary


def test_a_bureau_of_another_district_sees_its_schools_as_unknown(world):
    admin = world.logins[Role.BUREAU_ADMIN]
    other = School.objects.exclude(district=world.district).first()
    batch = run_import(admin, "roster.students", csv_bytes([HEADER + ["学校"], student_row(1) + [other.name]]))
    assert [e["key"] for e in batch.errors] == ["unknown_school"]


def test_optional_columns_left_out_keep_what_is_stored(principal, main_school):
    run_import(principal, "roster.students", csv_bytes([HEADER, student_row(1)]), main_school)
    pupil = Student.objects.get(name="新生001")
    Student.objects.filter(pk=pupil.pk).update(boarding=True, ethnicity="回族")
    short = [HEADER[:3] + ["班级", "年级"], student_row(1)[:3] + ["1班", "七年级"]]
    batch = run_import(principal, "roster.students", csv_bytes(short), main_school)
    assert batch.unchanged == 1
    pupil.refresh_from_db()
    assert pupil.boarding and pupil.ethnicity == "回族" and pupil.birth_date == date(2012, 9, 1)


def test_siblings_share_a_guardian_and_a_second_import_updates_the_phone(principal, main_school):
    first, second = student_row(1), student_row(2)
    second[10:13] = first[10:13]
    run_import(principal, "roster.students", csv_bytes([HEADER, first, second]), main_school)
    links = Guardianship.objects.filter(student__name__in=["新生001", "新生002"])
    assert links.count() == 2 and len({link.guardian_id for link in links}) == 1
    first[12] = "13911112222"
    batch = run_import(principal, "roster.students", csv_bytes([HEADER, first]), main_school)
    assert batch.updated == 1
    assert Guardianship.objects.get(student__name="新生001").guardian.phone == "13911112222"


def test_a_guardian_needs_a_relation(principal, main_school):
    row = student_row(1)
    row[11] = None
    batch = run_import(principal, "roster.students", csv_bytes([HEADER, row]), main_school)
    with translation.override("zh-hans"):
        assert messages(batch) == ["2|监护人姓名|已填写监护人姓名，但监护人关系是空的。请两项都填，或都不填。"]


def test_the_academic_office_of_the_term_may_import_but_a_teacher_may_not(world, main_school):
    office = world.logins[Role.ACADEMIC_OFFICE]
    assert run_import(office, "roster.students", csv_bytes([HEADER, student_row(1)]), main_school).status == "committed"
    from tisheng.imports.queries import importable_schools
    from tisheng.imports.spec import get_spec

    assert not importable_schools(world.logins[Role.TEACHER], get_spec("roster.students")).exists()
    RoleAssignment.objects.filter(user=office).delete()
    office._tisheng_scope = None
    assert not importable_schools(office, get_spec("roster.students")).exists()
