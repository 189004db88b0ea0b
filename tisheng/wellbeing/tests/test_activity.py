"""Activity in school: the week's grid by the head teacher or PE teacher, refused field by field with nothing
written, and the class's compliance against the hour a day."""

import pytest
from django.utils import timezone

from tisheng.homework.queries import monday
from tisheng.wellbeing import analysis
from tisheng.wellbeing.models import ActivityDay, ClassWeek
from tisheng.wellbeing.rules import WellbeingRules
from tisheng.wellbeing.tests.helpers import own_class


def grid(days, rows):
    data = {"days-TOTAL_FORMS": len(days), "days-INITIAL_FORMS": len(days), "week": days[0].isoformat()}
    for i, (day, row) in enumerate(zip(days, rows, strict=True)):
        data[f"days-{i}-date"] = day.isoformat()
        for name, value in zip(("pe_minutes", "break_minutes", "activity_minutes"), row, strict=True):
            data[f"days-{i}-{name}"] = value
    return data


def school_days():
    week = monday(timezone.localdate())
    days = [week + timezone.timedelta(days=i) for i in range(5)]
    return [d for d in days if d <= timezone.localdate()]


def test_the_head_teacher_saves_the_week_and_the_class_is_counted(world, client_for):
    school_class, days = own_class(world), school_days()
    # day 1: 40 + 30 + 0 = 70 ≥ 60; the others 0 + 20 + 30 = 50 < 60 and a short big break
    rows = [(40, 30, 0)] + [(0, 20, 30)] * (len(days) - 1)
    response = client_for("head_teacher").post(f"/wellbeing/classes/{school_class.pk}/activity/", grid(days, rows))
    assert response.status_code == 302
    assert ActivityDay.objects.filter(school_class=school_class).count() == len(days)
    analysis.analyse_week(school_class.school, days[0])
    week = ClassWeek.objects.get(school_class=school_class, week=days[0])
    assert (week.pe_days, week.pe_days_enough, week.break_days_enough) == (len(days), 1, 1)
    assert week.pe_minutes_sum == 70 + 50 * (len(days) - 1)
    assert WellbeingRules(school_class.school).activity_min_minutes(7) == 60


@pytest.mark.parametrize("bad, field", [
    (("-5", "30", "0"), "pe_minutes"),
    (("40", "abc", "0"), "break_minutes"),
    (("40", "30", "999"), "activity_minutes"),
])
def test_a_bad_field_is_named_and_nothing_is_written(world, client_for, bad, field):
    school_class, days = own_class(world), school_days()
    rows = [bad] + [(40, 30, 0)] * (len(days) - 1)  # the good days are not written either
    response = client_for("head_teacher").post(f"/wellbeing/classes/{school_class.pk}/activity/", grid(days, rows))
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert field in form.errors
    assert not ActivityDay.objects.exists()


def test_a_day_outside_the_week_is_refused(world, client_for):
    school_class, days = own_class(world), school_days()
    data = grid(days, [(40, 30, 0)] * len(days))
    data["days-0-date"] = (days[0] - timezone.timedelta(days=7)).isoformat()
    response = client_for("head_teacher").post(f"/wellbeing/classes/{school_class.pk}/activity/", data)
    assert response.status_code == 200 and not ActivityDay.objects.exists()


def test_a_subject_teacher_who_does_not_teach_pe_may_only_read(world, client_for):
    school_class, days = own_class(world), school_days()
    client = client_for("grade_leader")
    assert client.get(f"/wellbeing/classes/{school_class.pk}/activity/").status_code == 200
    response = client.post(f"/wellbeing/classes/{school_class.pk}/activity/", grid(days, [(40, 30, 0)] * len(days)))
    assert response.status_code == 403 and not ActivityDay.objects.exists()
