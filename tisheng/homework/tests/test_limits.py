"""Limits from the rule set: per grade, a school's stricter rule, grades 1–2, subjects without written homework."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tisheng.homework import actions
from tisheng.homework.forms import item_formset
from tisheng.homework.models import Plan, PostedItem
from tisheng.homework.rules import SchoolRules
from tisheng.homework.tests.helpers import colleague_plan, maths_plan, next_week, own_class, publish
from tisheng.roster.models import School, SchoolClass, TeachingAssignment, Term
from tisheng.rulesets.models import RuleOverride

Status = Plan.Status
KEY = "homework.written.daily_avg_minutes.max"


def test_limits_per_grade_come_from_the_national_rules(world):
    primary, junior = School.objects.get(code="QS04"), School.objects.get(code="QS01")
    day = next_week()
    assert SchoolRules(primary).written_limit(1, day) == 0  # grades 1-2: no written homework at home
    assert SchoolRules(primary).written_limit(2, day) == 0
    assert SchoolRules(primary).written_limit(3, day) == 60
    assert SchoolRules(primary).written_limit(6, day) == 60
    assert SchoolRules(junior).written_limit(7, day) == 90
    assert SchoolRules(junior).written_limit(9, day) == 90
    assert not SchoolRules(primary).written_at_home_allowed(2, day)
    assert SchoolRules(junior).written_at_home_allowed(7, day)


def test_a_school_override_makes_the_limit_stricter_from_its_date(world):
    junior = School.objects.get(code="QS01")
    start = next_week() + timedelta(days=2)  # from Wednesday
    RuleOverride.objects.create(key=KEY, value=60, school=junior, grades=[7], effective_from=start, note="本校规定")
    rules = SchoolRules(junior)
    assert rules.written_limit(7, next_week()) == 90
    assert rules.written_limit(7, start) == 60
    assert rules.written_limit(8, start) == 90  # only grade 7
    assert SchoolRules(School.objects.get(code="QS04")).written_limit(6, start) == 60  # another school: national


def test_the_second_plan_that_takes_a_day_over_the_limit_is_held(world):
    maths = maths_plan(world, minutes=(50, 30))
    assert publish(world, maths) == []
    chinese, _user = colleague_plan(world, "chinese", {0: 45, 1: 30}, submit=True)  # Monday 50 + 45 = 95 > 90
    over = actions.approve(world.logins["subject_leader"], chinese, version=chinese.version)
    chinese.refresh_from_db()
    assert chinese.status == Status.HELD
    assert [(o.date, o.written, o.limit) for o in over] == [(next_week(), 95, 90)]
    assert not PostedItem.objects.filter(plan=chinese).exists()

    # the grade leader cannot publish it while the day is full ...
    with_leader = world.logins["grade_leader"]
    assert actions.publish_held(with_leader, chinese, version=chinese.version)
    chinese.refresh_from_db()
    assert chinese.status == Status.HELD
    # ... the maths teacher cuts Monday, the change is approved, and then it fits
    maths.refresh_from_db()
    items = [actions.ItemData(i.date, i.content, i.kind, i.category, i.layer, 40 if i.date == next_week() else i.minutes, i.pk)
             for i in maths.items.all()]
    maths = actions.save_plan(world.logins["head_teacher"], maths, version=maths.version, items=items, submit=True)
    assert actions.approve(world.logins["subject_leader"], maths, version=maths.version) == []
    assert actions.publish_held(with_leader, chinese, version=chinese.version) == []
    chinese.refresh_from_db()
    assert chinese.status == Status.PUBLISHED


def test_a_stricter_school_limit_holds_a_plan_the_national_limit_allows(world):
    RuleOverride.objects.create(key=KEY, value=60, school=own_class(world).school, grades=[7],
                                effective_from=date(2025, 9, 1), note="本校规定每天不超过60分钟")
    plan = maths_plan(world, minutes=(70,))
    over = publish(world, plan)
    assert [(o.written, o.limit) for o in over] == [(70, 60)]


def test_layers_count_once_a_day_against_the_limit(world):
    week = next_week()
    plan = maths_plan(world, minutes=())
    items = [actions.ItemData(week, "A层：基础练习", "written", "basic", "A", 50),
             actions.ItemData(week, "B层：拓展练习", "written", "extended", "B", 60),
             actions.ItemData(week, "全班：背诵", "written", "basic", "", 30)]
    plan = actions.save_plan(world.logins["head_teacher"], plan, version=plan.version, items=items, submit=True)
    load = actions.class_day_load(plan, list(plan.items.all()))[week]
    assert load["with"]["written"] == 90  # 30 + max(50, 60)
    assert actions.approve(world.logins["subject_leader"], plan, version=plan.version) == []


def _form_data(plan, **row):
    data = {"items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-0-date": plan.week.isoformat(),
            "items-0-content": "抄写生字", "items-0-kind": "written", "items-0-category": "basic", "items-0-minutes": 10}
    data.update({f"items-0-{k}": v for k, v in row.items()})
    return data


def _plan_for(school_code, grade, subject_code):
    school_class = SchoolClass.objects.filter(school__code=school_code, grade=grade).order_by("number").first()
    assignment = TeachingAssignment.objects.filter(school_class=school_class, subject__code=subject_code).first()
    return Plan.objects.create(teacher=assignment.teacher, school_class=school_class, subject=assignment.subject,
                               week=next_week())


@pytest.mark.parametrize("grade", [1, 2])
def test_grades_1_and_2_get_no_written_homework(world, grade):
    plan = _plan_for("QS04", grade, "chinese")
    formset = item_formset(plan, SchoolRules(plan.school_class.school), data=_form_data(plan))
    assert not formset.is_valid()
    assert "kind" in formset.forms[0].errors
    practical = item_formset(plan, SchoolRules(plan.school_class.school), data=_form_data(plan, kind="practical"))
    assert practical.is_valid(), practical.errors


def test_a_school_without_written_english_homework_refuses_it(world):
    plan = _plan_for("QS01", 7, "english")
    rules = SchoolRules(plan.school_class.school)
    assert item_formset(plan, rules, data=_form_data(plan)).is_valid()
    RuleOverride.objects.create(key="homework.written.forbidden_subjects", value=["english"],
                                school=plan.school_class.school, effective_from=date(2025, 9, 1), note="英语不布置书面家庭作业")
    formset = item_formset(plan, SchoolRules(plan.school_class.school), data=_form_data(plan))
    assert not formset.is_valid() and "kind" in formset.forms[0].errors
    # maths is not touched by the English rule
    assert item_formset(_plan_for("QS01", 7, "math"), SchoolRules(plan.school_class.school),
                        data=_form_data(plan)).is_valid()


@pytest.mark.parametrize("row, field", [
    ({"minutes": ""}, "minutes"), ({"minutes": 0}, "minutes"), ({"minutes": 241}, "minutes"),
    ({"content": ""}, "content"), ({"kind": "homework"}, "kind"), ({"layer": "C"}, "layer"),
])
def test_each_bad_field_is_reported(world, row, field):
    plan = _plan_for("QS01", 7, "math")
    formset = item_formset(plan, SchoolRules(plan.school_class.school), data=_form_data(plan, **row))
    assert not formset.is_valid()
    assert field in formset.forms[0].errors


def test_a_day_outside_the_week_is_refused_and_an_empty_row_ignored(world):
    plan = _plan_for("QS01", 7, "math")
    rules = SchoolRules(plan.school_class.school)
    bad = item_formset(plan, rules, data=_form_data(plan, date=(plan.week + timedelta(days=7)).isoformat()))
    assert not bad.is_valid()
    empty = item_formset(plan, rules, data=_form_data(plan, content="", minutes=""))
    assert empty.is_valid() and empty.items() == []



def test_holidays_and_vacations_are_shown_with_the_weekend(world, client_for):
    """周末、寒暑假、法定节假日: a weekday named in ``homework.days_off`` (the district's holidays) and a day between
    terms count as days without school; their written minutes are summed apart, still within the limit."""
    plan = maths_plan(world, minutes=(30, 0, 20))
    wednesday = plan.week + timedelta(days=2)
    school = own_class(world).school
    RuleOverride.objects.create(key="homework.days_off", value=[wednesday.isoformat()], district=school.district,
                                effective_from=date(2025, 9, 1), note="区教育局 放假安排")
    rules = SchoolRules(school)
    assert rules.day_off(wednesday) and not rules.day_off(plan.week) and rules.day_off(plan.week + timedelta(days=5))
    terms = list(Term.objects.order_by("start_date"))
    vacation = [t.end_date + timedelta(days=d) for t, after in zip(terms, terms[1:], strict=False)
                for d in range(1, (after.start_date - t.end_date).days)]
    assert vacation and all(rules.day_off(d) for d in vacation)  # 寒假 between the terms
    edit = client_for("head_teacher").get(reverse("homework:plan_edit", args=[plan.pk]))
    assert "放假" in edit.content.decode()  # the Wednesday's block says there is no school
    publish(world, plan)
    page = client_for("grade_leader").get(reverse("homework:week_totals"), {"week": plan.week.isoformat()})
    row = next(r for r in page.context["rows"] if r["school_class"] == own_class(world))
    assert row["weekend"] == 20 and page.context["days_off"] == {wednesday, plan.week + timedelta(days=5),
                                                                plan.week + timedelta(days=6)}
    from tisheng.homework.report_kinds import KEY
    from tisheng.reports.registry import get_kind

    record = get_kind(KEY).gather(world.logins["head_teacher"], {"class": own_class(world).pk,
                                                                 "week": plan.week.isoformat()})["classes"][0]
    assert record["days"][2]["weekend"] and record["days"][2]["weekday"] == "星期三（假）"
    assert "上学日 4 天合计 30 分钟" in record["week_line"] and "周末及节假日 20 分钟" in record["week_line"]
