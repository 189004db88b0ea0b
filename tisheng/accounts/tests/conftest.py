"""A tiny hand-made district for the scope-layer tests: every rule needs a precise case the demo may not have.

青山区 (D) has a central school C with its village school V, and a junior school J; 东湖区 (D2) has school X.
It uses the demo world's calendar: the current term, the term before it, and last academic year for one class.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from tisheng.accounts.models import Role, RoleAssignment, User
from tisheng.roster.models import (
    AcademicYear,
    ClassMembership,
    District,
    Guardianship,
    HeadTeacher,
    Person,
    School,
    SchoolClass,
    Student,
    Subject,
    Teacher,
    TeachingAssignment,
    Term,
)


@pytest.fixture
def mini(world):
    """Built beside the shared demo world (``world``), whose calendar it uses: its current term and the one before."""
    today = date.today()
    w = SimpleNamespace()
    w.d = District.objects.create(code="MINI1", name="小青山区")
    w.d2 = District.objects.create(code="MINI2", name="小东湖区")
    w.c = School.objects.create(district=w.d, code="C", name="柳河镇中心校", kind=School.Kind.CENTRAL)
    w.v = School.objects.create(district=w.d, code="V", name="杨庄村完小", kind=School.Kind.VILLAGE, central_school=w.c)
    w.j = School.objects.create(district=w.d, code="J", name="青山实验中学", kind=School.Kind.JUNIOR)
    w.x = School.objects.create(district=w.d2, code="X", name="东湖一中", kind=School.Kind.JUNIOR)
    w.term = world.term
    assert Term.current() == w.term
    w.past_term = Term.objects.filter(start_date__lt=w.term.start_date).order_by("-start_date").first()
    year = w.term.academic_year
    last_year = AcademicYear.objects.get(start_year=year.start_year - 1)
    w.math = Subject.objects.get_or_create(code="math", defaults={"name": "数学"})[0]
    w.chinese = Subject.objects.get_or_create(code="chinese", defaults={"name": "语文"})[0]

    def klass(school, grade, number, ay=year):
        return SchoolClass.objects.create(school=school, academic_year=ay, grade=grade, number=number)

    w.j71, w.j72, w.j81 = klass(w.j, 7, 1), klass(w.j, 7, 2), klass(w.j, 8, 1)
    w.j71_last_year = klass(w.j, 7, 1, last_year)
    w.c11, w.v11, w.x71 = klass(w.c, 1, 1), klass(w.v, 1, 1), klass(w.x, 7, 1)

    def student(no, name, school, school_class, **kw):
        s = Student.objects.create(student_no=no, name=name, sex="M", school=school)
        ClassMembership.objects.create(student=s, school_class=school_class, term=w.term, joined_on=w.term.start_date, **kw)
        return s

    w.s1 = student("S1", "张一", w.j, w.j71)
    w.s2 = student("S2", "李二", w.j, w.j72)
    w.s3 = student("S3", "王三", w.j, w.j81)
    # moved from 七年级1班 to 七年级2班 during the term
    w.moved = student("S4", "赵四", w.j, w.j71, left_on=today - timedelta(10))
    ClassMembership.objects.create(student=w.moved, school_class=w.j72, term=w.term, joined_on=today - timedelta(10))
    w.sc = student("S5", "钱五", w.c, w.c11)
    w.sv = student("S6", "孙六", w.v, w.v11)
    w.sx = student("S7", "周七", w.x, w.x71)

    def teacher(no, name, school):
        return Teacher.objects.create(person=Person.objects.create(name=name), staff_no=no, school=school)

    w.t_head = teacher("T1", "班主任甲", w.j)
    w.t_plain = teacher("T2", "任课乙", w.j)
    w.t_past = teacher("T3", "上学期丙", w.j)
    w.t_x = teacher("T4", "东湖丁", w.x)
    TeachingAssignment.objects.create(teacher=w.t_head, school_class=w.j71, subject=w.math, term=w.term)
    HeadTeacher.objects.create(teacher=w.t_head, school_class=w.j71, term=w.term)
    TeachingAssignment.objects.create(teacher=w.t_plain, school_class=w.j72, subject=w.chinese, term=w.term)
    TeachingAssignment.objects.create(teacher=w.t_plain, school_class=w.j71_last_year, subject=w.chinese, term=w.past_term)
    TeachingAssignment.objects.create(teacher=w.t_past, school_class=w.j71_last_year, subject=w.math, term=w.past_term)
    TeachingAssignment.objects.create(teacher=w.t_x, school_class=w.x71, subject=w.math, term=w.term)

    w.parent_person = Person.objects.create(name="张父", phone="13800000001")
    Guardianship.objects.create(student=w.s1, guardian=w.parent_person, relation="father")

    def user(username, person=None, **roles):
        u = User.objects.create(username=f"mini_{username}", person=person)
        if roles:
            RoleAssignment.objects.create(user=u, **roles)
        return u

    R = Role
    w.bureau_admin = user("admin", role=R.BUREAU_ADMIN, district=w.d)
    w.bureau_staff = user("juzhang", role=R.BUREAU_STAFF, district=w.d)
    w.other_admin = user("donghu", role=R.BUREAU_ADMIN, district=w.d2)
    w.principal_c = user("xz_c", role=R.PRINCIPAL, school=w.c)
    w.principal_j = user("xz_j", role=R.PRINCIPAL, school=w.j)
    w.office_j = user("jw_j", role=R.ACADEMIC_OFFICE, school=w.j, term=w.term)
    w.doctor_j = user("xy_j", role=R.SCHOOL_DOCTOR, school=w.j)
    w.grade_leader = user("njzz", role=R.GRADE_LEADER, school=w.j, grade=7, term=w.term)
    w.past_grade_leader = user("njzz_old", role=R.GRADE_LEADER, school=w.j, grade=8, term=w.past_term)
    w.subject_leader_7 = user("sx7", role=R.SUBJECT_LEADER, school=w.j, subject=w.math, grade=7, term=w.term)
    w.subject_leader = user("sx", role=R.SUBJECT_LEADER, school=w.j, subject=w.math, term=w.term)
    w.head = user("T1", person=w.t_head.person)
    w.teacher = user("T2", person=w.t_plain.person)
    w.past_teacher = user("T3", person=w.t_past.person)
    w.x_teacher = user("T4", person=w.t_x.person)
    w.parent = user("13800000001", person=w.parent_person)
    w.nobody = user("nobody")
    return w
