"""The 增值评价 section of the exam quality report (Word, PDF, Excel): the stored estimates of the school's
classes with interval, n and reading, and the model, priors and n they rest on."""

import io

import docx
import openpyxl
import pytest

from tisheng.accounts.models import Role
from tisheng.assessments.tests.helpers import main_school
from tisheng.assessments.tests.test_reports import pdf_text
from tisheng.evaluation.models import GroupEstimate, Measure, ValueAddedRun
from tisheng.evaluation.tests.test_task import _override, _sit, two_exams  # noqa: F401 - the fixture
from tisheng.reports.actions import render
from tisheng.reports.registry import get_kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_school_report_has_the_value_added_of_its_classes(world, two_exams, tmp_path):
    _override(world, "exam.value_added.min_group_size", 10)
    first, prior_paper, second, paper = two_exams
    _sit(prior_paper, first.date, world, 1)
    _sit(paper, second.date, world, 2)
    run = ValueAddedRun.objects.get(paper=paper)
    school = main_school()
    kind = get_kind("assessments.quality_report")
    context = kind.gather(world.logins[Role.PRINCIPAL], {"assessment": second.pk, "where": f"school:{school.pk}"})

    section = context["value_added"]
    (maths,) = section["subjects"]
    assert first.name in maths["caption"] and f"学生 {run.n_students} 人" in maths["caption"]
    stored = GroupEstimate.objects.filter(run=run, measure=Measure.VALUE_ADDED, level="class", school=school)
    assert len(maths["rows"]) == stored.count()
    judged = [r for r in maths["rows"] if r["estimate"] is not None]
    assert [r["estimate"] for r in judged] == sorted((r["estimate"] for r in judged), reverse=True)
    assert {r["n"] for r in maths["rows"]} == set(stored.values_list("n", flat=True))
    small = [r for r in maths["rows"] if r["estimate"] is None]
    assert all(r["estimate_t"] == "人数不足" and "人数不足" in r["reading"] for r in small)

    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "七、增值评价" in text and maths["caption"] in text
    assert {r["reading"] for r in maths["rows"]} <= cells and {r["interval_t"] for r in judged} <= cells

    book = openpyxl.load_workbook(io.BytesIO(render(kind, "xlsx", context)))
    sheet = book["增值评价"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert maths["caption"] in values
    assert all(any(v == pytest.approx(r["estimate"]) for v in values if isinstance(v, (int, float))) for r in judged)

    assert "七、增值评价" in pdf_text(render(kind, "pdf", context), tmp_path, png="value_added_report_pdf")
