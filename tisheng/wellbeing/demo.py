"""The five managements in the demo district: families' wake-up times after the nights they gave a bedtime for
(the homework demo's answers), the classes' activity minutes of last week and this week, each school's phone rule
with a few applications, and each school's reading titles at every step of the procedure; both weeks analysed.

``build_wellbeing_demo(term)`` runs after ``tisheng.homework.demo.build_homework_demo`` (whose answers carry the
bedtimes). Rows are bulk-written, without row history, as a fresh school year would start.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tisheng.accounts.models import Role, User
from tisheng.homework.models import Feedback
from tisheng.homework.queries import monday, week_days
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.roster.models import ClassMembership, Guardianship, HeadTeacher, Term
from tisheng.wellbeing.analysis import analyse_week
from tisheng.wellbeing.models import (
    ActivityDay, PhoneException, PhoneRule, ReadingDecision, ReadingTitle, WakeReport,
)
from tisheng.wellbeing.rules import WellbeingRules

RULE_TEXT = ("一、学生原则上不得将个人手机带入校园。\n二、确有需求的，须经家长同意、书面提出申请，经班主任审核同意后方可带入。\n"
             "三、带入校园的手机进校后交班主任统一保管，禁止带入课堂。\n四、学生与家长通话可使用校内公共电话或班主任沟通热线。")
STORAGE = "进校后交班主任，放入教室手机保管柜，放学时领回"
REASONS = ["孩子放学后独自乘公交回家，需要与家长联系", "家长在外地工作，孩子周末往返需要联系", "孩子有慢性病，需要随时联系家长"]
# (title, author, publisher, grades): well-known titles a school would propose.
TITLES = [
    ("稻草人", "叶圣陶", "人民文学出版社", [3, 4]),
    ("小英雄雨来", "管桦", "人民文学出版社", [4, 5]),
    ("草房子", "曹文轩", "江苏凤凰少年儿童出版社", [5, 6]),
    ("城南旧事", "林海音", "人民文学出版社", [5, 6]),
    ("昆虫记", "法布尔", "人民教育出版社", [7, 8]),
    ("红星照耀中国", "埃德加·斯诺", "人民文学出版社", [8]),
    ("朝花夕拾", "鲁迅", "人民文学出版社", [7]),
    ("西游记", "吴承恩", "人民文学出版社", [6, 7]),
    ("海底两万里", "儒勒·凡尔纳", "人民文学出版社", [7]),
    ("骆驼祥子", "老舍", "人民文学出版社", [7]),
    ("没头脑和不高兴", "任溶溶", "浙江少年儿童出版社", [1, 2]),
    ("小猪唏哩呼噜", "孙幼军", "春风文艺出版社", [1, 2]),
    ("神笔马良", "洪汛涛", "少年儿童出版社", [2, 3]),
    ("中国古代寓言故事", "（选编）", "人民教育出版社", [3]),
]
STEP_REASONS = ["内容积极向上，适合学生年龄特点", "评议小组一致同意推荐", "校长办公会确认", "已报区教育局备案"]


@transaction.atomic
def build_wellbeing_demo(term: Term, *, today: date | None = None, seed: int = 20261124) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    weeks = [monday(today) - timedelta(days=7), monday(today)]
    memberships = list(ClassMembership.objects.filter(term=term, left_on__isnull=True).select_related(
        "school_class__school"))
    schools = {m.school_class.school_id: m.school_class.school for m in memberships}
    counts = {"wake-up times": _wakes(rng, weeks, today), "activity days": _activity(rng, memberships, weeks, today)}
    counts["phone applications"] = _phones(rng, term, memberships, schools.values(), today)
    counts["reading titles"] = _reading(rng, term, schools.values(), now)
    for school in schools.values():
        for week in weeks:
            analyse_week(school, week, now)
    return counts


def _wakes(rng, weeks, today) -> int:
    """Wake-up times for about nine in ten of the nights families gave a bedtime for; primary pupils a little
    later than junior ones, and some short nights."""
    nights = [d for d in week_days(weeks[0]) + week_days(weeks[1]) if d < today]
    rows = []
    for f in Feedback.objects.filter(date__in=nights, bedtime__isnull=False).values(
            "student_id", "school_class_id", "school_class__grade", "date"):
        if rng.random() > 0.9:
            continue
        earliest = 6 * 60 + (30 if f["school_class__grade"] <= 6 else 0)
        minutes = earliest + rng.choice((0, 15, 15, 30, 30, 45))
        rows.append(WakeReport(student_id=f["student_id"], school_class_id=f["school_class_id"], night=f["date"],
                               wake_time=time(minutes // 60, minutes % 60)))
    WakeReport.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _activity(rng, memberships, weeks, today) -> int:
    """School days up to today: a PE lesson on three days, the big break (now and then cut short), other
    activity; one class in eight records nothing this week."""
    classes = {m.school_class for m in memberships}
    rows = []
    for school_class in classes:
        lazy = rng.random() < 0.125
        pe_days = set(rng.sample(range(5), 3))
        for week in weeks:
            for i, day in enumerate(week_days(week)[:5]):
                if day > today or (lazy and week == weeks[1]):
                    continue
                rows.append(ActivityDay(
                    school_class=school_class, date=day, pe_minutes=40 if i in pe_days else 0,
                    break_minutes=rng.choice((30, 30, 30, 20)), activity_minutes=rng.choice((0, 10, 20, 30, 40))))
    ActivityDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _phones(rng, term, memberships, schools, today) -> int:
    """Each school's rule since the term began; applications in about one class in three, and in the demo head
    teacher's class two waiting (not from the demo parent, whose child has an approved one)."""
    PhoneRule.objects.bulk_create(PhoneRule(school=s, text=RULE_TEXT, storage=STORAGE, effective_from=term.start_date)
                                  for s in schools)
    head = User.objects.filter(username=DEMO_LOGINS[Role.HEAD_TEACHER]).values_list("person__teacher", flat=True).first()
    own = set(HeadTeacher.objects.filter(teacher_id=head, term=term).values_list("school_class_id", flat=True))
    parent = User.objects.get(username=DEMO_LOGINS[Role.PARENT])
    children = set(Guardianship.objects.filter(guardian_id=parent.person_id).values_list("student_id", flat=True))
    by_class = {}
    for m in memberships:
        by_class.setdefault(m.school_class, []).append(m.student_id)
    rows = []
    for school_class, pupils in by_class.items():
        if school_class.pk in own:
            chosen = [(sid, PhoneException.Status.APPROVED if sid in children else PhoneException.Status.PENDING)
                      for sid in sorted(pupils, key=lambda s: (s not in children, s))[:3]]
        elif rng.random() < 0.33:
            chosen = [(rng.choice(pupils), rng.choice(list(PhoneException.Status)))]
        else:
            continue
        for sid, status in chosen:
            decided = status != PhoneException.Status.PENDING
            rows.append(PhoneException(
                student_id=sid, school_class=school_class, reason=rng.choice(REASONS), parent_consent=True,
                status=status, decided_at=timezone.now() if decided else None,
                decision_note="" if status != PhoneException.Status.REFUSED else "可使用班主任沟通热线联系家长"))
    PhoneException.objects.bulk_create(rows)
    return len(rows)


