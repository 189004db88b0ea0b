"""The sleep and activity figures of one school-week: the facts go to ``tisheng.core.wellbeing`` as columns, and
the results are stored as ``ClassWeek`` rows for the pages to read.

Called by the task ``tasks.analyse_week`` (queued when a family reports a wake-up time or a teacher records the
week's activity) and by the demo. Bedtimes are the families' homework answers (``homework.Feedback``). The
minimum and the latest bedtime of a class are those in force on the week's Monday.
"""

from datetime import date, datetime

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tisheng.core import wellbeing as core
from tisheng.homework.models import Feedback
from tisheng.homework.queries import class_sizes, week_days
from tisheng.roster.models import School, SchoolClass
from tisheng.wellbeing.models import ActivityDay, ClassWeek, WakeReport
from tisheng.wellbeing.rules import WellbeingRules

CLASS_ID = F("school_class_id")


@transaction.atomic
def analyse_week(school: School, week: date, now: datetime | None = None) -> int:
    """Compute and store the school's class-weeks of ``week``; returns how many were stored."""
    now = now or timezone.now()
    School.objects.select_for_update().filter(pk=school.pk).first()  # one refresh of a school at a time
    days = week_days(week)
    rules = WellbeingRules(school)
    span = (days[0], days[-1])
    bedtimes = {(r["student_id"], r["date"]): r for r in Feedback.objects.filter(
        school_class__school=school, date__range=span, bedtime__isnull=False).values(
        "student_id", "date", "bedtime", class_id=CLASS_ID)}
    wakes = {(r["student_id"], r["night"]): r for r in WakeReport.objects.filter(
        school_class__school=school, night__range=span).values("student_id", "night", "wake_time", class_id=CLASS_ID)}
    activity = list(ActivityDay.objects.filter(school_class__school=school, date__range=span).values(
        "date", "pe_minutes", "break_minutes", "activity_minutes", class_id=CLASS_ID))
    class_ids = {r["class_id"] for r in (*bedtimes.values(), *wakes.values(), *activity)}
    grades = dict(SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "grade"))
    limits = {g: (rules.sleep_min_hours(g, week), rules.latest_bedtime(g, week), rules.activity_min_minutes(g, week),
                  rules.big_break_min_minutes(g, week)) for g in set(grades.values())}

    nights = []
    for key in bedtimes.keys() | wakes.keys():
        bed, wake = bedtimes.get(key), wakes.get(key)
        class_id = (bed or wake)["class_id"]
        min_hours, latest, _a, _b = limits[grades[class_id]]
        nights.append({"class_id": class_id, "student_id": key[0], "night": key[1],
                       "bedtime": bed and bed["bedtime"], "wake": wake and wake["wake_time"],
                       "min_hours": min_hours, "latest_bedtime": latest})
    for row in activity:
        row["min_minutes"], row["break_min_minutes"] = limits[grades[row["class_id"]]][2:]
    sleep = core.class_sleep(pl.DataFrame(nights, schema=core.NIGHTS_SCHEMA))
    pe = core.class_activity(pl.DataFrame(activity, schema=core.PE_SCHEMA))
    result = sleep.join(pe, on="class_id", how="full", coalesce=True).fill_null(0)
    sizes = class_sizes(class_ids, days[0])

    ClassWeek.objects.filter(school=school, week=week).delete()
    ClassWeek.objects.bulk_create(
        [ClassWeek(school=school, school_class_id=r["class_id"], grade=grades[r["class_id"]], week=week,
                   pupils=sizes.get(r["class_id"], 0), computed_at=now, **{c: r[c] for c in core.COUNTS})
         for r in result.to_dicts()],
        batch_size=1000,
    )
    return result.height
