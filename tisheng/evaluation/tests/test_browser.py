"""As people would: a principal opens 增值评价 from the menu and reads the caterpillar chart of the school's
classes against the district. Screenshots go to var/screenshots/ to be looked at."""

import pytest

from tisheng.assessments.demo import build_assessment_demo
from tisheng.conftest import screenshot
from tisheng.evaluation.demo import build_value_added_demo
from tisheng.rulesets.models import RuleOverride

pytestmark = pytest.mark.browser


@pytest.fixture
def value_added(live_world):
    # the test world's classes have 6–10 pupils: a district minimum of 8 leaves some to judge, some too small
    RuleOverride.objects.create(key="exam.value_added.min_group_size", value=8, district=live_world.district,
                                effective_from=live_world.term.start_date.replace(year=live_world.term.start_date.year - 2),
                                note="测试")
    exams = build_assessment_demo(live_world.district)
    build_value_added_demo(exams.assessments)
    return exams


def test_principal_reads_the_caterpillar_of_the_classes(page_for, live_server, live_world, value_added):
    page = page_for("principal")
    page.locator("nav a[href='/evaluation/']").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("table a", has_text="八年级期中").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("nav.tabs a", has_text="数学").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.querySelectorAll('[data-chart] svg').length >= 1", timeout=15000)
    text = page.locator("body").inner_text()
    assert "各班与全区对比" in text and "前测考试" in text and "七年级期末质量检测" in text
    assert "人数不足" in text and ("与预期无显著差异" in text or "高于预期" in text or "低于预期" in text)
    # the chart drew an interval (three lines) and a point for each judged class
    assert page.locator("[data-chart='va-caterpillar'] svg path, [data-chart='va-caterpillar'] svg line").count() > 3
    screenshot(page, "value_added_principal_caterpillar")
