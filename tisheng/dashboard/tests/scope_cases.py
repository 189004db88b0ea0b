"""Scope cases of the home page (format: ``tisheng/testing/scope.py``)."""

from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.testing.scope import Probe, targets


def cases(world, role, user):
    t = targets(world, role)
    if role == Role.PARENT:  # the own child's card; no classmate, no teacher
        present = (t.student_in.name, t.student_in.student_no)
        absent = (t.student_out.student_no, t.teacher_out.staff_no if t.teacher_out else "")
    else:
        present = (t.school_in.name,) if t.school_in else ()
        absent = tuple(filter(None, [
            t.school_out.name if t.school_out and t.school_out != t.school_in else "",
            t.student_out.student_no if t.student_out else "",
        ]))
    return {"dashboard:home": [Probe(reverse("dashboard:home"), present=present, absent=tuple(filter(None, absent)))]}
