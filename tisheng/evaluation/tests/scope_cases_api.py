"""Scope cases of the value-added API routes (``tisheng/api/evaluation.py``; format: ``tisheng/testing/scope.py``)."""

from functools import partial

from tisheng.assessments.tests.scope_cases import NO_EXAMS, NO_SUCH_ID
from tisheng.evaluation.tests.scope_world import scope_value_added
from tisheng.testing.scope import Probe, targets

api = partial(Probe, api=True)


def cases(world, role, user):
    t = targets(world, role)
    exams = scope_value_added(world)
    other = next(a for (district, grade), a in exams.by_grade.items() if district != world.district.pk)
    exam = exams.of_class(t.class_in) or exams.by_grade[(world.district.pk, 7)]
    staff = role not in NO_EXAMS
    ok, hidden = (200, 404) if staff else (403, 403)
    base, elsewhere = f"/api/assessments/{exam.pk}", f"/api/assessments/{other.pk}"

    def on_exam(suffix: str, **inside) -> list[Probe]:
        return [api(f"{base}{suffix}", status=ok, **inside), api(f"{elsewhere}{suffix}", status=hidden),
                api(f"/api/assessments/{NO_SUCH_ID}{suffix}", status=hidden)]

    c = {
        "api:value_added": on_exam("/value-added", absent=(f'"school_class_id": {t.class_out.pk},',
                                                           f'"class_id": {t.class_out.pk},') if t.class_out else ()),
        "api:growth": on_exam("/growth", absent=(f'"student_id": {t.student_out.pk},',) if t.student_out else ()),
    }
    if t.class_in is not None and exams.of_class(t.class_in) is not None and staff:
        c["api:value_added"].append(api(f"{base}/value-added", data={"level": "class"},
                                        present=(f'"class_id": {t.class_in.pk},',)))
    if t.class_out is not None:
        c["api:growth"].append(api(f"{base}/growth", data={"class": t.class_out.pk}, status=hidden))
    return c
