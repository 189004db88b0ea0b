"""Small builders for the homework tests, on the demo world (``tisheng/conftest.py``).

In the test world the head teacher (班主任) of 七年级1班 of 青山区实验中学 (QS01) teaches it maths; the subject
leader (数学组长) leads maths in the whole school; the grade leader leads grade 7; the parent's child is in
七年级1班.
"""

from datetime import date, timedelta

from django.utils import timezone

from tisheng.accounts.scope import Scope
from tisheng.homework import actions
from tisheng.homework.actions import ItemData
from tisheng.homework.queries import monday
from tisheng.roster.models import SchoolClass, Subject, Teacher, TeachingAssignment


def next_week() -> date:
    return monday(timezone.localdate()) + timedelta(days=7)


def own_class(world, role="head_teacher") -> SchoolClass:
    return SchoolClass.objects.get(pk=next(iter(Scope.of(world.logins[role]).head_class_ids)))


def teacher_of(world, role="head_teacher") -> Teacher:
    return Teacher.objects.get(pk=Scope.of(world.logins[role]).teacher_id)


def item(day: date, minutes: int, content="练习册第12页 1–4题", kind="written", layer="", category="basic"):
    return ItemData(day, content, kind, category, layer, minutes)


def maths_plan(world, week=None, minutes=(30, 30, 30, 30, 30), **item_kwargs):
    """The head teacher's maths plan of 七年级1班 with one written item a school day (minutes per day)."""
    week = week or next_week()
    user = world.logins["head_teacher"]
    school_class = own_class(world)
    plan = actions.start_plan(user, teacher=teacher_of(world), school_class=school_class,
                              subject=Subject.objects.get(code="math"), week=week)
    items = [item(week + timedelta(days=i), m, **item_kwargs) for i, m in enumerate(minutes) if m]
    return actions.save_plan(user, plan, version=plan.version, items=items, submit=False)


def colleague_plan(world, subject_code: str, minutes: dict[int, int], week=None, submit=False):
    """The plan of whoever teaches ``subject_code`` in 七年级1班 (minutes per weekday index)."""
    week = week or next_week()
    school_class = own_class(world)
    assignment = TeachingAssignment.objects.get(school_class=school_class, subject__code=subject_code, term=world.term)
    user = assignment.teacher.person.user
    plan = actions.start_plan(user, teacher=assignment.teacher, school_class=school_class, subject=assignment.subject,
                              week=week)
    items = [item(week + timedelta(days=d), m) for d, m in minutes.items()]
    return actions.save_plan(user, plan, version=plan.version, items=items, submit=submit), user


def publish(world, plan):
    """Submit (as its teacher) and approve (as the maths leader, or a superuser-free shortcut for others)."""
    plan = actions.save_plan(plan.updated_by, plan, version=plan.version, items=_items(plan), submit=True)
    return actions.approve(world.logins["subject_leader"], plan, version=plan.version)


def _items(plan):
    return [ItemData(i.date, i.content, i.kind, i.category, i.layer, i.minutes, i.pk) for i in plan.items.all()]
