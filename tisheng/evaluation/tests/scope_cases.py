"""Scope cases of the value-added pages (format: ``tisheng/testing/scope.py``).

Rows come from ``scope_world.scope_value_added`` on the exams of the assessments app's scope world. Classes
are looked for by the links to their pages, which carry ids.
"""

from tisheng.accounts.models import Role
from tisheng.assessments.tests.scope_cases import NO_EXAMS, NO_SUCH_ID
from tisheng.evaluation.tests.scope_world import scope_value_added
from tisheng.testing.scope import Probe, targets


def cases(world, role, user):
    t = targets(world, role)
    exams = scope_value_added(world)
    other = next(a for (district, grade), a in exams.by_grade.items() if district != world.district.pk)
    exam = exams.of_class(t.class_in) or exams.by_grade[(world.district.pk, 7)]
    staff = role not in NO_EXAMS
    ok, hidden = (200, 404) if staff else (403, 403)
    base, elsewhere = f"/evaluation/{exam.pk}", f"/evaluation/{other.pk}"

    def class_link(school_class, assessment=exam):
        return f"/evaluation/{assessment.pk}/classes/{school_class.pk}/"

    absent_class = (class_link(t.class_out),) if t.class_out else ()
    c = {
        "evaluation:index": [Probe("/evaluation/", status=ok, present=(exam.name,) if staff else (),
                                   absent=(other.name,))],
        "evaluation:assessment": [
            Probe(f"{base}/", status=ok, present=(exam.name,) if staff else (), absent=absent_class),
            Probe(f"{elsewhere}/", status=hidden, absent=(other.name,)),
            Probe(f"/evaluation/{NO_SUCH_ID}/", status=hidden),
            Probe(f"{base}/", data={"subject": NO_SUCH_ID}, status=hidden),
        ],
        "evaluation:class": [Probe(f"{base}/classes/{NO_SUCH_ID}/", status=hidden)],
        # the default rule keeps growth percentiles from parents: their own child's page is absent too
        "evaluation:child": [Probe(f"/evaluation/children/{NO_SUCH_ID}/", status=404)],
    }
    if t.class_in is not None and exams.of_class(t.class_in) is not None:
        c["evaluation:class"].append(Probe(class_link(t.class_in), status=ok,
                                           present=(t.class_in.name,) if staff else ()))
        if staff:
            c["evaluation:assessment"].append(Probe(f"{base}/", present=(class_link(t.class_in),)))
    if t.class_out is not None:
        c["evaluation:class"].append(Probe(class_link(t.class_out), status=hidden))
    if t.student_in is not None:
        c["evaluation:child"].append(Probe(f"/evaluation/children/{t.student_in.pk}/", status=404))
    if t.student_out is not None:
        c["evaluation:child"].append(Probe(f"/evaluation/children/{t.student_out.pk}/", status=404))
    if role == Role.PARENT:
        c["evaluation:class"].append(Probe(f"{elsewhere}/classes/{NO_SUCH_ID}/", status=403))
    return c
