"""The roster lists: what each role finds there, search, filters, pagination and htmx."""

import re

import pytest
from django.urls import reverse

from tisheng.accounts.scope import visible
from tisheng.roster.models import School, SchoolClass, Student, Teacher
from tisheng.roster.queries import students as scoped_students

STUDENT_NO = re.compile(r'<td class="mono" data-label="[^"]*">([^<]+)</td>')


def student_numbers(response) -> set[str]:
    return set(STUDENT_NO.findall(response.content.decode()))


def open_members(school_class, term) -> set[str]:
    return set(
        Student.objects.filter(
            memberships__school_class=school_class, memberships__term=term, memberships__left_on__isnull=True, active=True
        ).values_list("student_no", flat=True)
    )


def test_head_teacher_student_list_is_exactly_the_own_class(world, client_for):
    user = world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    response = client_for("head_teacher").get(reverse("roster:student_list"))
    assert response.status_code == 200
    assert student_numbers(response) == open_members(own, world.term)
    assert f"共 {len(open_members(own, world.term))} 名学生" in response.content.decode()


def test_search_for_a_pupil_of_another_class_finds_nothing(world, client_for):
    user = world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    other = SchoolClass.objects.filter(school=own.school, academic_year=own.academic_year).exclude(pk=own.pk).first()
    outsider = Student.objects.filter(memberships__school_class=other, memberships__term=world.term).first()
    client = client_for("head_teacher")
    for query in (outsider.name, outsider.student_no):
        assert outsider.student_no not in student_numbers(client.get(reverse("roster:student_list"), {"q": query}))
    assert "没有符合筛选条件的学生" in client.get(reverse("roster:student_list"), {"q": outsider.student_no}).content.decode()


def test_search_finds_a_pupil_by_name_and_by_student_number(world, client_for):
    pupil = visible(world.logins["principal"], Student).filter(active=True).order_by("student_no")[7]
    client = client_for("principal")
    assert pupil.student_no in student_numbers(client.get(reverse("roster:student_list"), {"q": pupil.name}))
    assert student_numbers(client.get(reverse("roster:student_list"), {"q": pupil.student_no[:-1]})) >= {pupil.student_no}


def test_bureau_list_counts_every_enrolled_student_and_pages_by_fifty(world, client_for):
    user = world.logins["bureau_admin"]
    total = scoped_students(user).filter(active=True).count()
    assert total > 50
    client = client_for("bureau_admin")
    first = client.get(reverse("roster:student_list"))
    body = first.content.decode()
    assert f"共 {total} 名学生" in body
    assert len(student_numbers(first)) == 50
    last_page = (total + 49) // 50
    last = client.get(reverse("roster:student_list"), {"page": last_page})
    assert len(student_numbers(last)) == total - 50 * (last_page - 1)
    # nobody of the neighbouring district
    assert not student_numbers(first) & set(Student.objects.exclude(school__district=world.district).values_list("student_no", flat=True))


def test_filters_by_grade_class_sex_boarding_and_left_behind(world, client_for):
    user = world.logins["principal"]
    school_class = visible(user, SchoolClass).filter(academic_year=world.term.academic_year).order_by("grade", "number").last()
    client = client_for("principal")
    params = {"school": school_class.school_id, "grade": school_class.grade, "number": school_class.number}
    assert student_numbers(client.get(reverse("roster:student_list"), params)) == open_members(school_class, world.term)
    girls = student_numbers(client.get(reverse("roster:student_list"), {**params, "sex": "F"}))
    assert girls == {n for n in open_members(school_class, world.term) if Student.objects.get(student_no=n).sex == "F"}
    for flag in ("boarding", "left_behind"):
        shown = student_numbers(client.get(reverse("roster:student_list"), {flag: "yes", "school": school_class.school_id}))
        expected = set(scoped_students(user).filter(active=True, school=school_class.school, **{flag: True})
                       .values_list("student_no", flat=True))
        assert expected, f"the test world has pupils with {flag}"
        assert shown <= expected and len(shown) == min(50, len(expected))


