"""The fitness report on the report pipeline: a principal's school report and a head teacher's class report."""

import io
import zipfile

import pytest
from django.urls import reverse

from tisheng.accounts.scope import Scope
from tisheng.health.demo import build_health_demo
from tisheng.health.models import FitnessRecord, VisionRecord
from tisheng.reports.models import Report
from tisheng.roster.models import School, SchoolClass

KIND = "health.fitness_report"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx_text(report: Report) -> str:
    with zipfile.ZipFile(io.BytesIO(report.file.read())) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))


def test_a_principal_gets_the_school_report_in_excel(world, client_for):
    build_health_demo(world.district, world.term)
    main = School.objects.get(code="QS01")
    response = client_for("principal").post(reverse("reports:request", args=[KIND]),
                                            {"school": main.pk, "format": "xlsx"})
    assert response.status_code == 302
    report = Report.objects.get(kind=KIND)
    assert report.status == "done", report.message
    text = xlsx_text(report)
    assert "体质健康测试报告" in text and "合格率目标（不低于）" in text and "90%" in text
    pupil = FitnessRecord.objects.filter(test__school=main, status="ok").select_related("student").first()
    assert pupil.student.name in text
    assert "<c:chart" in text or "chart" in "".join(zipfile.ZipFile(io.BytesIO(report.file.open().read())).namelist())


def test_a_head_teachers_class_report_holds_the_class_only(world, client_for):
    build_health_demo(world.district, world.term)
    own = SchoolClass.objects.get(pk=next(iter(Scope.of(world.logins["head_teacher"]).head_class_ids)))
    other = FitnessRecord.objects.filter(test__school=own.school).exclude(school_class=own).select_related("student").first()
    response = client_for("head_teacher").post(reverse("reports:request", args=[KIND]),
                                               {"school_class": own.pk, "format": "xlsx"})
    assert response.status_code == 302
    report = Report.objects.get(kind=KIND)
    assert report.status == "done", report.message
    text = xlsx_text(report)
    mine = FitnessRecord.objects.filter(school_class=own).select_related("student").first()
    assert mine.student.name in text and other.student.name not in text


def test_no_test_this_term_fails_with_a_reason(world, client_for):
    main = School.objects.get(code="QS01")
    client_for("principal").post(reverse("reports:request", args=[KIND]), {"school": main.pk, "format": "xlsx"})
    report = Report.objects.get(kind=KIND)
    assert report.status == "failed" and "fitness test" in report.message


def docx_text(report: Report) -> str:
    with zipfile.ZipFile(io.BytesIO(report.file.read())) as z:
        return z.read("word/document.xml").decode()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_school_report_in_word_and_pdf_has_the_myopia_section(world, client_for, fmt):
    build_health_demo(world.district, world.term)
    main = School.objects.get(code="QS01")
    client_for("principal").post(reverse("reports:request", args=[KIND]), {"school": main.pk, "format": fmt})
    report = Report.objects.get(kind=KIND)
    assert report.status == "done", report.message
    if fmt == "pdf":
        assert report.file.read(5) == b"%PDF-"
        return
    text = docx_text(report)
    records = VisionRecord.objects.filter(screening__school=main, screening__term=world.term)
    rate = round(100 * records.filter(myopia=True).count() / records.count(), 1)
    assert "四、视力筛查" in text and f"{rate}%" in text and "2030年目标" in text
    assert "筛查性近视率" in text  # which figure it is, in Chinese whatever the requester's language
    assert "<w:drawing>" in text  # the charts are pictures
    pupil = FitnessRecord.objects.filter(test__school=main, status="ok").select_related("student").first()
    assert pupil.student.name in text
