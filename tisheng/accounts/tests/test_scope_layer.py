"""Every rule of the scope layer, for every role, on the hand-made district of ``conftest.mini``."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tisheng.accounts.models import ApiToken, Role, RoleAssignment, User
from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.roster.models import ClassMembership, Person, School, SchoolClass, Student, Teacher, TeachingAssignment


def seen(user, model_or_qs) -> set:
    """What ``user`` sees, for a freshly loaded user (the scope is cached on the user object)."""
    if user is not None and user.is_authenticated:
        user = User.objects.get(pk=user.pk)
    return set(visible(user, model_or_qs))


def students(user) -> set[str]:
    return {s.name for s in seen(user, Student)}


# --- bureau --------------------------------------------------------------------------------------------
def test_bureau_sees_its_district_and_not_another(mini):
    for user in (mini.bureau_admin, mini.bureau_staff):
        assert seen(user, School) == {mini.c, mini.v, mini.j}
        assert students(user) == {"张一", "李二", "王三", "赵四", "钱五", "孙六"}
        assert mini.x71 not in seen(user, SchoolClass)
        assert mini.t_x not in seen(user, Teacher)
    assert students(mini.other_admin) == {"周七"}


# --- school roles ------------------------------------------------------------------------------------------
def test_principal_of_a_central_school_sees_its_village_school(mini):
    assert seen(mini.principal_c, School) == {mini.c, mini.v}
    assert students(mini.principal_c) == {"钱五", "孙六"}
    assert seen(mini.principal_c, SchoolClass) == {mini.c11, mini.v11}


def test_principal_of_an_ordinary_school_sees_only_it(mini):
    assert seen(mini.principal_j, School) == {mini.j}
    assert students(mini.principal_j) == {"张一", "李二", "王三", "赵四"}
    assert seen(mini.principal_j, Teacher) == {mini.t_head, mini.t_plain, mini.t_past}
    # a village school is not the junior school's business
    assert mini.sv not in seen(mini.principal_j, Student)


def test_academic_office_and_school_doctor_see_their_school(mini):
    for user in (mini.office_j, mini.doctor_j):
        assert seen(user, School) == {mini.j}
        assert students(user) == {"张一", "李二", "王三", "赵四"}


# --- grade and subject leaders -------------------------------------------------------------------------------
def test_grade_leader_sees_the_grade_this_term_only(mini):
    assert seen(mini.grade_leader, SchoolClass) == {mini.j71, mini.j72}  # not last year's 七年级1班, not grade 8
    assert students(mini.grade_leader) == {"张一", "李二", "赵四"}
    # the teachers who teach the grade this term (t_plain taught 七年级1班 only last term but teaches 七年级2班 now)
    assert seen(mini.grade_leader, Teacher) == {mini.t_head, mini.t_plain}
    assert seen(mini.grade_leader, School) == {mini.j}


def test_grade_leader_of_a_past_term_gets_nothing(mini):
    assert seen(mini.past_grade_leader, SchoolClass) == set()
    assert seen(mini.past_grade_leader, Student) == set()
    assert seen(mini.past_grade_leader, School) == set()
    assert Scope.of(User.objects.get(pk=mini.past_grade_leader.pk)).roles == frozenset()


def test_subject_leader_of_a_grade_sees_that_grade(mini):
    assert students(mini.subject_leader_7) == {"张一", "李二", "赵四"}
    assert seen(mini.subject_leader_7, SchoolClass) == {mini.j71, mini.j72}


def test_subject_leader_without_a_grade_sees_the_school_roster_of_this_term(mini):
    assert students(mini.subject_leader) == {"张一", "李二", "王三", "赵四"}
    assert seen(mini.subject_leader, SchoolClass) == {mini.j71, mini.j72, mini.j81}


# --- head teachers and teachers ------------------------------------------------------------------------------
def test_head_teacher_sees_exactly_the_class_current_students(mini):
    assert students(mini.head) == {"张一"}  # 赵四 moved to 七年级2班
    assert seen(mini.head, SchoolClass) == {mini.j71}
    memberships = seen(mini.head, ClassMembership)
    assert {m.student.name for m in memberships} == {"张一"}  # the moved pupil's closed row is gone too
    # who teaches the class, and oneself
    assert seen(mini.head, Teacher) == {mini.t_head}
    assert Scope.of(User.objects.get(pk=mini.head.pk)).roles == {Role.HEAD_TEACHER, Role.TEACHER}


def test_a_student_who_moves_class_leaves_the_old_head_teachers_scope(mini):
    assert "李二" not in students(mini.head)
    ClassMembership.objects.filter(student=mini.s2, left_on__isnull=True).update(left_on=mini.term.start_date)
    ClassMembership.objects.create(student=mini.s2, school_class=mini.j71, term=mini.term, joined_on=mini.term.start_date)
    assert students(mini.head) == {"张一", "李二"}
    assert "李二" not in students(mini.teacher)  # and left 七年级2班's teacher


def test_teacher_sees_the_classes_taught_this_term(mini):
    assert seen(mini.teacher, SchoolClass) == {mini.j72}  # 七年级1班 was last term
    assert students(mini.teacher) == {"李二", "赵四"}
    assert seen(mini.teacher, Teacher) == {mini.t_plain}
    assert seen(mini.teacher, TeachingAssignment) == set(TeachingAssignment.objects.filter(teacher=mini.t_plain, term=mini.term))
    assert seen(mini.teacher, School) == {mini.j}


def test_teacher_who_taught_only_in_a_past_term_sees_no_pupils(mini):
    assert seen(mini.past_teacher, Student) == set()
    assert seen(mini.past_teacher, SchoolClass) == set()


def test_inactive_teacher_record_grants_nothing(mini):
    Teacher.objects.filter(pk=mini.t_plain.pk).update(active=False)
    assert seen(mini.teacher, Student) == set()


# --- parents -------------------------------------------------------------------------------------------------
def test_parent_sees_only_own_children(mini):
    assert students(mini.parent) == {"张一"}
    assert seen(mini.parent, SchoolClass) == set()
    assert seen(mini.parent, Teacher) == set()
    assert {m.student for m in seen(mini.parent, ClassMembership)} == {mini.s1}
    Guardianship = mini.s1.guardianships.model
    Guardianship.objects.create(student=mini.sx, guardian=mini.parent_person, relation="father")
    assert students(mini.parent) == {"张一", "周七"}  # a second child, even in another district


def test_a_teacher_who_is_also_a_parent_has_both_scopes(mini, django_assert_max_num_queries):
    Guardianship = mini.s1.guardianships.model
    Guardianship.objects.create(student=mini.sx, guardian=mini.t_plain.person, relation="mother")
    user = User.objects.get(pk=mini.teacher.pk)
    with django_assert_max_num_queries(3):  # the term, the role assignments, the person's roster links
        scope = Scope.of(user)
    assert scope.roles == {Role.TEACHER, Role.PARENT}
    assert scope.teacher_id == mini.t_plain.pk and scope.child_ids == {mini.sx.pk}
    assert scope.class_ids == {mini.j72.pk} and scope.member_school_ids == {mini.j.pk}
    assert students(mini.teacher) == {"李二", "赵四", "周七"}


# --- nobody ------------------------------------------------------------------------------------------------------
def test_inactive_user_sees_nothing(mini):
    User.objects.filter(pk=mini.principal_j.pk).update(is_active=False)
    user = User.objects.get(pk=mini.principal_j.pk)
    for model in (School, SchoolClass, Student, Teacher, ClassMembership, TeachingAssignment, User, RoleAssignment):
        assert not visible(user, model).exists(), model
    with pytest.raises(Http404):
        get_for_user(user, Student, pk=mini.s1.pk)


@pytest.mark.parametrize("model", [School, SchoolClass, Student, Teacher, ClassMembership, TeachingAssignment, User])
def test_anonymous_and_roleless_users_see_nothing(mini, model):
    assert not visible(AnonymousUser(), model).exists()
    assert not visible(None, model).exists()
    expected = {mini.nobody} if model is User else set()
    assert seen(mini.nobody, model) == expected


def test_a_model_without_a_rule_fails_closed(mini):
    with pytest.raises(LookupError, match="no scope rule for Person"):
        visible(mini.principal_j, Person)
    with pytest.raises(LookupError):
        get_for_user(mini.principal_j, Person, pk=mini.parent_person.pk)


# --- get_for_user ----------------------------------------------------------------------------------------------------
def test_get_for_user_returns_in_scope_objects(mini):
    assert get_for_user(mini.head, Student, pk=mini.s1.pk) == mini.s1
    assert get_for_user(mini.head, Student.objects.filter(active=True), pk=mini.s1.pk) == mini.s1


@pytest.mark.parametrize("pk", ["abc", "", None, "1 OR 1=1", -1, 10**12, [1], "1.5"])
def test_get_for_user_answers_garbage_with_404(mini, pk):
    with pytest.raises(Http404):
        get_for_user(mini.bureau_admin, Student, pk=pk)


def test_get_for_user_answers_out_of_scope_with_404(mini):
    for user, obj in ((mini.head, mini.s2), (mini.parent, mini.s2), (mini.bureau_admin, mini.sx), (mini.principal_j, mini.sv)):
        with pytest.raises(Http404):
            get_for_user(user, Student, pk=obj.pk)
    with pytest.raises(Http404):
        get_for_user(mini.principal_j, School, pk=mini.c.pk)


def test_visible_narrows_a_queryset_and_never_widens_it(mini):
    qs = Student.objects.filter(name__startswith="张")
    assert set(visible(User.objects.get(pk=mini.bureau_admin.pk), qs)) == {mini.s1}
    assert set(visible(User.objects.get(pk=mini.other_admin.pk), qs)) == set()


# --- roles and terms -------------------------------------------------------------------------------------------------
def test_role_assignment_of_a_past_term_grants_nothing_and_a_standing_one_does(mini):
    RoleAssignment.objects.filter(user=mini.office_j).update(term=mini.past_term)
    assert seen(mini.office_j, Student) == set()
    RoleAssignment.objects.filter(user=mini.office_j).update(term=None)
    assert students(mini.office_j) == {"张一", "李二", "王三", "赵四"}


def test_primary_role_is_the_widest(mini):
    RoleAssignment.objects.create(user=mini.head, role=Role.GRADE_LEADER, school=mini.j, grade=8, term=mini.term)
    scope = Scope.of(User.objects.get(pk=mini.head.pk))
    assert scope.primary_role == Role.GRADE_LEADER
    assert scope.has_role(Role.HEAD_TEACHER) and not scope.is_district_wide
    assert Scope.of(User.objects.get(pk=mini.bureau_staff.pk)).is_district_wide


# --- accounts -------------------------------------------------------------------------------------------------------
def test_account_administrators_see_the_accounts_of_their_district_or_school(mini):
    district_users = seen(mini.bureau_admin, User)
    assert {mini.principal_c, mini.principal_j, mini.head, mini.teacher, mini.parent, mini.bureau_staff} <= district_users
    assert mini.other_admin not in district_users and mini.x_teacher not in district_users
    school_users = seen(mini.principal_j, User)
    assert {mini.head, mini.teacher, mini.parent, mini.grade_leader, mini.office_j} <= school_users
    assert mini.principal_c not in school_users and mini.bureau_admin not in school_users
    assert seen(mini.office_j, User) == school_users
    # a central school's principal administers its village school's accounts
    assert mini.principal_j not in seen(mini.principal_c, User)


def test_other_roles_see_only_their_own_account_and_roles(mini):
    for user in (mini.bureau_staff, mini.doctor_j, mini.grade_leader, mini.head, mini.parent):
        assert seen(user, User) == {user}
        assert seen(user, RoleAssignment) == set(RoleAssignment.objects.filter(user=user))


def test_role_assignments_visible_to_administrators(mini):
    assert {ra.user for ra in seen(mini.principal_j, RoleAssignment)} == {
        mini.principal_j, mini.office_j, mini.doctor_j, mini.grade_leader, mini.past_grade_leader,
        mini.subject_leader_7, mini.subject_leader,
    }
    assert mini.other_admin not in {ra.user for ra in seen(mini.bureau_admin, RoleAssignment)}


def test_api_tokens_are_seen_by_their_owner_only(mini):
    token, _key = ApiToken.issue(mini.teacher, "laptop")
    assert seen(mini.teacher, ApiToken) == {token}
    assert seen(mini.bureau_admin, ApiToken) == set()
    assert seen(mini.principal_j, ApiToken) == set()


def test_teaching_of_a_term_that_is_not_current_grants_nothing(mini):
    # move the term into the future: the current term is then the earlier one, in which T1 taught nothing
    mini.term.start_date = mini.term.start_date + timedelta(1000)
    mini.term.save()
    assert seen(mini.head, Student) == set()
