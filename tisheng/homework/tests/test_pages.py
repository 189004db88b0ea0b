"""The pages as each role uses them: the running totals while typing, warnings in Chinese, the review queue,
the week grids, the class record on the report pipeline."""

import io
import re
from datetime import timedelta
from urllib.parse import unquote

import openpyxl
from django.urls import reverse

from tisheng.accounts.scope import Scope
from tisheng.audit.models import AuditEvent
from tisheng.homework import actions
from tisheng.homework.models import Plan
from tisheng.homework.report_kinds import KEY as RECORD
from tisheng.reports.models import Report
from tisheng.roster.models import School, SchoolClass
from tisheng.homework.tests.helpers import colleague_plan, maths_plan, own_class, publish


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_running_totals_while_typing_show_the_class_day_against_the_limit(world, client_for):
    publish(world, colleague_plan(world, "chinese", {0: 40})[0])
    plan = maths_plan(world, minutes=())
    data = {"version": plan.version, "items-TOTAL_FORMS": 2, "items-INITIAL_FORMS": 0,
            "items-0-date": plan.week, "items-0-content": "口算", "items-0-kind": "written",
            "items-0-category": "basic", "items-0-minutes": 55,
            "items-1-date": plan.week + timedelta(days=1), "items-1-content": "", "items-1-kind": "written",
            "items-1-category": "basic", "items-1-minutes": ""}
    response = client_for("head_teacher").post(reverse("homework:plan_totals", args=[plan.pk]), data,
                                               headers={"HX-Request": "true"})
    assert response.status_code == 200
    monday = response.context["load_days"][0]
    assert (monday["others"]["written"], monday["own"]["written"], monday["with"]["written"], monday["limit"]) == (
        40, 55, 95, 90)
    assert response.context["any_over"] is True
    assert "超出上限" in text(response)
    assert "<html" not in response.content.decode()  # a fragment for htmx
    assert plan.items.count() == 0  # nothing saved while typing


def test_content_warnings_are_shown_in_chinese(world, client_for):
    plan = maths_plan(world, minutes=(20,), content="错题罚抄十遍，家长签字后拍照上传打卡")
    body = text(client_for("head_teacher").get(reverse("homework:plan_detail", args=[plan.pk])))
    assert "给家长布置作业" in body and "不得要求家长检查、批改作业" in body
    assert "手机打卡" in body and "惩罚性、重复性作业" in body
    english = client_for("head_teacher")
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    english_body = text(english.get(reverse("homework:plan_detail", args=[plan.pk])))
    assert "Homework for parents" in english_body and "Phone check-in" in english_body


def test_the_edit_page_saves_and_submits(world, client_for):
    plan = maths_plan(world, minutes=())
    client = client_for("head_teacher")
    url = reverse("homework:plan_edit", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["days"]) == 7
    data = {"version": plan.version, "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-0-date": plan.week,
            "items-0-content": "课本第35页 练习一", "items-0-kind": "written", "items-0-category": "basic",
            "items-0-layer": "", "items-0-minutes": 25, "submit": "1"}
    response = client.post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED and plan.items.get().content == "课本第35页 练习一"
    bad = client.post(url, {**data, "version": plan.version, "items-0-minutes": "半小时"})
    assert bad.status_code == 200 and "minutes" in bad.context["formset"].forms[0].errors
    assert plan.items.get().minutes == 25


def test_review_queue_and_decisions(world, client_for):
    plan = maths_plan(world)
    plan = actions.save_plan(plan.updated_by, plan, version=plan.version,
                             items=[actions.ItemData(i.date, i.content, i.kind, i.category, i.layer, i.minutes, i.pk)
                                    for i in plan.items.all()], submit=True)
    leader = client_for("subject_leader")
    queue = leader.get(reverse("homework:review_list"))
    assert [p.pk for p in queue.context["waiting"]] == [plan.pk]
    url = reverse("homework:plan_review", args=[plan.pk])
    refused = leader.post(url, {"decision": "return", "reason": "", "version": plan.version})
    assert refused.status_code == 302 and Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED
    assert client_for("teacher").post(url, {"decision": "approve", "version": plan.version}).status_code in (403, 404)
    leader.post(url, {"decision": "approve", "version": plan.version})
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PUBLISHED
    assert leader.get(reverse("homework:review_list")).context["waiting"] == []


def test_grade_leader_sees_the_grade_by_day_and_the_held_plans(world, client_for):
    publish(world, maths_plan(world, minutes=(60,)))
    chinese, _user = colleague_plan(world, "chinese", {0: 40}, submit=True)
    actions.approve(world.logins["subject_leader"], chinese, version=chinese.version)  # 100 > 90: held
    response = client_for("grade_leader").get(reverse("homework:week_totals"), {"week": chinese.week.isoformat()})
    assert response.status_code == 200 and response.context["grade"] == 7
    row = next(r for r in response.context["rows"] if r["school_class"] == own_class(world))
    assert (row["cells"][0]["written"], row["cells"][0]["limit"], row["cells"][0]["pending"]) == (60, 90, 40)
    assert [p.pk for p in response.context["held"]] == [chinese.pk]
    assert {c.grade for c in (r["school_class"] for r in response.context["rows"])} == {7}
    held_queue = client_for("grade_leader").get(reverse("homework:review_list")).context["held"]
    assert [p.pk for p in held_queue] == [chinese.pk]


