"""Homework for the demo district: last week's and this week's plans published, next week's being filed and
reviewed, families' answers and head teachers' counts up to today, and the analysis of both weeks.

``build_homework_demo(term)`` runs after ``tisheng.roster.demo.build_demo`` on the same database. Rows are
written in bulk, so they have no row history (the demo starts with the history empty, as a fresh school year
would). Every posted class-day stays within the limit in force, as publishing would have it; families'
reports are noisier, so some class-days are over by their account and a few pupils often do not finish.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tisheng.accounts.models import Role, User
from tisheng.homework.analysis import analyse_week
from tisheng.homework.models import Feedback, InSchoolCount, Item, Plan, PostedItem
from tisheng.homework.queries import monday, week_days
from tisheng.homework.rules import SchoolRules
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.roster.models import ClassMembership, School, TeachingAssignment, Term

# Written homework by subject: what teachers write, and its usual minutes.
WRITTEN = {
    "chinese": (["生字词抄写并组词", "课文第{n}课课后练习", "阅读理解练习一篇", "日记一则（不少于200字）", "古诗背诵并默写"], (10, 25)),
    "math": (["练习册第{n}页", "口算练习一页", "课本第{n}页练习{k}", "错题整理（只做本周错题）", "应用题三道"], (10, 25)),
    "english": (["单词默写准备（Unit {k}）", "练习册 Unit {k} 第{n}页", "课文朗读并完成句型练习"], (10, 20)),
    "science": (["观察记录表填写", "课本第{n}页思考题"], (5, 15)),
    "physics": (["练习册第{n}页 1–6 题", "实验报告整理"], (15, 25)),
    "chemistry": (["课本第{n}页习题", "化学方程式书写练习"], (15, 25)),
    "history": (["时间轴整理（第{k}单元）"], (5, 10)),
    "geography": (["填图练习一页"], (5, 10)),
    "biology": (["课本第{n}页练习"], (5, 10)),
}
# Practical work (实践体验型), not limited: the subject's day of the week and what is asked.
PRACTICAL = {
    "chinese": (5, ["亲子共读二十分钟", "给家人讲一个故事"]),
    "pe": (2, ["跳绳 300 下", "户外活动 30 分钟"]),
    "labour": (5, ["整理自己的书桌", "帮家人做一道家常菜"]),
    "arts": (3, ["画一幅秋天的树叶"]),
}
MAIN = {"chinese", "math", "english"}
# What the content check is there for (homework for parents, check-in by phone): a few of next week's drafts.
UNWISE = "生字听写，家长签字后拍照上传班级群打卡"  # written homework every school day; the others two or three days a week


def _content(rng: random.Random, templates: list[str]) -> str:
    return rng.choice(templates).format(n=rng.randint(12, 98), k=rng.randint(1, 8))


@transaction.atomic
def build_homework_demo(term: Term, *, today: date | None = None, seed: int = 20261123) -> dict[str, int]:
    """Plans, postings, answers, counts and results for the district's classes of ``term``."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    this_week = monday(today)
    weeks = {this_week - timedelta(days=7): "past", this_week: "current", this_week + timedelta(days=7): "next"}
    assignments = list(
        TeachingAssignment.objects.filter(term=term).select_related("school_class__school", "subject", "teacher__person")
        .order_by("school_class_id", "subject__order", "teacher_id")
    )
    by_class = defaultdict(list)
    for a in assignments:
        by_class[a.school_class].append(a)
    rules = {s.pk: SchoolRules(s) for s in School.objects.filter(pk__in={c.school_id for c in by_class})}
    # The demo's head teacher has filed next week's plans, so that the maths leader has them to review.
    showcase = User.objects.filter(username=DEMO_LOGINS[Role.HEAD_TEACHER]).values_list("person__teacher", flat=True).first()

    plans, items = [], []  # items: (plan index, Item)
    for school_class, taught in by_class.items():
        school_rules = rules[school_class.school_id]
        for week, when in weeks.items():
            day_load = defaultdict(int)
            for a in taught:
                code = a.subject.code
                status, submitted, late, note = _filing(rng, when, week, school_rules, a.teacher_id == showcase)
                if status is None:
                    continue  # not filed yet
                plan = Plan(teacher=a.teacher, school_class=school_class, subject=a.subject, week=week, status=status,
                            submitted_at=submitted, late=late, review_note=note,
                            reviewed_at=submitted + timedelta(days=1) if status in ("published", "returned") and submitted else None,
                            published_at=submitted + timedelta(days=1) if status == "published" and submitted else None)
                plans.append(plan)
                for position, day in enumerate(week_days(week)):
                    weekday = day.weekday()
                    limit = school_rules.written_limit(school_class.grade, day)
                    if code in WRITTEN and limit and (code in MAIN and weekday < 5 or weekday in (1, 3) or weekday == 5 and rng.random() < 0.3):
                        templates, (lo, hi) = WRITTEN[code]
                        minutes = rng.randint(lo, hi)
                        room = int(limit * 0.95) - day_load[day]
                        if room >= 5:
                            minutes = min(minutes, room)
                            day_load[day] += minutes
                            layered = code == "math" and rng.random() < 0.2
                            content = _content(rng, templates)
                            if when == "next" and code == "chinese" and rng.random() < 0.1:
                                content = UNWISE  # for the review queue's content check
                            items.append((plan, Item(date=day, position=position, content=content,
                                                     kind="written", category="basic" if not layered else "extended",
                                                     layer="B" if layered else "", minutes=minutes)))
                    if code in PRACTICAL and (weekday == PRACTICAL[code][0] or not limit and weekday < 5 and rng.random() < 0.3):
                        items.append((plan, Item(date=day, position=position, content=rng.choice(PRACTICAL[code][1]),
                                                 kind="practical", category="comprehensive", minutes=rng.choice((15, 20, 30)))))
    Plan.objects.bulk_create(plans, batch_size=2000)
    for plan, item in items:
        item.plan = plan
    Item.objects.bulk_create([i for _p, i in items], batch_size=5000)
    PostedItem.objects.bulk_create(
        [PostedItem(plan=p, school_class_id=p.school_class_id, subject_id=p.subject_id, teacher_id=p.teacher_id,
                    date=i.date, position=i.position, content=i.content, kind=i.kind, category=i.category,
                    layer=i.layer, minutes=i.minutes, published_at=p.published_at or now)
         for p, i in items if p.status == "published"],
        batch_size=5000,
    )
    answers, counts = _families(rng, term, weeks, today, plans, items)
    for school_id in rules:
        for week, when in weeks.items():
            if when != "next":
                analyse_week(School.objects.get(pk=school_id), week, now)
    return {"plans": len(plans), "items": len(items), "answers": answers, "counts": counts}


