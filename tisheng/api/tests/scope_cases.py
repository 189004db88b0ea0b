"""Scope cases of the API routes (format: ``tisheng/testing/scope.py``)."""

from functools import partial

from tisheng.accounts.models import Role
from tisheng.testing.scope import Probe, shown_student_no, targets

api = partial(Probe, api=True)
NO_SUCH_ID = 999_999_999
# who may change a pupil's boarding, left-behind flag and guardians' phones (of pupils in scope)
STUDENT_EDITORS = {Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.HEAD_TEACHER}


def _detail(path: str, inside, outside, present_in, absent_out) -> list[Probe]:
    probes = [api(f"/api/{path}/{NO_SUCH_ID}", status=404)]
    if inside is not None:
        probes.append(api(f"/api/{path}/{inside.pk}", present=present_in(inside)))
    if outside is not None:
        probes.append(api(f"/api/{path}/{outside.pk}", status=404, absent=absent_out(outside)))
    return probes


def _listing(path: str, search, inside, outside, key) -> list[Probe]:
    """The list without filter, searched for the object inside (present) and for the one outside (absent)."""
    probes = [api(f"/api/{path}")]
    if inside is not None:
        probes.append(api(f"/api/{path}", data={"q": search(inside)}, present=(key(inside),)))
    if outside is not None:
        probes += [
            api(f"/api/{path}", data={"q": search(outside)}, absent=(key(outside),)),
            api(f"/api/{path}", absent=(key(outside),)),
        ]
    return probes


def cases(world, role, user):
    t = targets(world, role)
    student_out_no = (t.student_out.student_no,) if t.student_out else ()
    c = {
        "api:me": [api("/api/me", present=(user.username,))],
        # the schema and its docs page describe the API, not data: every logged-in user may read them
        "api:openapi-json": [Probe("/api/openapi.json", present=("/api/students",))],
        "api:openapi-view": [Probe("/api/docs", present=("swagger-ui",))],
        "api:api-root": [Probe("/api/", status=404)],
        "api:school_list": _listing("schools", lambda s: s.name, t.school_in, t.school_out, lambda s: s.name),
        "api:school_detail": _detail("schools", t.school_in, t.school_out, lambda s: (s.name,), lambda s: (s.name,)),
        "api:class_list": [api("/api/classes")]
        + ([api("/api/classes", data={"school": t.class_out.school_id}, absent=(f'"id": {t.class_out.pk},',))] if t.class_out else [])
        + ([api("/api/classes", data={"school": t.class_in.school_id, "grade": t.class_in.grade},
                present=(f'"id": {t.class_in.pk},',))] if t.class_in else []),
        "api:class_detail": _detail(
            "classes", t.class_in, t.class_out, lambda c: (f'"id": {c.pk},',), lambda c: (c.school.name,)
        ),
        "api:student_list": _listing("students", lambda s: s.student_no, t.student_in, t.student_out,
                                     lambda s: shown_student_no(world, user, s))
        + ([api("/api/students", data={"class": t.class_out.pk, "include_left": "true"}, absent=student_out_no)]
           if t.class_out else []),
        "api:student_detail": _detail(
            "students", t.student_in, t.student_out, lambda s: (shown_student_no(world, user, s), s.name),
            lambda s: (s.student_no, s.name),
        ),
        "api:student_update": [api(f"/api/students/{NO_SUCH_ID}", method="patch", data={"boarding": True}, status=404)],
        "api:teacher_list": _listing("teachers", lambda t: t.staff_no, t.teacher_in, t.teacher_out, lambda t: t.staff_no),
        "api:teacher_detail": _detail(
            "teachers", t.teacher_in, t.teacher_out, lambda t: (t.staff_no,), lambda t: (t.staff_no, t.person.name)
        ),
    }
    if t.student_in is not None:
        c["api:student_update"].append(
            api(f"/api/students/{t.student_in.pk}", method="patch", data={"left_behind": True},
                status=200 if role in STUDENT_EDITORS else 403)
        )
    if t.student_out is not None:
        c["api:student_update"].append(
            api(f"/api/students/{t.student_out.pk}", method="patch", data={"left_behind": True}, status=404,
                absent=(t.student_out.name,))
        )
    return c
