"""The audit viewer: bureau administrators only; exports and row changes with who, when and what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tisheng.audit.models import AuditEvent
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.roster.models import Student

OTHER_ROLES = [str(r) for r in DEMO_LOGINS if r != "bureau_admin"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_bureau_administrators_see_the_audit(client_for, role):
    client = client_for(role)
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:history_list")).status_code == 403


def test_an_export_appears_with_who_and_how_many_rows(world, client_for):
    client_for("principal").get(reverse("roster:student_export"), {"grade": 8})
    principal = world.logins["principal"]
    admin = client_for("bureau_admin")
    body = admin.get(reverse("audit:event_list")).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert principal.display_name in body and event.summary in body and "导出" in body
    assert f'{event.detail["rows"]}' in body and "年级: 八年级" in body

    assert event.summary in admin.get(reverse("audit:event_list"), {"user": principal.username}).content.decode()
    assert event.summary not in admin.get(reverse("audit:event_list"), {"user": "nobody-by-that-name"}).content.decode()
    assert event.summary not in admin.get(reverse("audit:event_list"), {"action": "import"}).content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert event.summary not in admin.get(reverse("audit:event_list"), {"date_from": tomorrow}).content.decode()
    assert event.summary in admin.get(reverse("audit:event_list"), {"date_to": tomorrow}).content.decode()


def test_a_change_to_a_student_shows_the_fields_from_old_to_new(world, client_for):
    admin_user = world.logins["bureau_admin"]
    student = Student.objects.filter(school__district=world.district, boarding=False).order_by("student_no").first()
    student.save()  # the demo is written in bulk, without history rows: this one is the earlier version
    student.boarding = True
    student._history_user = admin_user
    student.save()

    client = client_for("bureau_admin")
    body = client.get(reverse("audit:history_list"), {"model": "student"}).content.decode()
    assert f"{student.name}（{student.student_no}）" in body
    assert "寄宿" in body and "<del>否</del> → <ins>是</ins>" in body
    assert admin_user.display_name in body

    client.cookies["django_language"] = "en"
    english = client.get(reverse("audit:history_list"), {"model": "student", "change": "~"}).content.decode()
    assert "<del>No</del> → <ins>Yes</ins>" in english and "boarding" in english
    assert student.name not in client.get(reverse("audit:history_list"), {"model": "student", "change": "-"}).content.decode()


def test_history_of_all_records_is_one_paginated_list(world, client_for):
    body = client_for("bureau_admin").get(reverse("audit:history_list")).content.decode()
    assert "条变更" in body
    for params in ({"page": "x"}, {"date_from": "not a date"}, {"model": "nonsense"}, {"page": 10_000}):
        assert client_for("bureau_admin").get(reverse("audit:history_list"), params).status_code == 200