def _filing(rng, when, week, rules, filed: bool):
    """(status, submitted at, late, review note) of one plan; status None: not filed yet."""
    due = rules.due_date(week)
    if when != "next":
        days_before = rng.choice((12, 10, 9, 8, 8, 7, 5, 3))
    else:
        roll = rng.random() if not filed else 1.0
        if roll < 0.2:
            return None, None, False, ""
        if roll < 0.3:
            return "draft", None, False, ""
        days_before = rng.choice((9, 8, 7))
    submitted_day = week - timedelta(days=days_before)
    submitted = timezone.make_aware(datetime.combine(submitted_day, time(16, rng.randint(0, 59))))
    late = submitted_day > due
    if when != "next":
        return "published", submitted, late, ""
    if rng.random() < 0.05 and not filed:
        return "returned", submitted, late, "作业量偏大，请删减重复练习后重新提交"
    return "submitted", submitted, late, ""


def _families(rng, term, weeks, today, plans, items) -> tuple[int, int]:
    """Answers of about 70 % of families and the head teachers' counts, school days up to today."""
    written = defaultdict(int)
    for plan, item in items:
        if plan.status == "published" and item.kind == "written":
            written[(plan.school_class_id, item.date)] += item.minutes
    members = defaultdict(list)
    for m in ClassMembership.objects.filter(term=term, left_on__isnull=True).select_related("school_class"):
        members[m.school_class].append(m.student_id)
    struggling = {sid for pupils in members.values() for sid in pupils if rng.random() < 0.04}
    answers, counts = [], []
    for school_class, pupils in members.items():
        primary = school_class.grade <= 6
        underestimated = rng.gauss(1.05, 0.12)  # some teachers' tries are quicker than their pupils
        for week, when in weeks.items():
            if when == "next":
                continue
            for day in week_days(week):
                if day > today or day.weekday() >= 5:
                    continue
                planned = written.get((school_class.pk, day), 0)
                in_school = 0
                for sid in pupils:
                    if rng.random() > 0.7:
                        continue
                    roll = rng.random()
                    not_p = 0.45 if sid in struggling else 0.03
                    school_p = 0.7 if primary else 0.4
                    finished = "not" if roll < not_p else "school" if roll < not_p + school_p else "home"
                    minutes = max(0, round(planned * underestimated * rng.lognormvariate(0, 0.25) / 5) * 5)
                    bed = (20 * 60 + 50 if primary else 21 * 60 + 30) + int(rng.gauss(0, 20))
                    answers.append(Feedback(student_id=sid, school_class=school_class, date=day, minutes=min(minutes, 600),
                                            finished=finished, bedtime=time(bed // 60 % 24, bed % 60)))
                    in_school += finished == "school"
                counts.append(InSchoolCount(school_class=school_class, date=day,
                                            finished_in_school=min(len(pupils), round(in_school / 0.7))))
    Feedback.objects.bulk_create(answers, batch_size=5000)
    InSchoolCount.objects.bulk_create(counts, batch_size=5000)
    return len(answers), len(counts)
