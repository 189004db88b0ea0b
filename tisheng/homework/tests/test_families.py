"""The posting (公示) and the families' answers: only the class's parents, one answer per child and day,
editable until the next morning; the head teacher's count."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.scope import Scope
from tisheng.homework import actions
from tisheng.homework.actions import NotAllowed
from tisheng.homework.models import Feedback, InSchoolCount
from tisheng.homework.queries import monday
from tisheng.homework.tests.helpers import maths_plan, own_class, publish
from tisheng.roster.models import ClassMembership, Guardianship, SchoolClass, Student


def this_week_plan(world):
    week = monday(timezone.localdate())
    plan = maths_plan(world, week=week, minutes=(30, 30, 30, 30, 30, 20, 20), content="口算练习一页")
    publish(world, plan)
    return plan


def child_of(world):
    return Student.objects.get(pk=next(iter(Scope.of(world.logins["parent"]).child_ids)))


def parent_elsewhere(world, school_class):
    """A parent account of a pupil in another class."""
    guardianship = Guardianship.objects.filter(
        student__memberships__term=world.term, student__memberships__left_on__isnull=True,
        guardian__user__isnull=False,
    ).exclude(student__memberships__school_class=school_class).select_related("guardian__user").first()
    return guardianship.guardian.user


def test_the_posting_is_for_the_class_parents_and_staff_in_scope(world, client_for):
    this_week_plan(world)
    day = timezone.localdate()
    school_class = own_class(world)
    url = reverse("homework:posting", args=[school_class.pk, day])
    parent = client_for("parent")
    response = parent.get(url)
    assert response.status_code == 200 and "口算练习一页" in response.content.decode()
    assert child_of(world).name in response.content.decode()  # the button to answer for the own child
    assert client_for("head_teacher").get(url).status_code == 200
    assert client_for("grade_leader").get(url).status_code == 200
    # a parent of another class, and a class that is not the child's
    from django.test import Client
    other = Client()
    other.force_login(parent_elsewhere(world, school_class))
    assert other.get(url).status_code == 404
    neighbour = SchoolClass.objects.filter(school=school_class.school, grade=7).exclude(pk=school_class.pk).first()
    assert parent.get(reverse("homework:posting", args=[neighbour.pk, day])).status_code == 404


def test_todays_page_shows_the_homework_and_records_one_answer_per_child(world, client_for):
    this_week_plan(world)
    client = client_for("parent")
    child = child_of(world)
    day = timezone.localdate()
    response = client.get(reverse("homework:today"))
    assert response.status_code == 200 and "口算练习一页" in response.content.decode()
    url = reverse("homework:feedback", args=[child.pk, day])
    prefix = f"s{child.pk}"
    answer = {f"{prefix}-minutes": 45, f"{prefix}-finished": "home", f"{prefix}-bedtime": "21:00"}
    assert client.post(url, answer).status_code == 302
    changed = {**answer, f"{prefix}-minutes": 60, f"{prefix}-finished": "school"}
    assert client.post(url, changed).status_code == 302
    saved = Feedback.objects.get(student=child, date=day)
    assert (saved.minutes, saved.finished, saved.bedtime) == (60, "school", time(21, 0))
    assert Feedback.objects.filter(student=child).count() == 1
    assert saved.history.count() == 2


def test_the_families_pages_cost_a_fixed_few_queries(world, client_for, django_assert_max_num_queries):
    """40,000 families answer within an hour (issue 4): their two requests must not grow a query per child,
    item or menu entry. Session, account with person, scope (3), children, classes, answer, rules, postings."""
    this_week_plan(world)
    client = client_for("parent")
    child, day = child_of(world), timezone.localdate()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("homework:today")).status_code == 200
    prefix = f"s{child.pk}"
    # … then the rules, the locked answer, its insert and history row, and four savepoints (in a test the
    # action's transaction is nested in the test's)
    with django_assert_max_num_queries(15):
        assert client.post(reverse("homework:feedback", args=[child.pk, day]),
                           {f"{prefix}-minutes": 45, f"{prefix}-finished": "home"}).status_code == 302


def test_a_bad_answer_is_reported_and_nothing_saved(world, client_for):
    child = child_of(world)
    day = timezone.localdate()
    prefix = f"s{child.pk}"
    response = client_for("parent").post(reverse("homework:feedback", args=[child.pk, day]),
                                         {f"{prefix}-minutes": "lots", f"{prefix}-finished": "maybe"})
    assert response.status_code == 200
    assert response.context["child"]["form"].errors.keys() == {"minutes", "finished"}
    assert not Feedback.objects.exists()


def test_a_parent_cannot_answer_for_someone_elses_child(world, client_for):
    child = child_of(world)
    classmate = Student.objects.filter(memberships__school_class=own_class(world), memberships__term=world.term).exclude(
        pk=child.pk).first()
    day = timezone.localdate()
    response = client_for("parent").post(reverse("homework:feedback", args=[classmate.pk, day]),
                                         {f"s{classmate.pk}-minutes": 30, f"s{classmate.pk}-finished": "home"})
    assert response.status_code == 404
    assert client_for("head_teacher").get(reverse("homework:feedback", args=[child.pk, day])).status_code == 404
    assert not Feedback.objects.exists()


def test_answers_are_open_on_the_day_until_the_next_morning(world):
    child, user = child_of(world), world.logins["parent"]
    day = timezone.localdate() - timedelta(days=1)
    if actions.class_on(child, day) is None:
        pytest.skip("the term has not started yesterday")
    tz = timezone.get_current_timezone()
    evening = datetime.combine(day, time(20, 30), tz)
    actions.record_feedback(user, child, day, minutes=40, finished="home", bedtime=time(21, 10), now=evening)
    early_next = datetime.combine(day + timedelta(days=1), time(7, 59), tz)
    actions.record_feedback(user, child, day, minutes=50, finished="home", bedtime=None, now=early_next)
    assert Feedback.objects.get(student=child, date=day).minutes == 50
    with pytest.raises(NotAllowed):  # 08:00 the next morning: closed
        actions.record_feedback(user, child, day, minutes=55, finished="home", bedtime=None,
                                now=datetime.combine(day + timedelta(days=1), time(8, 0), tz))
    with pytest.raises(NotAllowed):  # a day that has not come
        actions.record_feedback(user, child, day + timedelta(days=2), minutes=10, finished="home", bedtime=None,
                                now=evening)
    assert Feedback.objects.get(student=child, date=day).minutes == 50


def test_the_head_teacher_counts_pupils_who_finished_in_school(world, client_for):
    school_class = own_class(world)
    day = timezone.localdate()
    size = ClassMembership.objects.filter(school_class=school_class, term=world.term, left_on__isnull=True).count()
    url = reverse("homework:class_count", args=[school_class.pk])
    client = client_for("head_teacher")
    assert client.post(url, {"date": day, "finished_in_school": size - 1}).status_code == 302
    assert InSchoolCount.objects.get(school_class=school_class, date=day).finished_in_school == size - 1
    client.post(url, {"date": day, "finished_in_school": size + 5})  # more than the class has: refused
    assert InSchoolCount.objects.get(school_class=school_class, date=day).finished_in_school == size - 1
    client.post(url, {"date": day + timedelta(days=1), "finished_in_school": 1})  # tomorrow: refused
    assert not InSchoolCount.objects.filter(date=day + timedelta(days=1)).exists()
    assert client_for("teacher").post(url, {"date": day, "finished_in_school": 1}).status_code in (403, 404)
    assert client_for("grade_leader").post(url, {"date": day, "finished_in_school": 1}).status_code == 403
