"""As a person would: a principal asks for the school roster overview as a PDF and downloads it."""

import pytest
from django.urls import reverse

from tisheng.conftest import screenshot
from tisheng.reports.models import Report

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
