"""As a person would: log in through the form in headless Chromium, look, click, switch language."""

import pytest
from django.urls import reverse

from tisheng.accounts.scope import visible
from tisheng.conftest import screenshot
from tisheng.roster.models import SchoolClass, Student

pytestmark = pytest.mark.browser


def test_head_teacher_sees_only_the_own_class_and_can_switch_to_english(page_for, live_server, live_world):
    user = live_world.logins["head_teacher"]
    own = visible(user, SchoolClass).get()
    other = SchoolClass.objects.filter(school=own.school, academic_year=own.academic_year).exclude(pk=own.pk).first()
    page = page_for("head_teacher")
    assert "/accounts/login/" not in page.url, "login failed"
    home = page.content()
    assert own.name in home
    screenshot(page, "head_teacher_home_zh")

    page.goto(f"{live_server.url}{reverse('roster:class_list')}")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert own.name in rows.first.inner_text()

    page.goto(f"{live_server.url}{reverse('roster:student_list')}")
    expected = set(visible(user, Student).values_list("name", flat=True))
    shown = {r.strip() for r in page.locator("table tbody tr td.name").all_inner_texts()}
    assert shown and shown <= expected
    other_names = set(Student.objects.filter(memberships__school_class=other).values_list("name", flat=True)) - expected
    body = page.content()
    assert not any(name in body for name in other_names)
    screenshot(page, "head_teacher_students_zh")

    response = page.goto(f"{live_server.url}{reverse('roster:class_detail', args=[other.pk])}")
    assert response.status == 404

    page.goto(f"{live_server.url}/")
    page.locator("form[action$='/i18n/setlang/'] [name=language]").first.select_option("en")
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert "Students" in text and "学生" not in page.locator("nav").inner_text()
    screenshot(page, "head_teacher_home_en")


def test_parent_on_a_phone_sees_only_the_own_child(page_for, live_world):
    user = live_world.logins["parent"]
    child = visible(user, Student).get()
    page = page_for("parent", phone=True)
    body = page.locator("body").inner_text()
    assert child.name in body
    classmates = Student.objects.filter(memberships__school_class__memberships__student=child).exclude(pk=child.pk)
    assert not any(s.name in body for s in classmates if s.name != child.name)
    screenshot(page, "parent_home_phone_zh")


@pytest.mark.parametrize("role", ["principal", "bureau_admin"])
def test_the_widest_menus_fit_on_one_line_on_a_laptop(page_for, live_world, role):
    """The roles with the most menu entries still get one line of menu at 1280 px, in both languages."""
    from tisheng.health.demo import build_health_demo

    build_health_demo(live_world.district, live_world.term)  # its menu entry too, as in the demo district
    page = page_for(role)
    for language in ("zh-hans", "en"):
        if language == "en":
            page.locator("form[action$='/i18n/setlang/'] [name=language]").first.select_option("en")
            page.wait_for_load_state("networkidle")
        screenshot(page, f"{role}_menu_{language}")
        tops = page.locator(".main-nav > ul > li").evaluate_all("items => items.map(i => i.offsetTop)")
        assert len(tops) > 10 and len(set(tops)) == 1, f"{role} ({language}): menu rows at {sorted(set(tops))}"
