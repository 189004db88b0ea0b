"""As people would: a head teacher opens the class's latest results from the home page; a parent on a phone
sees the child's levels and nothing else; a researcher looks at a paper's items. Screenshots go to
var/screenshots/ to be looked at."""

import pytest

from tisheng.accounts.scope import Scope
from tisheng.assessments.demo import build_assessment_demo
from tisheng.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def exams(live_world):
    return build_assessment_demo(live_world.district)


def charts_drawn(page, n: int = 1) -> None:
    page.wait_for_function(f"document.querySelectorAll('[data-chart] svg').length >= {n}", timeout=15000)


def test_head_teacher_opens_the_class_result_from_home(page_for, live_server, live_world, exams):
    page = page_for("head_teacher")
    home = page.locator("body").inner_text()
    assert "我的班级最近一次考试" in home
    screenshot(page, "exams_head_teacher_home")
    page.locator("table a[href*='/assessments/'][href*='/classes/']").first.click()
    page.wait_for_load_state("networkidle")
    assert "/classes/" in page.url
    charts_drawn(page, 2)
    text = page.locator("body").inner_text()
    assert "及格率" in text and "平均分" in text
    screenshot(page, "exams_class_result_total")
    page.locator("nav.tabs a").nth(2).click()  # the second subject
    page.wait_for_load_state("networkidle")
    charts_drawn(page, 3)
    screenshot(page, "exams_class_result_subject")


def test_parent_on_a_phone_sees_levels_only(page_for, live_server, live_world, exams):
    parent = live_world.logins["parent"]
    child = next(iter(Scope.of(parent).child_ids))
    page = page_for("parent", phone=True)
    page.locator(f"a[href='/assessments/children/{child}/']").click()
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert "需加强" in text or "没有低于及格线的知识点" in text
    for word in ("平均分", "排名", "百分位", "标准分", "得分率"):
        assert word not in text
    screenshot(page, "exams_parent_child_levels_phone")


def test_researcher_reads_a_papers_items(page_for, live_server, live_world, exams):
    assessment = exams.assessments[-1]
    paper = assessment.papers.order_by("subject__order").all()[1]
    page = page_for("researcher")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    charts_drawn(page, 1)
    screenshot(page, "exams_assessment_district")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/papers/{paper.pk}/")
    charts_drawn(page, 2)
    assert "区分度" in page.locator("body").inner_text()
    screenshot(page, "exams_paper_items")
