"""The analysis of one school-week (R-ASM-6): the facts go to ``tisheng.core.homework`` as columns, and its
results are stored as ``ClassDayLoad`` and ``SupportFlag`` rows for the pages to read.

Called by the task ``tasks.analyse_week`` (queued when a plan is published, a family answers or a head teacher
counts) and by the demo. The limit and the bedtime of a class are those in force on the week's Monday.
"""

from datetime import date, datetime, timedelta

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tisheng.core import homework as core
from tisheng.homework.models import ClassDayLoad, Feedback, InSchoolCount, PostedItem, SupportFlag
from tisheng.homework.queries import class_sizes, week_days
from tisheng.homework.rules import SchoolRules
from tisheng.roster.models import School, SchoolClass

CLASS_ID = F("school_class_id")


@transaction.atomic
def analyse_week(school: School, week: date, now: datetime | None = None) -> int:
    """Compute and store the school's class-days of ``week`` and its students who often do not finish.
    Returns the number of class-days stored."""
    now = now or timezone.now()
    School.objects.select_for_update().filter(pk=school.pk).first()  # one refresh of a school at a time
    days = week_days(week)
    rules = SchoolRules(school)
    in_week = {"school_class__school": school, "date__range": (days[0], days[-1])}

    items = list(PostedItem.objects.filter(**in_week).values("date", "kind", "layer", "minutes", class_id=CLASS_ID))
    answers = list(Feedback.objects.filter(**in_week).values(
        "date", "student_id", "minutes", "finished", "bedtime", class_id=CLASS_ID))
    counts = list(InSchoolCount.objects.filter(**in_week).values("date", "finished_in_school", class_id=CLASS_ID))
    class_ids = {r["class_id"] for r in items + answers + counts}
    grades = dict(SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "grade"))
    sizes = class_sizes(class_ids, days[0])
    classes = [
        {"class_id": pk, "students": sizes.get(pk), "limit": rules.written_limit(grade, days[0]),
         "bedtime": rules.latest_bedtime(grade, days[0])}
        for pk, grade in grades.items()
    ]
    result = core.class_days(
        pl.DataFrame(items, schema=core.ITEMS_SCHEMA), pl.DataFrame(answers, schema=core.FEEDBACK_SCHEMA),
        pl.DataFrame(counts, schema=core.COUNTS_SCHEMA), pl.DataFrame(classes, schema=core.CLASSES_SCHEMA),
        days_off=sorted(rules.days_off(days)),
    )
    ClassDayLoad.objects.filter(school=school, date__range=(days[0], days[-1])).delete()
    ClassDayLoad.objects.bulk_create(
        [ClassDayLoad(school=school, grade=grades[r["class_id"]], computed_at=now, school_class_id=r["class_id"],
                      **{k: v for k, v in r.items() if k != "class_id"})
         for r in result.to_dicts()],
        batch_size=1000,
    )
    _store_support(school, week, rules, now)
    return result.height


def _store_support(school: School, week: date, rules: SchoolRules, now: datetime) -> None:
    times, weeks = rules.support_window(week)
    until = week + timedelta(days=6)
    answers = list(
        Feedback.objects.filter(school_class__school=school, finished="not",
                                date__gt=until - timedelta(days=7 * weeks), date__lte=until)
        .values("date", "student_id", "minutes", "finished", "bedtime", class_id=CLASS_ID)
    )
    flagged = core.not_finished_students(pl.DataFrame(answers, schema=core.FEEDBACK_SCHEMA), until=until,
                                         weeks=weeks, times=times)
    SupportFlag.objects.filter(school_class__school=school, week=week).delete()
    SupportFlag.objects.bulk_create(
        SupportFlag(student_id=r["student_id"], school_class_id=r["class_id"], week=week, times=r["times"],
                    weeks=weeks, last_date=r["last_date"], computed_at=now)
        for r in flagged.to_dicts()
    )
