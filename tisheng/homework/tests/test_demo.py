"""The homework demo: plausible, within the limits as publishing would keep them, and analysed."""

from collections import defaultdict

from django.db.models import Count

from tisheng.homework.demo import build_homework_demo
from tisheng.homework.models import ClassDayLoad, Feedback, Plan, PostedItem
from tisheng.homework.rules import SchoolRules


def test_the_demo_gives_every_class_plans_answers_and_results(world):
    counts = build_homework_demo(world.term)
    assert counts["plans"] > 100 and counts["answers"] > 100
    statuses = set(Plan.objects.values_list("status", flat=True))
    assert {"published", "submitted"} <= statuses
    # every posted class-day within its limit
    written = defaultdict(int)
    for p in PostedItem.objects.filter(kind="written").select_related("school_class__school"):
        written[(p.school_class, p.date)] += p.minutes
    rules = {}
    for (school_class, day), minutes in written.items():
        r = rules.setdefault(school_class.school_id, SchoolRules(school_class.school))
        assert minutes <= r.written_limit(school_class.grade, day), (school_class, day, minutes)
    # grades 1-2: nothing written
    assert not PostedItem.objects.filter(kind="written", school_class__grade__lte=2).exists()
    # one answer per child and day
    assert not Feedback.objects.values("student", "date").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert ClassDayLoad.objects.exists()