def _reading(rng, term, schools, now: datetime) -> int:
    """Per school, the titles for its grades: most on the list, one waiting at each later step, one rejected."""
    titles = 0
    for school in schools:
        steps = WellbeingRules(school).reading_procedure(now.date())
        fitting = [t for t in TITLES if set(t[3]) & set(school.grades)]
        for i, (title, author, publisher, grades) in enumerate(fitting):
            # the first few wait at each step after the first; one is not recommended; the rest are listed
            done = min(i + 1, len(steps)) if i < len(steps) - 1 else len(steps)
            rejected = i == len(steps) - 1
            status = (ReadingTitle.Status.REJECTED if rejected else
                      ReadingTitle.Status.LISTED if done == len(steps) else ReadingTitle.Status.IN_PROGRESS)
            item = ReadingTitle.objects.create(
                school=school, term=term, title=title, author=author, publisher=publisher,
                grades=[g for g in grades if g in school.grades], steps_done=2 if rejected else done, status=status)
            decisions = [ReadingDecision(title=item, step=steps[k], passed=True, reason=STEP_REASONS[k],
                                         decided_at=now) for k in range(2 if rejected else done)]
            if rejected:
                decisions[-1].passed, decisions[-1].reason = False, "与本学段课程内容重复，暂不推荐"
            ReadingDecision.objects.bulk_create(decisions)
            titles += 1
    return titles
