"""The demo district generator: deterministic, realistic, with a login per role."""

import random
from collections import Counter
from datetime import date

from django.db.models import Count, Q

from tisheng.accounts.models import Role
from tisheng.accounts.scope import Scope, visible
from tisheng.core.idcard import id_card_problem
from tisheng.roster.demo import _id_card, _Names
from tisheng.roster.models import ClassMembership, School, SchoolClass, Student, Teacher


def test_every_role_has_a_login_with_that_role(world):
    assert set(world.logins) == {str(r) for r in Role}
    for role, user in world.logins.items():
        assert role in Scope.of(user).roles, role
        assert user.check_password(world.password)


def test_school_kinds_include_a_central_school_with_its_village_school(world):
    village = School.objects.get(kind=School.Kind.VILLAGE)
    assert village.central_school.kind == School.Kind.CENTRAL
    kinds = set(School.objects.filter(district=world.district).values_list("kind", flat=True))
    assert {"junior", "primary", "central", "village"} <= kinds


def test_every_current_class_has_pupils_and_a_head_teacher(world):
    classes = SchoolClass.objects.filter(academic_year=world.term.academic_year, school__district=world.district)
    sizes = classes.annotate(n=Count("memberships", filter=Q(memberships__term=world.term)))
    assert all(c.n >= 6 for c in sizes)
    assert max(c.n for c in sizes) >= 26  # the one oversized class (大班额): class_size max + 16
    assert all(c.head_teachers.filter(term=world.term).exists() for c in classes)


def test_one_open_membership_per_active_pupil_this_term(world):
    open_now = ClassMembership.objects.filter(term=world.term, left_on__isnull=True)
    per_student = Counter(open_now.values_list("student_id", flat=True))
    assert set(per_student.values()) == {1}
    active = Student.objects.filter(active=True, school__district=world.district)
    assert set(active.values_list("id", flat=True)) == set(per_student) & set(active.values_list("id", flat=True))


def test_pupils_have_two_years_of_history(world):
    continuing = Student.objects.filter(memberships__term__academic_year__start_year=world.term.academic_year.start_year - 1, active=True)
    assert continuing.exists()
    st = continuing.first()
    assert st.memberships.values("term__academic_year").distinct().count() == 2


def test_id_numbers_are_valid_and_sex_matches(world):
    with_id = Student.objects.exclude(id_card_no="")
    assert with_id.count() > 100
    for st in with_id[:200]:
        assert id_card_problem(st.id_card_no) is None
        assert ("M" if int(st.id_card_no[16]) % 2 else "F") == st.sex


def test_teachers_have_subjects_and_titles(world):
    teachers = Teacher.objects.filter(school__district=world.district)
    assert teachers.exists()
    assert not teachers.filter(subjects=None).exists()
    assert teachers.values("title").distinct().count() >= 3


def test_demo_head_teacher_sees_exactly_one_class(world):
    user = world.logins[Role.HEAD_TEACHER]
    classes = visible(user, SchoolClass)
    assert classes.count() == 1
    assert visible(user, Student).count() == classes.get().memberships.filter(term=world.term, left_on=None).count()


def test_demo_parent_sees_only_own_child(world):
    user = world.logins[Role.PARENT]
    children = visible(user, Student)
    assert children.count() == 1
    assert children.get().guardianships.filter(guardian_id=user.person_id).exists()


def test_names_and_id_numbers_are_deterministic_for_a_seed():
    def draw(seed):
        rng = random.Random(seed)
        names = _Names(rng)
        return [names.person("M") for _ in range(20)], _id_card(rng, date(2014, 3, 5), "F")

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    names, id_card = draw(7)
    assert all(2 <= len(n) <= 3 for n in names)
    assert id_card_problem(id_card) is None and id_card[6:14] == "20140305" and int(id_card[16]) % 2 == 0


def test_main_roster_tables_have_a_first_history_row(world):
    """So the audit viewer can show what a later change changed (bulk inserts write no history by themselves)."""
    demo_students = Student.objects.filter(school__district=world.district)
    assert Student.history.filter(history_change_reason="demo district").count() == demo_students.count()
    assert Teacher.history.filter(history_type="+").count() == Teacher.objects.count()
