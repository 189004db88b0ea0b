"""The import pages: upload, preview with errors, commit with progress, result, ledger, templates, error report."""

import io

import pytest
from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.audit.models import AuditEvent
from tisheng.imports.models import ImportBatch
from tisheng.imports.tests.files import csv_bytes
from tisheng.roster.models import School, Student

pytestmark = pytest.mark.usefixtures("media")

HEADER = ["学籍号", "姓名", "性别", "年级", "班级"]


def upload(client, rows, **extra):
    data = {"kind": "roster.students", "file": io.BytesIO(csv_bytes(rows)), **extra}
    data["file"].name = "七年级名单.csv"
    return client.post(reverse("imports:upload"), data)


@pytest.fixture
def principal(client_for):
    return client_for(Role.PRINCIPAL)


@pytest.fixture
def main_school(world):
    return School.objects.get(code="QS01")


def test_upload_check_preview_commit_and_result(principal, main_school):
    page = principal.get(reverse("imports:upload"))
    assert page.status_code == 200 and "学生名单导入模板.xlsx" in page.content.decode()
    response = upload(principal, [HEADER, ["G900001", "新同学", "男", "七年级", "1班"]], school=main_school.pk)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[batch.pk])
    assert batch.status == "valid" and batch.file_name == "七年级名单.csv"
    detail = principal.get(response.url).content.decode()
    assert "新同学" in detail and "立即导入" in detail
    committed = principal.post(reverse("imports:commit", args=[batch.pk]))
    assert committed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed" and Student.objects.filter(name="新同学").exists()
    result = principal.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "已导入" in result
    ledger = principal.get(reverse("imports:index")).content.decode()
    assert "七年级名单.csv" in ledger


def test_errors_are_listed_by_row_and_downloadable(principal, main_school):
    upload(principal, [HEADER, ["G900001", "甲", "男", "七年级", "99班"], ["G900002", "乙", "不详", "七年级", "1班"]],
           school=main_school.pk)
    batch = ImportBatch.objects.get()
    page = principal.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert batch.status == "invalid" and "第2行" in page and "第3行" in page and "七年级99班" in page
    assert "立即导入" not in page
    report = principal.get(reverse("imports:errors", args=[batch.pk]))
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    import fastexcel

    sheet = fastexcel.read_excel(report.content).load_sheet(0, dtypes="string").to_polars()
    assert sheet.columns == ["行号", "列名", "单元格内容", "问题及修改方法"]
    assert sheet["行号"].to_list() == ["2", "3"] and sheet["列名"].to_list() == ["班级", "性别"]
    assert AuditEvent.objects.filter(action="export").exists()
    assert principal.post(reverse("imports:commit", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "invalid"


def test_a_file_that_is_no_spreadsheet_is_explained(principal, main_school):
    data = {"kind": "roster.students", "school": main_school.pk, "file": io.BytesIO(b"%PDF-1.4 ...")}
    data["file"].name = "名单.pdf"
    principal.post(reverse("imports:upload"), data)
    page = principal.get(reverse("imports:detail", args=[ImportBatch.objects.get().pk])).content.decode()
    assert "这个文件不是 Excel 工作簿，也不是 CSV 文件" in page


def test_a_school_outside_the_scope_cannot_be_chosen(principal, world):
    other = School.objects.get(code="QS04")
    response = upload(principal, [HEADER, ["G1", "甲", "男", "三年级", "1班"]], school=other.pk)
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    nowhere = upload(principal, [HEADER, ["G1", "甲", "男", "三年级", "1班"]], school=999999)
    assert nowhere.content.decode().count("errorlist") == response.content.decode().count("errorlist")


def test_templates_have_chinese_headers_text_cells_and_instructions(principal):
    response = principal.get(reverse("imports:template", args=["roster.students"]))
    assert response.status_code == 200
    import fastexcel

    book = fastexcel.read_excel(response.content)
    assert book.sheet_names == ["学生名单导入模板", "填写说明"]
    sheet = book.load_sheet(0, dtypes="string").to_polars()
    assert sheet.columns[:3] == ["学籍号", "姓名", "性别"] and sheet["学籍号"][0].startswith("G")
    assert principal.get(reverse("imports:template", args=["nothing.here"])).status_code == 404


def test_the_template_reads_back_as_a_valid_file_apart_from_its_class(principal, main_school):
    from tisheng.imports import reading
    from tisheng.imports.spec import get_spec

    content = principal.get(reverse("imports:template", args=["roster.teachers"])).content
    table = reading.read_table(content, get_spec("roster.teachers"))
    assert table.frame.height == 1 and "staff_no" in table.labels


def test_roles_without_imports_get_403_and_others_batches_404(client_for, principal, main_school):
    upload(principal, [HEADER, ["G900001", "甲", "男", "七年级", "1班"]], school=main_school.pk)
    batch = ImportBatch.objects.get()
    teacher = client_for(Role.TEACHER)
    assert teacher.get(reverse("imports:index")).status_code == 403
    assert teacher.get(reverse("imports:upload")).status_code == 403
    assert teacher.get(reverse("imports:detail", args=[batch.pk])).status_code == 404
    assert client_for(Role.BUREAU_ADMIN).get(reverse("imports:detail", args=[batch.pk])).status_code == 200
    assert client_for(Role.BUREAU_STAFF).post(reverse("imports:commit", args=[batch.pk])).status_code == 403


def test_progress_polls_until_done_then_reloads(principal, main_school):
    upload(principal, [HEADER, ["G900001", "甲", "男", "七年级", "1班"]], school=main_school.pk)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")
    from tisheng.imports import progress

    progress.write(batch.pk, "writing", 30, 120)
    bar = principal.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert bar.status_code == 200 and 'value="25"' in bar.content.decode() and "every 1s" in bar.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status="committed")
    done = principal.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
