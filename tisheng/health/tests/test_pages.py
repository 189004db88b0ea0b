"""The fitness pages as people use them: summaries against the target, a parent's view of the own child."""

import pytest
from django.urls import reverse

from tisheng.accounts.scope import Scope
from tisheng.health.demo import build_health_demo
from tisheng.health.models import FitnessRecord, FitnessTest
from tisheng.roster.models import School


@pytest.fixture
def demo(world):
    build_health_demo(world.district, world.term)
    return FitnessTest.objects.get(school__code="QS01", term=world.term)


def test_the_school_summary_shows_rates_target_chart_and_export(client_for, demo):
    page = client_for("principal").get(reverse("health:summary", args=[demo.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "合格率（目标不低于 90%）" in text and "优良率" in text and 'data-chart="fitness-levels"' in text
    assert reverse("health:export", args=[demo.pk]) in text
    records = FitnessRecord.objects.filter(test=demo, status="ok")
    passed = records.exclude(level="fail").count()
    assert f"{round(100 * passed / records.count(), 1)}%" in text


def test_a_grade_filter_narrows_the_summary(client_for, demo):
    page = client_for("principal").get(reverse("health:summary", args=[demo.pk]), {"grade": 8})
    text = page.content.decode()
    grade_7 = FitnessRecord.objects.filter(test=demo, grade=7).select_related("student").first()
    grade_8 = FitnessRecord.objects.filter(test=demo, grade=8).select_related("student").first()
    assert grade_8.student.name in text and grade_7.student.name not in text


def test_a_parent_sees_the_own_childs_results_only(world, client_for, demo):
    parent = world.logins["parent"]
    child_id = next(iter(Scope.of(parent).child_ids))
    record = FitnessRecord.objects.filter(student_id=child_id).first()
    client = client_for("parent")
    page = client.get(reverse("health:student", args=[child_id])).content.decode()
    assert record.student.name in page and "学年总分" in page and "排名" not in page
    overview = client.get(reverse("health:overview")).content.decode()
    assert reverse("health:student", args=[child_id]) in overview and "合格率" not in overview
    assert client.get(reverse("health:summary", args=[demo.pk])).status_code == 403


def test_a_head_teacher_sees_the_own_class_only(world, client_for, demo):
    own = next(iter(Scope.of(world.logins["head_teacher"]).head_class_ids))
    text = client_for("head_teacher").get(reverse("health:summary", args=[demo.pk])).content.decode()
    mine = FitnessRecord.objects.filter(test=demo, school_class_id=own).select_related("student").first()
    other = FitnessRecord.objects.filter(test=demo).exclude(school_class_id=own).select_related("student").first()
    assert mine.student.name in text and other.student.name not in text
    other_school = FitnessTest.objects.exclude(school=School.objects.get(code="QS01")).first()
    assert client_for("head_teacher").get(reverse("health:summary", args=[other_school.pk])).status_code == 404
