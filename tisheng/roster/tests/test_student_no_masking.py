"""The national 学籍号 is "G" + the 身份证号: it is masked under the ID-number rule (R-ACC-4, least privilege)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tisheng.accounts.models import ApiToken
from tisheng.accounts.scope import visible
from tisheng.roster.models import SchoolClass, Student


@pytest.fixture
def pupil(world):
    """A pupil of the demo teacher's class whose 学籍号 embeds an ID number."""
    classes = visible(world.logins["teacher"], SchoolClass)
    return (
        Student.objects.filter(memberships__school_class__in=classes, memberships__term=world.term,
                               memberships__left_on=None, student_no__startswith="G")
        .order_by("student_no").first()
    )


def masked(number: str) -> str:
    return number[:5] + "*" * 10 + number[-4:]


def test_subject_teacher_sees_the_student_number_masked(world, client_for, pupil):
    page = client_for("teacher").get(reverse("roster:student_detail", args=[pupil.pk])).content.decode()
    assert pupil.student_no not in page and pupil.id_card_no not in page
    assert masked(pupil.student_no) in page


def test_principal_sees_it_in_full(world, client_for, pupil):
    page = client_for("principal").get(reverse("roster:student_detail", args=[pupil.pk])).content.decode()
    assert pupil.student_no in page


def test_teachers_list_export_and_api_mask_it_too(world, client_for, pupil):
    client = client_for("teacher")
    listing = client.get(reverse("roster:student_list"), {"q": pupil.name}).content.decode()
    assert pupil.student_no not in listing and masked(pupil.student_no) in listing
    export = client.get(reverse("roster:student_export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert pupil.student_no not in values and masked(pupil.student_no) in values
    _, key = ApiToken.issue(world.logins["teacher"], "test")
    data = client.get(f"/api/students/{pupil.pk}", headers={"Authorization": f"Bearer {key}"}).json()
    assert data["student_no"] == masked(pupil.student_no)


def test_school_made_numbers_are_shown_as_they_are(world, client_for):
    local = visible(world.logins["teacher"], Student).filter(student_no__startswith="L").first()
    page = client_for("teacher").get(reverse("roster:student_detail", args=[local.pk])).content.decode()
    assert local.student_no in page
