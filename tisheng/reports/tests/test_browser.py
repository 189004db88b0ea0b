"""As a person would: a principal asks for the school roster overview as a PDF and downloads it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tisheng.conftest import screenshot
from tisheng.reports.models import Report
from tisheng.retention import remove_old_files

pytestmark = pytest.mark.browser


def test_a_principal_requests_a_report_and_downloads_it(page_for, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = page_for("principal")
    page.click("nav >> text=报告")
    page.wait_for_load_state("networkidle")
    assert "学校花名册概况" in page.locator("main").inner_text()
    screenshot(page, "reports_index_empty_zh")

    page.click(f"a[href='{reverse('reports:request', args=['roster.school_overview'])}']")
    page.check("input[name=format][value=pdf]")
    screenshot(page, "reports_request_zh")
    with page.expect_navigation(url=f"{live_server.url}{reverse('reports:index')}"):
        page.click("main button[type=submit]")
    report = Report.objects.get()
    download_link = page.locator(f"a[href='{reverse('reports:download', args=[report.pk])}']")
    download_link.wait_for()
    screenshot(page, "reports_index_done_zh")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith("学校花名册概况-" + report.finished_at.astimezone().strftime("%Y%m%d") + ".pdf")
    assert download.path().read_bytes().startswith(b"%PDF")

    # A month on, the file is gone (it holds pupils' data); the list says so and makes it again on request.
    month_ago = report.finished_at - timedelta(days=settings.FILE_RETENTION_DAYS + 1)
    Report.objects.filter(pk=report.pk).update(finished_at=month_ago)
    remove_old_files()
    page.reload()
    status = page.locator(f"#report-{report.pk}-status")
    assert "文件已于" in status.inner_text() and download_link.count() == 0
    screenshot(page, "reports_index_removed_zh")
    with page.expect_navigation():
        status.locator("button", has_text="重新生成").click()
    download_link.wait_for()
    report.refresh_from_db()
    assert report.file_removed_at is None and report.file


def test_a_principal_uploads_a_word_template_and_sees_why_a_bad_one_is_refused(page_for, live_server, settings,
                                                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = page_for("principal")
    page.click("nav >> text=报告")
    page.click("main >> text=Word 模板")
    page.wait_for_load_state("networkidle")
    assert "学校花名册概况" in page.locator("main").inner_text() and "系统模板" in page.locator("main").inner_text()
    screenshot(page, "reports_word_templates_zh")
    page.locator("main a.btn-primary").first.click()
    bad = tmp_path / "坏模板.docx"
    bad.write_bytes(b"not a word file")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "这不是 Word 文档" in page.locator("main").inner_text()
    screenshot(page, "reports_word_template_refused_zh")
