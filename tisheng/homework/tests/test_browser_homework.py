"""As people would: the maths teacher files the week's plan and sees the class's running total, the maths
leader approves it, the head teacher prints the week's class record, and a parent on a phone opens today's
homework and reports how it went."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tisheng.conftest import screenshot
from tisheng.homework.models import Feedback, Plan, PostedItem
from tisheng.reports.models import Report

pytestmark = pytest.mark.browser

CONTENT = "课本第35页 练习一（第1–4题）"


def test_teacher_files_leader_approves_parent_reports_on_a_phone(page_for, live_server, live_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    week = today - timezone.timedelta(days=today.weekday())

    # --- the maths teacher (head teacher of 七年级1班) files this week's plan --------------------------------
    teacher = page_for("head_teacher")
    teacher.goto(f"{live_server.url}/homework/plans/?week={week.isoformat()}")
    row = teacher.locator("tr", has_text="七年级1班").filter(has_text="数学")
    row.get_by_role("button", name="填写计划").click()
    teacher.wait_for_load_state("networkidle")
    assert "/edit/" in teacher.url
    day = teacher.locator("section.day-block").nth(today.weekday())
    day.locator("input[name$='-content']").first.fill(CONTENT)
    day.locator("input[name$='-minutes']").first.fill("25")
    # the running total of the class-day follows the typing (htmx)
    totals_row = teacher.locator("#totals tbody tr").nth(today.weekday())
    totals_row.locator("td").nth(2).filter(has_text="25").wait_for(timeout=5000)
    assert "90" in totals_row.inner_text()  # grade 7: 90 minutes a day
    screenshot(teacher, "homework_teacher_files_plan")
    teacher.get_by_role("button", name="保存并提交审核").click()
    teacher.wait_for_load_state("networkidle")
    assert "计划已提交教研组长审核" in teacher.content()
    plan = Plan.objects.get(items__content=CONTENT)
    assert plan.status == Plan.Status.SUBMITTED

    # --- the maths leader approves -------------------------------------------------------------------------
    leader = page_for("subject_leader")
    leader.goto(f"{live_server.url}/homework/review/")
    card = leader.locator("article.review-card", has_text=CONTENT[:8])
    assert card.count() == 1
    screenshot(leader, "homework_leader_review_queue")
    card.get_by_role("button", name="审核通过").click()
    leader.wait_for_load_state("networkidle")
    assert "计划已向本班家长公示" in leader.content()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED and PostedItem.objects.filter(plan=plan).exists()

    # --- the head teacher prints the week's class record: one click, made on the report pipeline ------------
    teacher.goto(f"{live_server.url}{reverse('homework:class_week', args=[plan.school_class_id])}?week={week.isoformat()}")
    assert CONTENT in teacher.locator("main").inner_text()
    screenshot(teacher, "homework_class_week")
    with teacher.expect_navigation(url=f"{live_server.url}{reverse('reports:index')}"):
        teacher.get_by_role("button", name="班级作业记录（PDF）").click()
    report = Report.objects.get(kind="homework.weekly_record")
    link = teacher.locator(f"a[href='{reverse('reports:download', args=[report.pk])}']")
    link.wait_for()
    screenshot(teacher, "homework_record_requested")
    with teacher.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".pdf") and "班级作业记录" in info.value.suggested_filename
    assert info.value.path().read_bytes().startswith(b"%PDF")

    # --- a parent of the class, on a phone, sees today's homework and answers in a few taps -----------------
    parent = page_for("parent", phone=True)
    parent.get_by_role("button", name="菜单").click()
    parent.get_by_role("link", name="作业").click()
    parent.wait_for_load_state("networkidle")
    assert CONTENT in parent.locator("main").inner_text()
    screenshot(parent, "homework_parent_today_phone")
    card = parent.locator(".feedback-card").first
    card.locator("label", has_text="30").first.click()
    card.locator("label", has_text="在家完成").click()
    card.locator("label", has_text="21:00").click()
    card.get_by_role("button", name="提交").click()
    parent.wait_for_load_state("networkidle")
    assert "反馈已保存" in parent.content()
    screenshot(parent, "homework_parent_answered_phone")
    answer = Feedback.objects.get(date=today)
    assert (answer.minutes, answer.finished, answer.bedtime.strftime("%H:%M")) == (30, "home", "21:00")
