"""Sleep: a family's wake-up time in one tap, one per child and night, only for the last few nights; the
class's compliance from the homework bedtimes and the wake-up times."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tisheng.homework.queries import monday
from tisheng.wellbeing import actions, analysis
from tisheng.wellbeing.models import ClassWeek, WakeReport
from tisheng.wellbeing.rules import WellbeingRules
from tisheng.wellbeing.tests.helpers import bedtime, child_of, classmate_of, own_class


def url(student, night):
    return f"/wellbeing/wake/{student.pk}/{night.isoformat()}/"


def test_a_parent_reports_a_wake_up_time_and_a_second_answer_changes_it(world, client_for):
    child, night = child_of(world), timezone.localdate() - timedelta(days=1)
    client = client_for("parent")
    response = client.post(url(child, night), {"wake_time": "06:45"})
    assert response.status_code == 302
    assert WakeReport.objects.get(student=child, night=night).wake_time == time(6, 45)
    client.post(url(child, night), {"wake_time": "07:00"})
    assert WakeReport.objects.filter(student=child).count() == 1
    report = WakeReport.objects.get(student=child, night=night)
    assert report.wake_time == time(7, 0) and report.history.count() == 2


@pytest.mark.parametrize("value", ["", "09:45", "7am", "25:00"])
def test_a_wake_up_time_off_the_chips_is_refused_and_nothing_is_written(world, client_for, value):
    child, night = child_of(world), timezone.localdate() - timedelta(days=1)
    response = client_for("parent").post(url(child, night), {"wake_time": value})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not WakeReport.objects.exists()


def test_only_the_last_few_nights_can_be_reported(world, client_for):
    child = child_of(world)
    days = WellbeingRules(own_class(world).school).wake_report_days()
    client = client_for("parent")
    for night in (timezone.localdate(), timezone.localdate() - timedelta(days=days + 1)):  # tonight; too long ago
        response = client.post(url(child, night), {"wake_time": "07:00"}, follow=True)
        assert "只能填写最近几个晚上的起床时间" in response.content.decode()
    assert not WakeReport.objects.exists()
    oldest = timezone.localdate() - timedelta(days=days)
    assert client.post(url(child, oldest), {"wake_time": "07:00"}).status_code == 302


def test_class_compliance_uses_the_grade_s_minimum_and_bedtime(world):
    """七年级 (junior): at least 9 h, in bed by 22:00 (rule set). Two pupils, hand-computed."""
    school_class, child = own_class(world), child_of(world)
    mate = classmate_of(world, child)
    rules = WellbeingRules(school_class.school)
    assert (rules.sleep_min_hours(7), rules.latest_bedtime(7)) == (9.0, time(22, 0))
    today = timezone.localdate()
    n1, n2 = today - timedelta(days=2), today - timedelta(days=1)
    user = world.logins["parent"]
    bedtime(child, school_class, n1, time(21, 30))  # → 07:00: 9.5 h, enough; in time
    actions.record_wake(user, child, n1, time(7, 0))
    bedtime(child, school_class, n2, time(22, 30))  # → 06:45: 8.25 h, short; late
    actions.record_wake(user, child, n2, time(6, 45))
    bedtime(mate, school_class, n2, time(21, 45))  # no wake-up time: a bedtime in time, no hours
    for week in {monday(n1), monday(n2)}:
        analysis.analyse_week(school_class.school, week)
    weeks = ClassWeek.objects.filter(school_class=school_class)
    assert sum(w.sleep_nights for w in weeks) == 2
    assert sum(w.sleep_enough for w in weeks) == 1
    assert sum(w.sleep_hours_sum for w in weeks) == pytest.approx(9.5 + 8.25)
    assert sum(w.bedtimes for w in weeks) == 3 and sum(w.bedtimes_in_time for w in weeks) == 2


def test_the_head_teacher_sees_the_pupils_nights(world, client_for):
    school_class, child = own_class(world), child_of(world)
    night = timezone.localdate() - timedelta(days=1)
    bedtime(child, school_class, night, time(22, 15))
    actions.record_wake(world.logins["parent"], child, night, time(6, 30))
    body = client_for("head_teacher").get(
        f"/wellbeing/classes/{school_class.pk}/sleep/?week={monday(night).isoformat()}").content.decode()
    assert child.name in body and "22:15" in body and "06:30" in body and "8.25 h" in body
    assert 'class="is-late"' in body  # 22:15 is after 22:00
