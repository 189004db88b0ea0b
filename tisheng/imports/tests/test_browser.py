"""As an academic office would: download nothing, upload a roster with a mistake, read the errors, upload the
corrected file, look at the preview, import, and see the result (headless Chromium)."""

import pytest
from django.urls import reverse

from tisheng.conftest import screenshot
from tisheng.imports.tests.files import xlsx_bytes
from tisheng.roster.models import Student

pytestmark = pytest.mark.browser

HEADER = ["学籍号", "姓名", "性别", "出生日期", "年级", "班级", "监护人姓名", "监护人关系"]


def test_upload_errors_correction_preview_and_import(page_for, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = [["七年级新生名单"], HEADER,
            ["G20260001", "周一鸣", "男", "2013-03-05", "七年级", "1班", "周大海", "父亲"],
            ["G20260002", "吴佳怡", "女", "2013-13-01", "七年级", "9班", "吴芳", None]]
    bad, good = tmp_path / "名单.xlsx", tmp_path / "名单-改正.xlsx"
    bad.write_bytes(xlsx_bytes(rows))
    rows[3][3:8] = ["2013-11-01", "七年级", "2班", "吴芳", "母亲"]
    good.write_bytes(xlsx_bytes(rows))

    page = page_for("academic_office")
    page.goto(f"{live_server.url}{reverse('imports:upload')}")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "需要改正" in text and "第4行" in text and "“2013-13-01”不是日期" in text and "七年级9班" in text
    assert "立即导入" not in text
    screenshot(page, "import_errors_zh")

    page.click("text=上传改正后的文件")
    page.set_input_files("input[type=file]", str(good))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "可以导入" in text and "吴佳怡" in text
    screenshot(page, "import_preview_zh")

    page.click("text=立即导入")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("text=已导入")
    assert Student.objects.filter(student_no__in=["G20260001", "G20260002"]).count() == 2
    screenshot(page, "import_result_zh")

    page.goto(f"{live_server.url}{reverse('imports:index')}")
    assert "名单-改正.xlsx" in page.locator("main").inner_text()
    screenshot(page, "import_ledger_zh")
