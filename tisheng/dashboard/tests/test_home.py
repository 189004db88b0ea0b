"""The home page of each role: counts equal to the scoped querysets, each linking to its list; the chart; the
parent's cards; the menu per role."""

import json
import re

import pytest
from django.urls import reverse

from tisheng.accounts.scope import visible
from tisheng.roster.models import School, SchoolClass, Student, Teacher
from tisheng.roster.queries import students as scoped_students


def stat(body: str, url: str) -> int:
    """The number of the stat card linking to ``url``."""
    match = re.search(rf'<a class="stat" href="{re.escape(url)}"><span class="stat-value">(\d+)<', body)
    assert match, f"no stat card links to {url}"
    return int(match.group(1))


def chart_data(body: str) -> dict:
    return json.loads(re.search(r'<script id="grade-sex-data" type="application/json">(.*?)</script>', body, re.S).group(1))


# The menu entries of the roster, accounts, imports, rules and audit; other apps add their own entries.
SHELL_MENU = {"首页", "我的孩子", "本校", "学校", "班级", "我的班级", "学生", "教师", "规则", "导入", "账号", "审计",
              "Home", "My children", "My school", "Schools", "Classes", "My class", "My classes", "Students",
              "Teachers", "Rules", "Import", "Accounts", "Audit"}


def menu(body: str) -> list[str]:
    nav = body.split('<nav class="main-nav"')[1].split("</nav>")[0]
    return [label for label in re.findall(r"<a [^>]*>([^<]+)</a>", nav) if label in SHELL_MENU]


@pytest.mark.parametrize("role", ["bureau_admin", "principal", "grade_leader", "head_teacher", "teacher"])
def test_counts_equal_the_scoped_querysets_and_the_lists_behind_them(world, client_for, role):
    user = world.logins[role]
    client = client_for(role)
    body = client.get(reverse("dashboard:home")).content.decode()
    enrolled = visible(user, Student).filter(active=True).count()
    assert stat(body, reverse("roster:student_list")) == enrolled
    assert f"共 {enrolled} 名学生" in client.get(reverse("roster:student_list")).content.decode()
    classes = visible(user, SchoolClass).filter(academic_year=world.term.academic_year).count()
    if role == "head_teacher":  # "1 class" says nothing to the head teacher of one class
        assert classes == 1 and f'<a class="stat" href="{reverse("roster:class_list")}">' not in body
    else:
        assert stat(body, reverse("roster:class_list")) == classes
    boarding = visible(user, Student).filter(active=True, boarding=True).count()
    assert stat(body, reverse("roster:student_list") + "?boarding=yes") == boarding
    if role == "bureau_admin":
        assert stat(body, reverse("roster:school_list")) == visible(user, School).count() == world.district.schools.count()
        assert stat(body, reverse("roster:teacher_list")) == visible(user, Teacher).filter(active=True).count()


def test_chart_is_students_per_grade_by_sex_and_adds_up(world, client_for):
    user = world.logins["principal"]
    body = client_for("principal").get(reverse("dashboard:home")).content.decode()
    data = chart_data(body)
    assert [s["name"] for s in data["series"]] == ["男", "女"]
    with_class = scoped_students(user).filter(active=True, grade__isnull=False)
    assert sum(sum(s["data"]) for s in data["series"]) == with_class.count()
    assert data["categories"][0].endswith("年级")
    assert "echarts-6.1.0/echarts.min.js" in body


def test_bureau_home_lists_its_schools_with_linked_counts_and_not_the_neighbours(world, client_for):
    user = world.logins["bureau_staff"]
    body = client_for("bureau_staff").get(reverse("dashboard:home")).content.decode()
    for school in visible(user, School):
        count = visible(user, Student).filter(school=school, active=True).count()
        assert f'href="/roster/students/?school={school.pk}">{count}<' in body
    for school in School.objects.exclude(district=world.district):
        assert school.name not in body


def test_head_teacher_home_is_the_own_class(world, client_for):
    user = world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    body = client_for("head_teacher").get(reverse("dashboard:home")).content.decode()
    pupils = Student.objects.filter(memberships__school_class=own, memberships__term=world.term,
                                    memberships__left_on__isnull=True, active=True)
    assert set(re.findall(r'<td class="mono" data-label="学籍号">([^<]+)</td>', body)) == set(
        pupils.values_list("student_no", flat=True))
    assert f"我的班级：{own.name}" in body
    assert menu(body) == ["首页", "我的班级", "学生"]


def test_parent_home_is_the_children_cards_only(world, client_for):
    user = world.logins["parent"]
    child = visible(user, Student).get()
    body = client_for("parent").get(reverse("dashboard:home")).content.decode()
    assert child.name in body and child.school.name in body
    assert child.membership_on(world.term).school_class.name in body
    classmates = Student.objects.filter(
        memberships__school_class=child.membership_on(world.term).school_class).exclude(pk=child.pk)
    assert not any(s.student_no in body for s in classmates)
    assert "echarts" not in body and "grade-sex-data" not in body
    assert menu(body) == ["我的孩子"]


def test_menus_per_role(client_for):
    admin = menu(client_for("bureau_admin").get("/").content.decode())
    assert admin[:5] == ["首页", "学校", "班级", "学生", "教师"] and {"导入", "账号", "审计"} <= set(admin)
    assert menu(client_for("bureau_staff").get("/").content.decode()) == ["首页", "学校", "班级", "学生", "教师", "规则", "导入"]
    assert menu(client_for("principal").get("/").content.decode())[:5] == ["首页", "本校", "班级", "学生", "教师"]


def test_top_bar_names_the_user_and_the_role_with_its_place(world, client_for):
    user = world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    body = client_for("head_teacher").get("/").content.decode()
    assert f"{own.school.name} · 班主任 {own.name}" in body
    assert user.display_name in body


def test_english_home(world, client_for):
    client = client_for("head_teacher")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert menu(body) == ["Home", "My class", "Students"]
    assert "Grade " in body and "Enrolled students" in body
    assert "学生" not in "".join(menu(body))


def test_a_grade_leader_sees_the_chart_per_class_and_a_head_teacher_none(world, client_for):
    user = world.logins["grade_leader"]
    data = chart_data(client_for("grade_leader").get("/").content.decode())
    classes = visible(user, SchoolClass).filter(academic_year=world.term.academic_year).order_by("grade", "number")
    assert data["title"] == "各班男女生人数" and data["categories"] == [c.name for c in classes]
    assert "grade-sex-data" not in client_for("head_teacher").get("/").content.decode()
