"""The weekly class record (班级作业记录) as a report kind: what ``gather`` reads (posted items, limits, counts,
weekend apart), each format rendered (Word, PDF, Excel), a school's record with a sheet per class, and the
scope it runs with."""

import io
import shutil
import subprocess
from datetime import timedelta

import docx
import openpyxl
import pytest
from django.http import Http404

from tisheng.conftest import require
from tisheng.homework import actions
from tisheng.homework.report_kinds import KEY, week_choices
from tisheng.homework.tests.helpers import colleague_plan, item, maths_plan, own_class, publish
from tisheng.reports.actions import render
from tisheng.reports.registry import get_kind


@pytest.fixture
def week_record(world):
    """七年级1班's next week, published: maths 30 and 20 written minutes on Monday and Tuesday, English 50
    written minutes on Monday (a text with markup characters) and 40 practical minutes on Saturday."""
    plan = maths_plan(world, minutes=(30, 20), content="课本第35页 练习一")
    week = plan.week
    publish(world, plan)
    english, user = colleague_plan(world, "english", {0: 50})
    items = [item(week, 50, "英语 抄写单词 <b>&</b>"), item(week + timedelta(days=5), 40, "周末 英语阅读", kind="practical")]
    english = actions.save_plan(user, english, version=english.version, items=items, submit=False)
    publish(world, english)
    return week


def test_gather_reads_the_posted_week_with_limits_counts_and_the_weekend(world, week_record):
    context = get_kind(KEY).gather(world.logins["head_teacher"], {"class": own_class(world).pk,
                                                                  "week": week_record.isoformat()})
    (record,) = context["classes"]
    monday, tuesday, saturday = record["days"][0], record["days"][1], record["days"][5]
    assert [i["subject"] for i in monday["items"]] == ["数学", "英语"]
    assert monday["written"] == 80 and monday["over"] == 0
    assert monday["summary"].startswith(f"{week_record:%m月%d日} 书面作业合计 80 分钟 / 限额 90 分钟")
    assert tuesday["written"] == 20 and saturday["weekend"] and saturday["practical"] == 40
    assert not record["days"][2]["items"]
    assert record["week_line"].startswith("本周书面作业：上学日 5 天合计 100 分钟，日均 20 分钟；周末及节假日 0 分钟；实践作业合计 40 分钟")
    assert record["head_teacher"] == world.logins["head_teacher"].person.name


def test_every_format_renders_the_record(world, week_record, tmp_path):
    kind = get_kind(KEY)
    context = kind.gather(world.logins["head_teacher"], {"class": own_class(world).pk, "week": week_record.isoformat()})

    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "班级作业记录" in text and "课本第35页 练习一" in cells and "英语 抄写单词 <b>&</b>" in cells
    assert "无书面或实践作业" in cells and not any("{%" in c or "{{" in c for c in cells)

    book = openpyxl.load_workbook(io.BytesIO(render(kind, "xlsx", context)))
    assert book.sheetnames == [own_class(world).name]
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "课本第35页 练习一" in values and 30 in values and any(str(v).startswith("本周书面作业") for v in values)

    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "record.pdf"
    path.write_bytes(render(kind, "pdf", context))
    from tisheng.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(SCREENSHOTS / "homework_record_pdf")],
                   check=True)
    pdf = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "班级作业记录" in pdf and "课本第35页练习一" in pdf and "书面作业合计80分钟/限额90分钟" in pdf


def test_a_schools_record_has_every_class_and_a_sheet_each(world, week_record):
    kind = get_kind(KEY)
    school = own_class(world).school
    context = kind.gather(world.logins["academic_office"], {"school": school.pk, "week": week_record.isoformat()})
    names = [c["name"] for c in context["classes"]]
    assert own_class(world).name in names and len(names) == school.classes.filter(
        academic_year=own_class(world).academic_year).count()
    book = openpyxl.load_workbook(io.BytesIO(render(kind, "xlsx", context)))
    assert book.sheetnames == names


def test_the_record_runs_with_the_requesters_scope(world, week_record):
    kind = get_kind(KEY)
    with pytest.raises(Http404):  # a head teacher asking for the whole school
        kind.gather(world.logins["head_teacher"], {"school": own_class(world).school_id, "week": week_record.isoformat()})
    other = own_class(world).school.classes.exclude(grade=7).first()
    with pytest.raises(Http404):  # the grade leader leads grade 7 only
        kind.gather(world.logins["grade_leader"], {"class": other.pk, "week": week_record.isoformat()})


def test_the_weeks_offered_run_from_the_years_start_to_next_week(world):
    from django.utils import timezone

    from tisheng.homework.queries import monday

    today = timezone.localdate()
    weeks = [w for w, _label in week_choices(today)]
    assert weeks[0] == (monday(today) + timedelta(days=7)).isoformat() and monday(today).isoformat() in weeks
    assert weeks == sorted(weeks, reverse=True) and len(set(weeks)) == len(weeks)
