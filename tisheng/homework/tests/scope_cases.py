"""Scope cases of the homework pages and downloads (format: ``tisheng/testing/scope.py``).

Objects: the head teacher's published maths plan of 七年级1班 of 青山区实验中学 (QS01), a maths plan awaiting
review in another grade-7 class of QS01, and a published Chinese plan of a class of 青山区实验小学 (QS04, another
school of the district). Each carries a marker phrase, so a probe can tell which of them a page shows.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role
from tisheng.accounts.scope import Scope
from tisheng.homework import actions, analysis
from tisheng.homework.queries import monday
from tisheng.homework.report_kinds import KEY as RECORD
from tisheng.reports.registry import get_kind, kinds_for
from tisheng.roster.models import ClassMembership, School, SchoolClass, Subject, TeachingAssignment
from tisheng.testing.scope import Probe

MINE, WAITING, FOREIGN = "公示内容甲七一数学", "待审内容乙七二数学", "外校内容丙实小语文"
NO_SUCH_ID = 999_999_999


def _plan(school_class, subject_code, week, content, *, publish: bool, leader=None):
    assignment = TeachingAssignment.objects.filter(school_class=school_class, subject__code=subject_code).select_related(
        "teacher__person__user", "subject").first()
    user = assignment.teacher.person.user
    plan = actions.start_plan(user, teacher=assignment.teacher, school_class=school_class, subject=assignment.subject,
                              week=week)
    items = [actions.ItemData(week + timedelta(days=d), content, "written", "basic", "", 20) for d in range(7)]
    plan = actions.save_plan(user, plan, version=plan.version, items=items, submit=True)
    if publish:
        actions.approve(leader or user, plan, version=plan.version)
        plan.refresh_from_db()
    return plan


def _world(world):
    """Build the objects once per role test (each role's probes run in a transaction rolled back after)."""
    week = monday(timezone.localdate())
    today = timezone.localdate()
    main, other = School.objects.get(code="QS01"), School.objects.get(code="QS04")
    head = world.logins["head_teacher"]
    own = SchoolClass.objects.get(pk=next(iter(Scope.of(head).head_class_ids)))
    parallel = SchoolClass.objects.filter(school=main, academic_year=own.academic_year, grade=7).exclude(pk=own.pk).first()
    foreign_class = SchoolClass.objects.filter(school=other, academic_year=own.academic_year, grade=3).first()
    leader = world.logins["subject_leader"]
    mine = _plan(own, "math", week, MINE, publish=True, leader=leader)
    waiting = _plan(parallel, "math", week, WAITING, publish=False)
    foreign = _plan(foreign_class, "chinese", week, FOREIGN, publish=True)
    child = ClassMembership.objects.filter(school_class=own, term=world.term, left_on__isnull=True,
                                           student_id__in=Scope.of(world.logins["parent"]).child_ids).first().student
    classmate = ClassMembership.objects.filter(school_class=own, term=world.term, left_on__isnull=True).exclude(
        student=child).first().student
    analysis.analyse_week(main, week)
    analysis.analyse_week(other, week)
    return {"week": week, "today": today, "main": main, "other": other, "own": own, "parallel": parallel,
            "foreign_class": foreign_class, "mine": mine, "waiting": waiting, "foreign": foreign, "child": child,
            "classmate": classmate}


def cases(world, role, user):
    w = _world(world)
    s = Scope.of(user)
    district = role in DISTRICT_ROLES
    school = role in SCHOOL_ROLES
    staff = role != Role.PARENT
    coordinator = district or school or role == Role.GRADE_LEADER
    teaches_own = w["own"].pk in s.class_ids
    mine, foreign, own, foreign_class = w["mine"], w["foreign"], w["own"], w["foreign_class"]
    sees_mine = district or school or role in (Role.GRADE_LEADER, Role.SUBJECT_LEADER, Role.HEAD_TEACHER)
    edits_mine = role in (Role.HEAD_TEACHER, Role.GRADE_LEADER)
    day = w["today"]
    records = get_kind(RECORD) in kinds_for(user)  # who may request the class record (report_kinds.py)

    def status(sees: bool, may: bool, ok: int = 200) -> int:
        return ok if sees and may else 403 if sees else 404

    def plan_probes(name, *, method="get", data=None, ok=200, may_mine=True, may_foreign=True):
        return [
            Probe(reverse(name, args=[mine.pk]), method=method, data=data, status=status(sees_mine, may_mine, ok),
                  absent=(FOREIGN,) if method == "get" else ()),
            Probe(reverse(name, args=[foreign.pk]), method=method, data=data,
                  status=status(district, may_foreign, ok), absent=() if district else (FOREIGN,)),
            Probe(reverse(name, args=[NO_SUCH_ID]), method=method, data=data, status=404),
        ]

    totals_form = {"items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0, "version": mine.version}
    class_visible = district or school or role in (Role.GRADE_LEADER, Role.SUBJECT_LEADER, Role.HEAD_TEACHER) or teaches_own

    def class_probes(name, *, method="get", ok=200, may=True, data=None, present=()):
        return [
            Probe(reverse(name, args=[own.pk]), method=method, data=data,
                  status=status(class_visible and staff, may, ok), present=present if class_visible and may and staff else ()),
            Probe(reverse(name, args=[foreign_class.pk]), method=method, data=data,
                  status=status(district, may, ok), absent=() if district else (FOREIGN,)),
            Probe(reverse(name, args=[NO_SUCH_ID]), method=method, data=data, status=404),
        ]

    outside_school = {"school": w["other"].pk}
    absent_other = () if district else (w["other"].name, FOREIGN)

    return {
        "homework:index": [Probe(reverse("homework:index"), status=302)],
        "homework:my_plans": [Probe(reverse("homework:my_plans"), status=200 if s.teacher_id and s.class_ids else 403,
                                    absent=(WAITING, FOREIGN))],
        "homework:plan_start": [
            Probe(reverse("homework:plan_start"), method="post", status=302 if role == Role.HEAD_TEACHER else 404,
                  data={"school_class": own.pk, "subject": Subject.objects.get(code="math").pk, "week": w["week"]}),
            Probe(reverse("homework:plan_start"), method="post", status=404,
                  data={"school_class": foreign_class.pk, "subject": foreign.subject_id, "week": w["week"]}),
        ],
        "homework:plan_detail": plan_probes("homework:plan_detail") + ([
            Probe(reverse("homework:plan_detail", args=[mine.pk]), present=(MINE,))] if sees_mine else []),
        "homework:plan_edit": plan_probes("homework:plan_edit", may_mine=edits_mine, may_foreign=False),
        "homework:plan_totals": plan_probes("homework:plan_totals", method="post", data=totals_form,
                                            may_mine=edits_mine, may_foreign=False),
        # the plan is published: the leader's approval is refused with a message (302), nobody else may try
        "homework:plan_review": plan_probes("homework:plan_review", method="post", ok=302,
                                            data={"decision": "approve", "version": mine.version},
                                            may_mine=role == Role.SUBJECT_LEADER, may_foreign=False),
        "homework:plan_copy": plan_probes("homework:plan_copy", method="post", ok=302,
                                          may_mine=role == Role.HEAD_TEACHER, may_foreign=False),
        "homework:review_list": [Probe(
            reverse("homework:review_list"), status=200 if (school or role in (Role.GRADE_LEADER, Role.SUBJECT_LEADER)) else 403,
            present=(WAITING,) if role == Role.SUBJECT_LEADER else (), absent=(FOREIGN,))],
        "homework:week_totals": [
            Probe(reverse("homework:week_totals"), status=200 if coordinator else 403),
            Probe(reverse("homework:week_totals"), data=outside_school, status=200 if coordinator else 403,
                  absent=absent_other),
        ],
        "homework:class_week": class_probes("homework:class_week", present=(MINE,)),
        "homework:class_count": class_probes("homework:class_count", method="post", ok=302,
                                             may=role == Role.HEAD_TEACHER, data={"date": day, "finished_in_school": 1}),
        # old links of the class record: they open the report pipeline's form (see reports' scope cases)
        "homework:record_xlsx": class_probes("homework:record_xlsx", ok=302, may=records),
        "homework:record_pdf": class_probes("homework:record_pdf", ok=302, may=records),
        "homework:posting": [
            Probe(reverse("homework:posting", args=[own.pk, day]), status=200 if class_visible or role == Role.PARENT else 404,
                  present=(MINE,) if class_visible or role == Role.PARENT else (), absent=(FOREIGN,)),
            Probe(reverse("homework:posting", args=[foreign_class.pk, day]), status=200 if district else 404,
                  absent=() if district else (FOREIGN,)),
            Probe(reverse("homework:posting", args=[NO_SUCH_ID, day]), status=404),
        ],
        "homework:today": [Probe(reverse("homework:today"), status=200 if role == Role.PARENT else 403,
                                 present=(MINE,) if role == Role.PARENT else (), absent=(FOREIGN,))],
        "homework:feedback": [
            Probe(reverse("homework:feedback", args=[w["child"].pk, day]), status=200 if role == Role.PARENT else 404),
            Probe(reverse("homework:feedback", args=[w["classmate"].pk, day]), status=404,
                  absent=(w["classmate"].name,)),
            Probe(reverse("homework:feedback", args=[w["classmate"].pk, day]), method="post", status=404,
                  data={f"s{w['classmate'].pk}-minutes": 30, f"s{w['classmate'].pk}-finished": "home"}),
        ],
        "homework:analysis": [
            Probe(reverse("homework:analysis"), status=200 if staff else 403),
            Probe(reverse("homework:analysis"), data=outside_school, status=200 if staff else 403, absent=absent_other),
        ],
        "homework:refresh": [
            Probe(reverse("homework:refresh"), method="post", data={"school": w["main"].pk, "week": w["week"]},
                  status=302 if district or school else 404 if role == Role.PARENT else 403),
            Probe(reverse("homework:refresh"), method="post", data={"school": w["other"].pk, "week": w["week"]},
                  status=302 if district else 404),
        ],
        "homework:dashboard": [Probe(reverse("homework:dashboard"), status=200 if coordinator else 403,
                                     absent=() if district else (w["other"].name,))],
        "homework:summary": [
            Probe(reverse("homework:summary"), status=200 if district or school else 403),
            Probe(reverse("homework:summary"), data=outside_school, status=200 if district or school else 403,
                  absent=absent_other),
        ],
    }
