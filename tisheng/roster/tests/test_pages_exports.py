"""Excel exports: the rows the list shows (scope and filters), Chinese headers, identifiers as text, audited."""

from io import BytesIO

import openpyxl
from django.urls import reverse

from tisheng.accounts.scope import visible
from tisheng.audit.models import AuditEvent
from tisheng.roster.models import SchoolClass, Student, Teacher


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_head_teacher_exports_exactly_the_own_class_and_it_is_audited(world, client_for):
    user = world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    expected = set(
        Student.objects.filter(memberships__school_class=own, memberships__term=world.term,
                               memberships__left_on__isnull=True, active=True).values_list("student_no", flat=True)
    )
    response = client_for("head_teacher").get(reverse("roster:student_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = sheet_rows(response)
    assert header[:5] == ("学籍号", "姓名", "性别", "出生日期", "身份证号")
    assert {r[0] for r in rows} == expected
    # identifiers are text, never numbers (an 18-digit number in Excel loses its last digits)
    assert all(isinstance(r[0], str) for r in rows)
    assert any(r[4] for r in rows) and all(isinstance(r[4], str) for r in rows if r[4] is not None)
    assert {r[8] for r in rows} == {own.name}

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=user)
    assert event.detail["rows"] == len(expected) and event.detail["list"] == "学生名单"
    assert event.school == own.school  # the school the head teacher works in
    assert event.summary.startswith(f"导出 学生名单 {len(expected)} 行")


def test_export_applies_the_filters_and_records_them_in_chinese(world, client_for):
    user = world.logins["principal"]
    school = visible(user, SchoolClass).first().school
    client = client_for("principal")
    client.cookies["django_language"] = "en"  # headers and the audit entry stay Chinese
    response = client.get(reverse("roster:student_export"), {"school": school.pk, "grade": 7, "sex": "F"})
    header, *rows = sheet_rows(response)
    assert header[0] == "学籍号"
    expected = set(visible(user, Student).filter(
        school=school, sex="F", active=True, memberships__term=world.term, memberships__left_on__isnull=True,
        memberships__school_class__grade=7).values_list("student_no", flat=True))
    assert {r[0] for r in rows} == expected and {r[2] for r in rows} <= {"女"}
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("at")
    assert event.school == school
    assert event.detail["filters"] == {"学校": school.name, "年级": "七年级", "性别": "女"}


def test_id_card_numbers_are_masked_for_a_subject_teacher_and_whole_for_the_principal(world, client_for):
    teacher_rows = sheet_rows(client_for("teacher").get(reverse("roster:student_export")))[1:]
    assert teacher_rows and all("**********" in r[4] for r in teacher_rows if r[4])
    principal_rows = sheet_rows(client_for("principal").get(reverse("roster:student_export")))[1:]
    full = {s.student_no: s.id_card_no for s in Student.objects.all()}
    assert all(r[4] == full[r[0]] for r in principal_rows if r[4])


def test_teacher_export_for_the_bureau_masks_phones_and_stays_in_the_district(world, client_for):
    user = world.logins["bureau_staff"]
    header, *rows = sheet_rows(client_for("bureau_staff").get(reverse("roster:teacher_export")))
    assert header[:4] == ("工号", "姓名", "性别", "学校")
    assert {r[0] for r in rows} == set(visible(user, Teacher).filter(active=True).values_list("staff_no", flat=True))
    assert all("****" in r[7] for r in rows if r[7])


def test_school_and_class_exports(world, client_for):
    header, *rows = sheet_rows(client_for("bureau_admin").get(reverse("roster:school_export")))
    assert header[:2] == ("学校代码", "学校名称")
    assert {r[0] for r in rows} == set(world.district.schools.values_list("code", flat=True))
    header, *rows = sheet_rows(client_for("grade_leader").get(reverse("roster:class_export")))
    assert header == ("学校", "学年", "年级", "班级", "班主任", "学生数")
    assert {r[2] for r in rows} == {"七年级"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2


def test_parents_cannot_export(client_for):
    assert client_for("parent").get(reverse("roster:student_export")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