def test_head_teacher_sees_the_class_across_subjects(world, client_for):
    publish(world, maths_plan(world, minutes=(30,)))
    publish(world, colleague_plan(world, "english", {0: 20})[0])
    response = client_for("head_teacher").get(reverse("homework:class_week", args=[own_class(world).pk]),
                                              {"week": maths_plan(world).week.isoformat()})
    assert response.status_code == 200
    assert {row["subject"].code for row in response.context["grid"]} == {"math", "english"}
    assert response.context["totals"][0]["written"] == 50 and response.context["may_count"]


def test_the_class_page_requests_the_record_on_the_report_pipeline(world, client_for, settings, tmp_path):
    """The class page's buttons post to the report pipeline; the report is made (immediately in tests), listed
    with its progress, and its download is audited there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = maths_plan(world, minutes=(30, 20), content="课本第35页 练习一")
    publish(world, plan)
    client = client_for("head_teacher")
    page = client.get(reverse("homework:class_week", args=[own_class(world).pk]), {"week": plan.week.isoformat()})
    form = re.search(r'<form method="post" action="(/reports/[^"]+)"[^>]*>(.*?)</form>', page.content.decode(), re.S)
    assert form and form.group(1) == reverse("reports:request", args=[RECORD])
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]+)"', form.group(2)))
    assert set(re.findall(r'name="format" value="(\w+)"', form.group(2))) == {"docx", "pdf", "xlsx"}
    assert client.post(form.group(1), {**fields, "format": "xlsx"}).status_code == 302
    report = Report.objects.get(kind=RECORD, requested_by=world.logins["head_teacher"])
    assert report.status == Report.Status.DONE and report.parameters == {"class": own_class(world).pk,
                                                                          "week": plan.week.isoformat()}
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200 and "班级作业记录" in unquote(download["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "课本第35页 练习一" in cells and "日期" in cells and "预计用时（分钟）" in cells
    assert any(str(c).startswith(f"{plan.week:%m月%d日} 书面作业合计 30 分钟 / 限额 90 分钟") for c in cells)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=world.logins["head_teacher"])
    assert "班级作业记录" in event.summary and event.detail["kind"] == RECORD


def test_old_record_links_open_the_filled_in_request_form(world, client_for):
    plan = maths_plan(world)
    client = client_for("academic_office")
    old = client.get(reverse("homework:record_pdf", args=[own_class(world).pk]),
                     {"week": (plan.week + timedelta(days=3)).isoformat()})
    assert old.status_code == 302 and old["Location"].startswith(reverse("reports:request", args=[RECORD]))
    form = client.get(old["Location"]).context["form"]
    assert form["school_class"].value() == str(own_class(world).pk)
    assert form["week"].value() == plan.week.isoformat() and form["format"].value() == "pdf"
    # a teacher who only teaches the class has no class record to request
    teacher = client_for("teacher")
    taught = next(iter(Scope.of(world.logins["teacher"]).class_ids))
    assert teacher.get(reverse("homework:record_xlsx", args=[taught])).status_code == 403


def test_a_class_or_school_outside_the_scope_is_refused_by_the_form(world, client_for):
    own = own_class(world)
    other = SchoolClass.objects.filter(academic_year=own.academic_year, grade=8, school=own.school).first()
    week = maths_plan(world).week.isoformat()
    response = client_for("grade_leader").post(reverse("reports:request", args=[RECORD]),
                                               {"school_class": other.pk, "week": week, "format": "pdf"})
    assert response.status_code == 200 and response.context["form"].errors["school_class"]
    foreign = School.objects.exclude(pk=own.school_id).filter(district=own.school.district).first()
    response = client_for("principal").post(reverse("reports:request", args=[RECORD]),
                                            {"school": foreign.pk, "week": week, "format": "pdf"})
    assert response.status_code == 200 and response.context["form"].errors["school"]
    assert not Report.objects.filter(kind=RECORD).exists()


def test_every_page_of_the_menu_opens_for_its_roles(world, client_for):
    publish(world, maths_plan(world))
    pages = {
        "homework:my_plans": ("head_teacher", "teacher"),
        "homework:review_list": ("subject_leader", "grade_leader", "academic_office"),
        "homework:week_totals": ("grade_leader", "principal", "bureau_staff"),
        "homework:analysis": ("teacher", "academic_office", "bureau_admin"),
        "homework:dashboard": ("bureau_staff", "principal", "grade_leader"),
        "homework:summary": ("academic_office", "researcher"),
        "homework:today": ("parent",),
    }
    for name, roles in pages.items():
        for role in roles:
            assert client_for(role).get(reverse(name)).status_code == 200, (name, role)
    assert client_for("parent").get(reverse("homework:index")).url == reverse("homework:today")
    assert client_for("bureau_staff").get(reverse("homework:index")).url == reverse("homework:dashboard")
    assert client_for("head_teacher").get(reverse("homework:index")).url == reverse("homework:my_plans")
