"""Scope cases of the roster pages and exports (format: ``tisheng/testing/scope.py``).

Names of classes repeat across schools (every school has a 七年级1班) and Chinese names repeat across pupils, so
probes look for identifiers: 学籍号, 工号, school names, and the links to detail pages.
"""

from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.testing.scope import Probe, shown_student_no, targets

NO_SUCH_ID = 999_999_999
STAFF_ONLY = 403  # lists and exports are for staff; a parent has the home page and the own child's page


def href(name: str, obj) -> str:
    return f'href="{reverse(name, args=[obj.pk])}"'


def class_label(out, inside) -> str:
    """What tells the class outside apart from those inside: its school's name, or within one school its name."""
    if inside is not None and out.school_id == inside.school_id:
        return out.name
    return out.school.name


def _detail(name: str, inside, outside, present, absent) -> list[Probe]:
    probes = [Probe(reverse(name, args=[NO_SUCH_ID]), status=404)]
    if inside is not None:
        probes.append(Probe(reverse(name, args=[inside.pk]), present=present(inside)))
    if outside is not None:
        probes.append(Probe(reverse(name, args=[outside.pk]), status=404, absent=absent(outside)))
    return probes


def _listing(name: str, *, inside_query=None, inside_present=(), outside_query=None, outside_absent=()) -> list[Probe]:
    url = reverse(name)
    probes = [Probe(url, absent=outside_absent)]
    if inside_query is not None:
        probes.append(Probe(url, data=inside_query, present=inside_present))
    if outside_query is not None:
        probes.append(Probe(url, data=outside_query, absent=outside_absent))
    return probes


def cases(world, role, user):
    t = targets(world, role)
    if role == Role.PARENT:
        lists = {
            name: [Probe(reverse(name), status=STAFF_ONLY), Probe(reverse(name), data={"q": t.student_out.student_no},
                                                                  status=STAFF_ONLY, absent=(t.student_out.name,))]
            for name in [f"roster:{kind}_{what}" for kind in ("school", "class", "student", "teacher")
                         for what in ("list", "export")]
        }
    else:
        school_out = (t.school_out.name,) if t.school_out else ()
        class_out = (class_label(t.class_out, t.class_in),) if t.class_out else ()
        student_out = (t.student_out.student_no,) if t.student_out else ()
        teacher_out = (t.teacher_out.staff_no,) if t.teacher_out else ()
        schools = dict(
            inside_query={"q": t.school_in.code} if t.school_in else None, inside_present=(t.school_in.name,) if t.school_in else (),
            outside_query={"q": t.school_out.name} if t.school_out else None, outside_absent=school_out,
        )
        classes = dict(
            inside_query={"school": t.class_in.school_id, "grade": t.class_in.grade} if t.class_in else None,
            outside_query={"school": t.class_out.school_id, "grade": t.class_out.grade} if t.class_out else None,
        )
        students = dict(
            inside_query={"q": t.student_in.student_no} if t.student_in else None,
            inside_present=(t.student_in.name,) if t.student_in else (),
            outside_query={"q": t.student_out.name} if t.student_out else None, outside_absent=student_out,
        )
        teachers = dict(
            inside_query={"q": t.teacher_in.staff_no} if t.teacher_in else None,
            inside_present=(t.teacher_in.person.name,) if t.teacher_in else (),
            outside_query={"q": t.teacher_out.person.name} if t.teacher_out else None, outside_absent=teacher_out,
        )
        lists = {
            "roster:school_list": _listing("roster:school_list", **schools),
            "roster:school_export": _listing("roster:school_export", **schools),
            "roster:class_list": _listing(
                "roster:class_list", **classes, outside_absent=(href("roster:class_detail", t.class_out),) if t.class_out else (),
                inside_present=(href("roster:class_detail", t.class_in),) if t.class_in else (),
            ),
            "roster:class_export": _listing("roster:class_export", **classes, outside_absent=class_out),
            "roster:student_list": _listing("roster:student_list", **students)
            + ([Probe(reverse("roster:student_list"), data={"q": t.student_out.student_no}, absent=(t.student_out.name,))]
               if t.student_out else []),
            "roster:student_export": _listing("roster:student_export", **students),
            "roster:teacher_list": _listing("roster:teacher_list", **teachers),
            "roster:teacher_export": _listing("roster:teacher_export", **teachers),
        }
    return {
        **lists,
        "roster:school_detail": _detail("roster:school_detail", t.school_in, t.school_out,
                                        lambda s: (s.name,), lambda s: (s.code,)),
        "roster:class_detail": _detail("roster:class_detail", t.class_in, t.class_out,
                                       lambda c: (c.name, c.school.name), lambda c: (href("roster:class_detail", c),)),
        "roster:student_detail": _detail("roster:student_detail", t.student_in, t.student_out,
                                         lambda s: (s.name, shown_student_no(world, user, s)), lambda s: (s.student_no,)),
        "roster:teacher_detail": _detail("roster:teacher_detail", t.teacher_in, t.teacher_out,
                                         lambda x: (x.person.name, x.staff_no), lambda x: (x.staff_no,)),
    }
