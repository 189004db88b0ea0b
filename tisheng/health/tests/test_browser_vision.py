"""As a school doctor would: open the physical-health menu, go to the vision dashboard, see this year's myopia
rate against last year and the charts drawn, pick nothing else; a parent on a phone sees the own child's
screening."""

import pytest
from django.urls import reverse

from tisheng.accounts.scope import Scope
from tisheng.conftest import screenshot
from tisheng.health.demo import build_health_demo
from tisheng.health.models import VisionRecord
from tisheng.roster.models import Student

pytestmark = pytest.mark.browser


def test_school_doctor_reads_the_vision_dashboard_and_a_parent_the_childs_result(page_for, live_server, live_world):
    build_health_demo(live_world.district, live_world.term)
    doctor = page_for("school_doctor")
    doctor.get_by_role("link", name="体质健康").first.click()
    doctor.get_by_role("link", name="视力统计").click()
    doctor.wait_for_load_state("networkidle")
    school = Scope.of(live_world.logins["school_doctor"]).school_ids
    records = VisionRecord.objects.filter(screening__school_id__in=school, screening__term=live_world.term)
    rate = round(100 * records.filter(myopia=True).count() / records.count(), 1)
    assert doctor.get_by_test_id("myopia-rate").inner_text() == f"{rate}%"
    # ECharts drew the trend (one line per series) and the grade bars as SVG
    doctor.locator("[data-chart-data='vision-trend-data'] svg").wait_for(timeout=5000)
    assert doctor.locator("[data-chart-data='vision-trend-data'] svg path").count() > 10
    assert doctor.locator("[data-chart-data='vision-grade-data'] svg path").count() > 10
    body = doctor.locator("body").inner_text()
    assert "历年近视率" in body and "2030 年目标" in body and "每年下降不少于 1 个百分点" in body
    screenshot(doctor, "health_vision_dashboard_zh")

    parent = page_for("parent", phone=True)
    child = Student.objects.get(pk=next(iter(Scope.of(live_world.logins["parent"]).child_ids)))
    parent.goto(f"{live_server.url}{reverse('health:overview')}")
    parent.locator("main").get_by_role("link", name=child.name).click()
    parent.wait_for_load_state("networkidle")
    mine = VisionRecord.objects.filter(student=child).order_by("-screening__term__start_date").first()
    text = parent.locator("body").inner_text()
    assert "视力筛查" in text and f"{mine.va_right} / {mine.va_left}" in text and "近视率" not in text
    screenshot(parent, "health_vision_parent_phone_zh")
