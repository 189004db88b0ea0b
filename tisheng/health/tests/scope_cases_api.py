"""Scope cases of the health API routes (format: ``tisheng/testing/scope.py``): as the pages, except that a
parent reads the own children's records through the events they are in instead of being refused."""

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role
from tisheng.health.demo import build_health_demo
from tisheng.health.models import FitnessRecord, FitnessTest, VisionRecord, VisionScreening
from tisheng.health.tests.scope_cases import NO_SUCH_ID, _sees_test_of_in_school
from tisheng.roster.models import District, Guardianship, HeadTeacher, Teacher
from tisheng.testing.scope import Probe, targets


def _leads_a_class(world, user) -> bool:
    teacher = Teacher.objects.filter(person_id=user.person_id).first() if user.person_id else None
    return teacher is not None and HeadTeacher.objects.filter(teacher=teacher, term=world.term).exists()


def _probes(path, event_in, event_out, sees, present, absent_in, absent_out) -> list[Probe]:
    probes = [Probe(f"/api/health/{path}", api=True, absent=(f'"id": {event_out.pk},',)),
              Probe(f"/api/health/{path}/{event_out.pk}/records", status=404, api=True, absent=absent_out),
              Probe(f"/api/health/{path}/{NO_SUCH_ID}/records", status=404, api=True)]
    if event_in is not None:
        probes += [
            Probe(f"/api/health/{path}", api=True, present=(f'"id": {event_in.pk},',) if sees else (),
                  absent=() if sees else (f'"id": {event_in.pk},',)),
            Probe(f"/api/health/{path}/{event_in.pk}/records", status=200 if sees else 404, api=True,
                  present=present if sees else (), absent=absent_in),
        ]
    return probes


def cases(world, role, user):
    if not FitnessTest.objects.exists():  # scope_cases.py builds the health demo when it runs first
        for district in District.objects.all():
            build_health_demo(district, world.term)
    t = targets(world, role)
    test_in = FitnessTest.objects.filter(school=t.school_in).first() if t.school_in else None
    parent = role == Role.PARENT
    # Outside: an event of the school outside that holds none of the login's children (a child who changed
    # schools has a record in the old school's test of last year, rightly seen by the parent).
    children = Guardianship.objects.filter(guardian_id=user.person_id).values("student_id")
    test_out = FitnessTest.objects.filter(school=t.school_out).exclude(records__student__in=children).first()
    screening_in = VisionScreening.objects.filter(school=t.school_in).first() if t.school_in else None
    screening_out = VisionScreening.objects.filter(school=t.school_out).exclude(
        records__student__in=children).first()
    if parent:
        sees_test = FitnessRecord.objects.filter(test=test_in, student=t.student_in).exists()
        sees_screening = VisionRecord.objects.filter(screening=screening_in, student=t.student_in).exists()
    else:
        sees_test = test_in is not None and _sees_test_of_in_school(world, role, user, t)
        sees_screening = screening_in is not None and (
            role in DISTRICT_ROLES or role in SCHOOL_ROLES or role == Role.GRADE_LEADER
            or _leads_a_class(world, user))
    narrowed = role in (Role.HEAD_TEACHER, Role.GRADE_LEADER, Role.PARENT)
    present = (t.student_in.name,) if role in (Role.HEAD_TEACHER, Role.PARENT) else ()
    absent_in = (t.student_out.name,) if narrowed and t.student_out else ()
    absent_out = (t.student_out.name,) if role not in DISTRICT_ROLES and t.student_out else ()
    fitness = _probes("fitness-tests", test_in, test_out, sees_test, present, absent_in, absent_out)
    vision = _probes("vision-screenings", screening_in, screening_out, sees_screening, present, absent_in,
                     absent_out)
    return {
        "api:fitness_test_list": [p for p in fitness if not p.url.endswith("/records")],
        "api:fitness_records": [p for p in fitness if p.url.endswith("/records")],
        "api:vision_screening_list": [p for p in vision if not p.url.endswith("/records")],
        "api:vision_records": [p for p in vision if p.url.endswith("/records")],
    }
