"""The exam reports: 质量分析报告 for a class, a school and the district in Word, PDF and Excel, and the
diagnostic sheets of a class (levels and knowledge points, no scores, no rank). The class of five has known
scores (test_pages): mean 13.5, pass rate 75 %."""

import io
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest

from tisheng.accounts.models import Role
from tisheng.assessments.models import StudentResult
from tisheng.assessments.tests.helpers import class_71, main_school
from tisheng.assessments.tests.test_pages import exam  # noqa: F401 - the fixture
from tisheng.conftest import require
from tisheng.reports.actions import render
from tisheng.reports.registry import get_kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(content: bytes, tmp_path, png: str | None = None) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    if png:  # a picture of the first page, to look at
        from tisheng.conftest import SCREENSHOTS

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(SCREENSHOTS / png)], check=True)
    return "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_the_class_report_in_every_format(world, exam, tmp_path):
    assessment, paper, ids = exam
    kind = get_kind("assessments.quality_report")
    context = kind.gather(world.logins[Role.HEAD_TEACHER], {"assessment": assessment.pk, "where": f"class:{class_71(world).pk}"})
    math = next(s for s in context["subjects"] if s["name"] == "数学")
    assert (math["n_sat"], math["n_absent"], math["mean_t"], math["pass_rate_t"]) == (4, 1, "13.5", "75.0%")
    assert any("及格率 75.0%" in line for line in context["summary"])

    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "质量分析报告" in text and {"数学", "13.5", "75.0%"} <= cells
    assert not any("{{" in c or "{%" in c for c in cells) and "{{" not in text

    assert "75.0%" in pdf_text(render(kind, "pdf", context), tmp_path, png="exams_report_class_pdf")

    book = openpyxl.load_workbook(io.BytesIO(render(kind, "xlsx", context)))
    assert book.sheetnames[0] == "总体"
    assert book["总体"]["D5"].value == pytest.approx(13.5) or any(
        c.value == pytest.approx(13.5) for row in book["总体"].iter_rows() for c in row if isinstance(c.value, float))


def test_the_school_report_has_a_sheet_per_class_with_native_charts(world, exam):
    assessment, paper, ids = exam
    kind = get_kind("assessments.quality_report")
    context = kind.gather(world.logins[Role.PRINCIPAL], {"assessment": assessment.pk, "where": f"school:{main_school().pk}"})
    assert context["level"] == "school" and context["reference_name"] == "全体考生"
    content = render(kind, "xlsx", context)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert "七年级1班" in book.sheetnames
    charts = [n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if n.startswith("xl/charts/chart")]
    assert charts


def test_the_district_report_is_the_bureaus(world, exam, tmp_path):
    assessment, paper, ids = exam
    kind = get_kind("assessments.quality_report")
    context = kind.gather(world.logins[Role.RESEARCHER], {"assessment": assessment.pk, "where": "all"})
    assert context["groups"] and context["groups"][0]["name"] == main_school().name
    pdf_text(render(kind, "pdf", context), tmp_path, png="exams_report_district_pdf")
    from django.http import Http404

    with pytest.raises(Http404):  # a principal does not get the district's report
        kind.gather(world.logins[Role.PRINCIPAL], {"assessment": assessment.pk, "where": "all"})


def test_diagnostic_sheets_have_levels_and_points_but_no_score(world, exam, tmp_path):
    assessment, paper, ids = exam
    kind = get_kind("assessments.student_sheets")
    context = kind.gather(world.logins[Role.HEAD_TEACHER], {"assessment": assessment.pk, "class": class_71(world).pk})
    assert len(context["students"]) == 5
    first = StudentResult.objects.get(assessment=assessment, paper=paper, student_id=ids[0])
    assert context["students"][0]["subjects"][0]["level"] == first.level == "优秀"  # 20 of 20
    text = pdf_text(render(kind, "pdf", context), tmp_path, png="exams_report_sheets_pdf")
    assert "学业诊断单" in text and "优秀" in text
    for score in ("20.0", "13.5", "名次", "排名"):
        assert score not in text
    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    assert "学业诊断单" in "\n".join(p.text for p in document.paragraphs)
