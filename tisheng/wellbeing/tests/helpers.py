"""Small builders for the wellbeing tests, on the demo world (``tisheng/conftest.py``): the head teacher (班主任)
leads 七年级1班 of 青山区实验中学 (QS01), where the demo parent's child is."""

from datetime import time

from tisheng.accounts.scope import Scope
from tisheng.homework.models import Feedback
from tisheng.roster.models import ClassMembership, SchoolClass, Student


def own_class(world) -> SchoolClass:
    return SchoolClass.objects.get(pk=next(iter(Scope.of(world.logins["head_teacher"]).head_class_ids)))


def child_of(world) -> Student:
    return Student.objects.get(pk=min(Scope.of(world.logins["parent"]).child_ids))


def classmate_of(world, child) -> Student:
    return ClassMembership.objects.filter(school_class=own_class(world), term=world.term, left_on__isnull=True).exclude(
        student=child).order_by("student__student_no").first().student


def bedtime(student, school_class, night, at: time) -> Feedback:
    """The family's homework answer for ``night`` with its bedtime (the homework app's fact, written directly)."""
    return Feedback.objects.create(student=student, school_class=school_class, date=night, minutes=30,
                                   finished="home", bedtime=at)
