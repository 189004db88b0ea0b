"""Scope cases of the exam API routes (``tisheng/api/assessments.py``; format: ``tisheng/testing/scope.py``)."""

from functools import partial

from tisheng.assessments.tests.scope_cases import NO_EXAMS, NO_SUCH_ID
from tisheng.assessments.tests.scope_world import scope_exams
from tisheng.testing.scope import Probe, targets

api = partial(Probe, api=True)


def cases(world, role, user):
    t = targets(world, role)
    exams = scope_exams(world)
    other = next(a for (district, grade), a in exams.by_grade.items() if district != world.district.pk)
    exam = exams.of_class(t.class_in) or exams.by_grade[(world.district.pk, 7)]
    staff = role not in NO_EXAMS
    ok, hidden = (200, 404) if staff else (403, 403)
    base, elsewhere = f"/api/assessments/{exam.pk}", f"/api/assessments/{other.pk}"

    def on_exam(suffix: str, **inside) -> list[Probe]:
        return [api(f"{base}{suffix}", status=ok, **inside), api(f"{elsewhere}{suffix}", status=hidden),
                api(f"/api/assessments/{NO_SUCH_ID}{suffix}", status=hidden)]

    c = {
        "api:assessment_list": [api("/api/assessments", status=ok, present=(exam.name,) if staff else (),
                                    absent=(other.name,))],
        "api:assessment_detail": on_exam("", present=(exam.name,) if staff else ()),
        "api:assessment_imports": on_exam("/imports"),
        "api:assessment_results": on_exam("/results"),
        "api:assessment_items": on_exam("/items"),
        "api:assessment_students": on_exam("/students", absent=(f'"student_id": {t.student_out.pk},',) if t.student_out else ()),
    }
    if t.school_out is not None:
        c["api:assessment_results"].append(api(f"{base}/results", data={"school": t.school_out.pk}, status=hidden))
        c["api:assessment_results"].append(api(f"{base}/results", data={"scope": "school"},
                                               status=ok, absent=(f'"school_id": {t.school_out.pk},',)))
    if t.class_out is not None:
        c["api:assessment_students"].append(api(f"{base}/students", data={"class": t.class_out.pk}, status=hidden))
        c["api:assessment_items"].append(api(f"{base}/items", data={"class": t.class_out.pk, "scope": "class"},
                                             status=hidden))
    if t.student_in is not None and staff:
        c["api:assessment_students"].append(api(f"{base}/students", present=(f'"student_id": {t.student_in.pk},',)))
    return c
