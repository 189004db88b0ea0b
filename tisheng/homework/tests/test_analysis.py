"""The analysis of a school-week, end to end: facts written through the actions, the task run when they are
committed, and the stored class-days and support list checked against figures worked out by hand."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tisheng.homework import actions, analysis
from tisheng.homework.models import ClassDayLoad, Feedback, PendingAnalysis, SupportFlag
from tisheng.homework.queries import class_sizes, monday
from tisheng.homework.tests.helpers import colleague_plan, maths_plan, own_class, publish
from tisheng.roster.models import Student


@pytest.fixture
def week():
    """A past week inside the current term, so that families could answer for every day of it."""
    return monday(timezone.localdate()) - timedelta(days=7)


def pupils(world, n):
    school_class = own_class(world)
    return list(Student.objects.filter(memberships__school_class=school_class, memberships__term=world.term,
                                       memberships__left_on__isnull=True).order_by("student_no")[:n])


def answer(world, student, day, minutes, finished, bedtime=None):
    """A family's answer given on the evening of ``day``."""
    evening = datetime.combine(day, time(20, 0), timezone.get_current_timezone())
    actions.record_feedback(world.logins["parent"], student, day, minutes=minutes, finished=finished,
                            bedtime=bedtime, now=evening)


def test_a_class_week_end_to_end(world, week, django_capture_on_commit_callbacks):
    school_class = own_class(world)
    with django_capture_on_commit_callbacks(execute=True):
        maths = maths_plan(world, week=week, minutes=(50, 30))
        publish(world, maths)
        chinese, _user = colleague_plan(world, "chinese", {0: 30, 1: 20}, week=week, submit=True)
        actions.approve(world.logins["subject_leader"], chinese, version=chinese.version)
        a, b, c = pupils(world, 3)
        answer(world, a, week, 90, "home", time(21, 30))
        answer(world, b, week, 60, "school", time(22, 30))  # late for grade 7 (22:00)
        answer(world, c, week, 120, "not", time(23, 0))  # late
        actions.record_count(world.logins["head_teacher"], school_class, week, 20)
    assert not PendingAnalysis.objects.exists()  # the task ran and removed its marker

    size = class_sizes([school_class.pk], week)[school_class.pk]
    monday_row = ClassDayLoad.objects.get(school_class=school_class, date=week)
    # written: maths 50 + Chinese 30 = 80 against 90; families (90 + 60 + 120) / 3 = 90 against 80 planned
    assert (monday_row.written, monday_row.limit, monday_row.over_by) == (80, 90, 0)
    assert monday_row.in_school_count == 20 and monday_row.students == size
    assert monday_row.in_school_rate == pytest.approx(20 / size)
    assert (monday_row.reports, monday_row.reported_minutes, monday_row.minutes_gap) == (3, 90.0, 10.0)
    assert (monday_row.finished_school, monday_row.finished_home, monday_row.not_finished) == (1, 1, 1)
    assert monday_row.reported_in_school_rate == pytest.approx(1 / 3)
    assert monday_row.late_bedtimes == 2
    tuesday = ClassDayLoad.objects.get(school_class=school_class, date=week + timedelta(days=1))
    assert (tuesday.written, tuesday.reports, tuesday.in_school_count) == (50, 0, None)


def test_a_school_limit_set_later_counts_the_day_as_over(world, week):
    from datetime import date

    from tisheng.rulesets.models import RuleOverride

    maths = maths_plan(world, week=week, minutes=(80,))
    publish(world, maths)
    # the school lowers the limit afterwards: the stored figures count the day as over
    RuleOverride.objects.create(key="homework.written.daily_avg_minutes.max", value=60, school=own_class(world).school,
                                grades=[7], effective_from=date(2025, 9, 1), note="本校规定")
    analysis.analyse_week(own_class(world).school, week)
    row = ClassDayLoad.objects.get(school_class=own_class(world), date=week)
    assert (row.written, row.limit, row.over_by) == (80, 60, 20)


def test_pupils_not_finishing_three_times_in_four_weeks_are_flagged(world, week):
    a, b = pupils(world, 2)
    days = [week - timedelta(days=14), week - timedelta(days=7) + timedelta(days=2), week + timedelta(days=1)]
    for day in days:
        answer(world, a, day, 100, "not")
    answer(world, b, days[0], 100, "not")
    answer(world, b, days[1], 100, "not")
    answer(world, b, days[2], 40, "home")
    analysis.analyse_week(own_class(world).school, week)
    flags = list(SupportFlag.objects.filter(week=week).values_list("student_id", "times", "weeks"))
    assert flags == [(a.pk, 3, 4)]


def test_the_analysis_page_reads_the_stored_figures(world, week, client_for):
    publish(world, maths_plan(world, week=week, minutes=(95,)))  # held: 95 > 90, nothing posted
    chinese = colleague_plan(world, "chinese", {0: 40}, week=week, submit=True)[0]
    actions.approve(world.logins["subject_leader"], chinese, version=chinese.version)
    analysis.analyse_week(own_class(world).school, week)
    response = client_for("academic_office").get(reverse("homework:analysis"), {"week": week.isoformat()})
    assert response.status_code == 200
    row = next(g for g in response.context["rows"] if g["school_class"] == own_class(world))["days"][0]
    assert (row.written, row.limit) == (40, 90)
    assert response.context["summary"]["days_over"] == 0


def test_dashboards_rank_the_classes_most_over_their_limits(world, week, client_for):
    from datetime import date

    from tisheng.rulesets.models import RuleOverride

    maths = maths_plan(world, week=week, minutes=(80, 70))
    publish(world, maths)
    RuleOverride.objects.create(key="homework.written.daily_avg_minutes.max", value=60, school=own_class(world).school,
                                grades=[7], effective_from=date(2025, 9, 1), note="本校规定")
    analysis.analyse_week(own_class(world).school, week)
    for role in ("bureau_staff", "principal"):
        response = client_for(role).get(reverse("homework:dashboard"), {"week": week.isoformat()})
        assert response.status_code == 200
        top = response.context["top"]
        assert [(t["school_class"].pk, t["days_over"], t["over_minutes"], t["max_over"]) for t in top] == [
            (own_class(world).pk, 2, 30, 20)]
    summary = client_for("academic_office").get(reverse("homework:summary"), {"week": week.isoformat()})
    assert summary.status_code == 200 and summary.context["total"]["days_over"] == 2
    assert Feedback.objects.count() == 0


def test_a_busy_evening_queues_one_deferred_refresh_per_school_week(world, week, django_capture_on_commit_callbacks):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            for student in pupils(world, 3):
                answer(world, student, week, 30, "home")
    queued = list(DBTaskResult.objects.filter(task_path="tisheng.homework.tasks.analyse_week"))
    assert len(queued) == 1 and PendingAnalysis.objects.count() == 1
    assert queued[0].run_after > timezone.now() + timedelta(seconds=60)
