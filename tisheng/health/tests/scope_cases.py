"""Scope cases of the fitness and vision pages and the national-layout export (format: ``tisheng/testing/scope.py``).

Both demo districts get their fitness tests and vision screenings (``build_health_demo``). Expected statuses come from roster facts:
district and school roles see their schools' tests, a grade leader the grade, a head teacher the class, a
teacher the classes taught PE this term; parents only their child's page (summaries and exports: 403).
"""

from django.urls import reverse

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role
from tisheng.health.demo import build_health_demo
from tisheng.health.models import FitnessTest
from tisheng.roster.models import District, HeadTeacher, Teacher, TeachingAssignment
from tisheng.testing.scope import Probe, targets

NO_SUCH_ID = 999_999_999


def _sees_test_of_in_school(world, role, user, t) -> bool:
    if role in DISTRICT_ROLES or role in SCHOOL_ROLES or role == Role.GRADE_LEADER:
        return True
    teacher = Teacher.objects.filter(person_id=user.person_id).first() if user.person_id else None
    if teacher is None:
        return False
    led = HeadTeacher.objects.filter(teacher=teacher, term=world.term).exists()
    pe = TeachingAssignment.objects.filter(teacher=teacher, term=world.term, subject__code="pe").exists()
    return led or pe


def cases(world, role, user):
    for district in District.objects.all():
        build_health_demo(district, world.term)
    t = targets(world, role)
    staff = role != Role.PARENT
    test_in = FitnessTest.objects.filter(school=t.school_in).first() if t.school_in else None
    test_out = FitnessTest.objects.filter(school=t.school_out).first()
    sees = staff and test_in is not None and _sees_test_of_in_school(world, role, user, t)
    # A head teacher's summary holds the own class only; a grade leader's the grade.
    narrowed = role in (Role.HEAD_TEACHER, Role.GRADE_LEADER)
    present = (t.student_in.name,) if sees and role in (Role.HEAD_TEACHER,) else ()
    absent_in = (t.student_out.name,) if narrowed and t.student_out else ()

    outside_school = (t.school_out.name,) if staff and role not in DISTRICT_ROLES else ()

    def pupil_out(name):  # names are shown on the graduation page only
        return (t.student_out.name,) if name == "health:graduation" and role not in DISTRICT_ROLES else ()

    def test_probes(name):
        probes = [Probe(reverse(name, args=[test_out.pk]), status=404 if staff else 403,
                        absent=(t.school_out.name,) if staff and role not in DISTRICT_ROLES else ()),
                  Probe(reverse(name, args=[NO_SUCH_ID]), status=404 if staff else 403)]
        if test_in is not None:
            probes.append(Probe(reverse(name, args=[test_in.pk]), status=200 if sees else 404 if staff else 403,
                                present=present if name == "health:summary" else (), absent=absent_in))
        return probes

    return {
        "health:overview": [Probe(reverse("health:overview"), present=(t.student_in.name,) if not staff else (),
                                  absent=(t.school_out.name,) if staff and role not in DISTRICT_ROLES else ())],
        "health:summary": test_probes("health:summary"),
        "health:export": test_probes("health:export"),
        # The dashboards and the graduation page: staff see what their records hold (a school out of the scope
        # picked in ?school= is ignored), parents are refused.
        **{name: [Probe(reverse(name), status=200 if staff else 403, absent=(*outside_school, *pupil_out(name))),
                  Probe(reverse(name) + f"?school={t.school_out.pk}", status=200 if staff else 403,
                        absent=outside_school)]
           for name in ("health:dashboard", "health:vision", "health:graduation")},
        "health:student": [
            Probe(reverse("health:student", args=[t.student_in.pk]), present=(t.student_in.name,)),
            Probe(reverse("health:student", args=[t.student_out.pk]), status=404, absent=(t.student_out.name,)),
        ],
    }
