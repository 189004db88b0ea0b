"""As people would: a parent on a phone reports this morning's wake-up time in two taps, and the head teacher
sees the class's sleep compliance (with the chart) and the child's night."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tisheng.conftest import screenshot
from tisheng.homework.queries import monday
from tisheng.wellbeing.models import ClassWeek, WakeReport
from tisheng.wellbeing.tests.helpers import bedtime, child_of, own_class

pytestmark = pytest.mark.browser


def test_parent_reports_wake_up_time_on_a_phone_head_teacher_sees_compliance(page_for, live_server, live_world):
    child, school_class = child_of(live_world), own_class(live_world)
    night = timezone.localdate() - timedelta(days=1)
    bedtime(child, school_class, night, time(21, 40))  # the family's homework answer last evening

    parent = page_for("parent", phone=True)
    parent.get_by_role("button", name="菜单").click()
    parent.get_by_role("link", name="五项管理").click()
    parent.wait_for_load_state("networkidle")
    card = parent.locator(f"#child-{child.pk}")
    assert "学校手机管理规定" in parent.content() or "原则上不得将个人手机带入校园" in parent.content()
    card.locator("label", has_text="07:00").click()
    card.get_by_role("button", name="提交").click()
    parent.wait_for_load_state("networkidle")
    assert "起床时间已保存" in parent.content()
    # 21:40 → 07:00 is 9 h 20 min: enough for grade 7 (9 h), shown in the child's week
    assert "9.33" in parent.locator(f"#child-{child.pk} table.nights").inner_text()
    screenshot(parent, "wellbeing_parent_wake_phone")
    assert WakeReport.objects.get(student=child, night=night).wake_time == time(7, 0)
    assert ClassWeek.objects.get(school_class=school_class, week=monday(night)).sleep_enough == 1

    head = page_for("head_teacher")
    head.goto(f"{live_server.url}/wellbeing/")
    head.wait_for_load_state("networkidle")
    head.get_by_role("link", name="本班睡眠").click()
    head.wait_for_load_state("networkidle")
    if monday(night) != monday(timezone.localdate()):  # last night was in last week (today is a Monday)
        head.goto(f"{head.url.split('?')[0]}?week={monday(night).isoformat()}")
    main = head.locator("main").inner_text()
    assert child.name in main and "21:40" in main and "07:00" in main
    assert "100%" in head.locator(".stats").inner_text()  # 1 of 1 nights enough, 1 of 1 bedtimes in time
    screenshot(head, "wellbeing_head_teacher_class_sleep")
    head.goto(f"{live_server.url}/wellbeing/overview/?week={monday(night).isoformat()}")
    head.locator("[data-chart='sleep'] svg").wait_for(timeout=5000)
    screenshot(head, "wellbeing_head_teacher_dashboard")


def test_head_teacher_records_activity_and_decides_a_phone_application(page_for, live_server, live_world):
    from tisheng.wellbeing import actions
    from tisheng.wellbeing.models import ActivityDay, PhoneException

    child, school_class = child_of(live_world), own_class(live_world)
    actions.request_phone_exception(live_world.logins["parent"], child, reason="放学后独自乘公交回家",
                                    parent_consent=True)
    head = page_for("head_teacher")
    head.goto(f"{live_server.url}/wellbeing/classes/{school_class.pk}/activity/")
    first = head.locator("table.activity-grid tbody tr").first
    first.locator("input[name$='-pe_minutes']").fill("40")
    first.locator("input[name$='-break_minutes']").fill("30")
    first.locator("input[name$='-activity_minutes']").fill("10")
    head.get_by_role("button", name="保存本周").click()
    head.wait_for_load_state("networkidle")
    assert "本周体育活动已保存" in head.content()
    assert ActivityDay.objects.get(school_class=school_class, date=monday(timezone.localdate())).total == 80
    screenshot(head, "wellbeing_head_teacher_activity")

    head.goto(f"{live_server.url}/wellbeing/phones/")
    row = head.locator("tr", has_text="放学后独自乘公交回家")
    with head.expect_navigation():
        row.get_by_role("button", name="同意", exact=True).click()
    head.wait_for_load_state("networkidle")
    assert "意见已保存" in head.content()
    assert PhoneException.objects.get(student=child).status == "approved"
    screenshot(head, "wellbeing_head_teacher_phones")