def test_ordering_by_student_number(world, client_for):
    body = client_for("principal").get(reverse("roster:student_list"), {"sort": "student_no"}).content.decode()
    numbers = STUDENT_NO.findall(body)
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("params", [
    {"school": "abc"}, {"grade": "99"}, {"number": "-1"}, {"page": "xyz"}, {"page": "9999"}, {"sex": "X"},
    {"school": str(10**9)}, {"q": "x" * 500}, {"sort": "name"}, {"status": "whatever"},
])
def test_bad_filter_values_never_break_the_page(client_for, params):
    response = client_for("bureau_admin").get(reverse("roster:student_list"), params)
    assert response.status_code == 200


def test_a_school_outside_the_scope_is_not_offered_nor_filterable(world, client_for):
    user = world.logins["principal"]
    other = School.objects.exclude(pk__in=visible(user, School)).order_by("code").first()
    client = client_for("principal")
    body = client.get(reverse("roster:student_list")).content.decode()
    assert other.name not in body
    body = client.get(reverse("roster:student_list"), {"school": other.pk}).content.decode()
    assert other.name not in body and not student_numbers(client.get(reverse("roster:student_list"), {"school": other.pk}))


def test_htmx_gets_only_the_results(client_for):
    response = client_for("bureau_admin").get(reverse("roster:student_list"), {"grade": 7}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body
    assert "HX-Request" in response["Vary"]
    full = client_for("bureau_admin").get(reverse("roster:student_list"), {"grade": 7})
    assert "<html" in full.content.decode() and 'hx-get="/roster/students/"' in full.content.decode()


def test_class_list_of_a_grade_leader_is_the_grade_with_head_teachers_and_counts(world, client_for):
    user = world.logins["grade_leader"]
    expected = visible(user, SchoolClass).filter(academic_year=world.term.academic_year)
    body = client_for("grade_leader").get(reverse("roster:class_list")).content.decode()
    links = set(re.findall(r'href="/roster/classes/(\d+)/"', body))
    assert links == {str(pk) for pk in expected.values_list("pk", flat=True)}
    first = expected.order_by("number").first()
    assert f"?school={first.school_id}&amp;grade={first.grade}&amp;number={first.number}\">{len(open_members(first, world.term))}<" in body


def test_teacher_list_filters_by_subject_and_title(world, client_for):
    user = world.logins["principal"]
    teacher = visible(user, Teacher).filter(active=True).exclude(subjects=None).order_by("staff_no").first()
    subject = teacher.subjects.first()
    client = client_for("principal")
    body = client.get(reverse("roster:teacher_list"), {"subject": subject.pk, "title": teacher.title, "q": teacher.staff_no}).content.decode()
    assert teacher.staff_no in body
    staff_numbers = set(re.findall(r'<td class="mono" data-label="[^"]*">([^<]+)</td>', client.get(
        reverse("roster:teacher_list"), {"subject": subject.pk}).content.decode()))
    assert staff_numbers and staff_numbers <= set(Teacher.objects.filter(subjects=subject).values_list("staff_no", flat=True))


def test_school_list_counts_link_to_the_lists_behind_them(world, client_for):
    user = world.logins["bureau_staff"]
    school = visible(user, School).order_by("code").first()
    body = client_for("bureau_staff").get(reverse("roster:school_list")).content.decode()
    count = scoped_students(user).filter(active=True, school=school).count()
    assert f'href="/roster/students/?school={school.pk}">{count}<' in body
    listed = client_for("bureau_staff").get(reverse("roster:student_list"), {"school": school.pk}).content.decode()
    assert f"共 {count} 名学生" in listed


def test_parents_have_no_lists(client_for):
    client = client_for("parent")
    for name in ("roster:school_list", "roster:class_list", "roster:student_list", "roster:teacher_list"):
        assert client.get(reverse(name)).status_code == 403


def test_english_list(client_for):
    client = client_for("bureau_admin")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("roster:student_list")).content.decode()
    assert "Student number" in body and "Export to Excel" in body and "学籍号" not in body
