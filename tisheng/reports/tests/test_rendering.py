"""Each format of each shipped kind gives a valid file with the Chinese text in it, in a Chinese font."""

import io
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tisheng.accounts.scope import Scope
from tisheng.conftest import require
from tisheng.reports import renderers
from tisheng.reports.actions import render
from tisheng.reports.registry import ReportError, all_kinds, get_kind
from tisheng.reports.renderers import Chart, chart_png, chart_svg, render_pdf
from tisheng.roster.models import School

MAIN = "QS01"


@pytest.fixture
def overview(world):
    kind = get_kind("roster.school_overview")
    school = School.objects.get(code=MAIN)
    return kind, kind.gather(world.logins["principal"], {"school": school.pk}), school


@pytest.fixture
def class_list(world):
    kind = get_kind("roster.class_list")
    head = world.logins["head_teacher"]
    return kind, kind.gather(head, {"class": min(Scope.of(head).head_class_ids)})


def pdf_text(content: bytes, tmp_path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # typst spaces Latin digits from Han characters: compare without spaces


def test_the_overview_holds_the_schools_facts_classes_and_teachers(overview):
    _kind, context, school = overview
    assert context["school"]["name"] == school.name
    assert context["totals"]["students"] == sum(c["students"] for c in context["classes"]) > 0
    assert context["totals"]["male"] + context["totals"]["female"] == context["totals"]["students"]
    assert {c["grade"] for c in context["classes"]} == {7, 8, 9}
    assert all(c["head_teacher"] for c in context["classes"])
    assert sum(t["count"] for t in context["titles"]) == context["totals"]["teachers"] > 0
    assert context["grade_chart"].categories == ["七年级", "八年级", "九年级"]


def test_word_is_a4_with_the_chinese_text_and_an_east_asian_font(overview):
    kind, context, school = overview
    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{school.name}花名册概况" in text and "在籍学生" in text
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert {"七年级1班", "班主任", "高级教师"} <= cells
    assert not any("{{" in c or "{%" in c for c in cells), "a template tag was left unfilled"
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert fonts.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert fonts.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体" and normal.get(qn("w:eastAsiaTheme")) is None
    assert document.inline_shapes, "the chart is missing"


def test_excel_has_a_summary_a_sheet_per_grade_and_native_charts(overview):
    kind, context, school = overview
    content = render(kind, "xlsx", context)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["概况", "七年级", "八年级", "九年级"]
    summary = [c for row in book["概况"].iter_rows(values_only=True) for c in row if c is not None]
    assert f"{school.name}花名册概况" in summary and "合计" in summary and context["totals"]["students"] in summary
    grade7 = [row for row in book["七年级"].iter_rows(min_row=4, values_only=True)]
    assert grade7[0][:5] == ("班级", "班主任", "学生数", "男生", "女生")
    assert grade7[1][0] == "七年级1班" and grade7[1][2] == context["classes"][0]["students"]
    charts = [n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4  # the summary's and one per grade
    chart = zipfile.ZipFile(io.BytesIO(content)).read(charts[0]).decode()
    assert "<c:barChart>" in chart and "男生" in chart


def test_pdf_embeds_a_chinese_font(overview, tmp_path):
    kind, context, school = overview
    content = render(kind, "pdf", context)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert f"{school.name}花名册概况" in text
    assert "七年级1班" in text and "各年级男女生人数" not in text  # the chart's words are drawn as outlines
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    path = tmp_path / "report.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "Identity-H" in fonts


def test_the_class_list_in_every_format_has_no_id_numbers(class_list, tmp_path):
    kind, context = class_list
    student = context["students"][0]
    assert context["students"] and set(student) == {"no", "student_no", "name", "sex", "birth_date"}
    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0][:5] == ["序号", "学籍号", "姓名", "性别", "出生日期"]
    assert rows[1][1:3] == [student["student_no"], student["name"]]
    assert len(rows) == 1 + len(context["students"])
    book = openpyxl.load_workbook(io.BytesIO(render(kind, "xlsx", context)))
    sheet = book[context["class_name"]]
    assert sheet.cell(5, 2).value == student["student_no"] and sheet.cell(5, 3).value == student["name"]
    text = pdf_text(render(kind, "pdf", context), tmp_path)
    assert context["heading"].replace(" ", "") in text and student["name"] in text


def test_names_with_markup_characters_do_not_break_the_documents(class_list, tmp_path):
    kind, context = class_list
    context["students"][0]["name"] = "A&B <王> \"#1\" $x$ *y*"
    document = docx.Document(io.BytesIO(render(kind, "docx", context)))
    assert document.tables[0].rows[1].cells[2].text == "A&B <王> \"#1\" $x$ *y*"
    assert "A&B<王>" in pdf_text(render(kind, "pdf", context), tmp_path)


def test_charts_draw_chinese_labels_in_png_and_svg():
    chart = Chart(title="各年级人数", categories=["七年级", "八年级"], series=[("男生", [3, 4]), ("女生", [-1, 2])],
                  value_label="人数")
    assert chart_png(chart).startswith(b"\x89PNG")
    svg = chart_svg(chart)
    assert svg.lstrip().startswith("<?xml") and "<path" in svg
    horizontal = Chart(title="学科", categories=["语文"], series=[("人数", [5])], kind="bar", stacked=True)
    assert chart_png(horizontal).startswith(b"\x89PNG")


def test_without_a_chinese_font_the_renderers_refuse_to_run(monkeypatch, tmp_path, overview):
    kind, context, _school = overview
    monkeypatch.setattr(renderers, "CJK_FAMILIES", ("No Such Font SC",))
    renderers._typst_fonts.cache_clear()
    renderers._matplotlib_font.cache_clear()
    try:
        with pytest.raises(ReportError) as refused:
            render_pdf(kind.pdf, context)
        assert refused.value.message == renderers.NO_CJK_FONT
        with pytest.raises(ReportError):
            chart_png(context["grade_chart"])
    finally:
        monkeypatch.undo()
        renderers._typst_fonts.cache_clear()
        renderers._matplotlib_font.cache_clear()



def test_charts_find_chinese_fonts_installed_after_matplotlib_listed_the_fonts(monkeypatch):
    """matplotlib's font list is a cache file made on its first run: the administrator who installs
    fonts-noto-cjk as the refusal asks must not also have to find and delete that file."""
    from matplotlib import font_manager

    stale = font_manager.FontManager()
    stale.ttflist = [f for f in stale.ttflist if "CJK" not in f.name]  # as listed before the fonts came
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(font_manager, "findfont", stale.findfont)
    renderers._matplotlib_font.cache_clear()
    try:
        assert renderers._matplotlib_font() in renderers.CJK_FAMILIES
        assert any("CJK" in f.name for f in stale.ttflist)
    finally:
        monkeypatch.undo()
        renderers._matplotlib_font.cache_clear()

def test_a_typst_template_that_would_download_a_package_is_refused(tmp_path):
    template = tmp_path / "online.typ"
    template.write_text('#import "@preview/cetz:0.3.0"\nHello')
    with pytest.raises(ReportError) as refused:
        render_pdf(template, {})
    assert refused.value.message == renderers.OFFLINE_ONLY


def test_every_declared_template_exists_and_is_offline():
    for kind in all_kinds():
        if kind.docx:
            assert kind.docx.exists(), kind.docx
        if kind.pdf:
            assert kind.pdf.exists(), kind.pdf
            for typ in kind.pdf.parent.glob("*.typ"):
                assert "@preview/" not in typ.read_text(), typ
