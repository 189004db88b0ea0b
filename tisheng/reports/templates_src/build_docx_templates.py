"""Build the Word templates of the roster reports (``templates/reports/docx/*.docx``) with python-docx.

    .venv/bin/python tisheng/reports/templates_src/build_docx_templates.py

The results are ordinary Word files with docxtpl (Jinja) tags: office staff may open and restyle them in
Word or WPS, keeping the tags. This script is how they were made, so they can be made again after a change.

python-docx's own defaults are wrong for a Chinese document: US Letter paper, Latin theme fonts, and the
East Asian language set to Japanese (which makes LibreOffice pick the Japanese glyph variants). Every style
here sets A4, 宋体/黑体 as the East Asian font (theme font attributes removed: they would win over it) and
``w:lang w:eastAsia="zh-CN"``.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "reports" / "docx"
LATIN = "Times New Roman"
BODY, HEADING = "宋体", "黑体"


def set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on a run-properties element (w:rPr), theme fonts removed, East Asian language zh-CN."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(attr), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def style(document, name: str, east_asia: str, size: float, *, bold=False, align=None, before=0, after=0,
          base="Normal", kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = document.styles
    s = styles[name] if name in [st.name for st in styles] else styles.add_style(name, kind)
    if name != "Normal":
        s.base_style = styles[base]
    s.font.size = Pt(size)
    s.font.bold = bold
    s.font.italic = False
    s.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(s.element.get_or_add_rPr(), east_asia)
    fmt = s.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        fmt.alignment = align
    return s


def new_document(landscape: bool = False):
    document = Document()
    # the defaults every style inherits (python-docx ships Calibri/MS Mincho theme fonts and lang ja-JP)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY)
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    style(document, "Normal", BODY, 10.5, after=4).paragraph_format.line_spacing = 1.25
    style(document, "Title", HEADING, 18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    style(document, "Subtitle", BODY, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    style(document, "Heading 1", HEADING, 14, bold=True, before=14, after=6)
    style(document, "表格文字", BODY, 9, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.line_spacing = 1.0
    style(document, "页脚文字", BODY, 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name in ("Title", "Subtitle", "Heading 1"):  # no border lines or numbering from the default template
        ppr = document.styles[name].element.get_or_add_pPr()
        for tag in ("w:pBdr", "w:numPr"):
            element = ppr.find(qn(tag))
            if element is not None:
                ppr.remove(element)
    return document


def field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def footer(document, text: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["页脚文字"]
    paragraph.add_run(f"{text}    第 ")
    field(paragraph, "PAGE")
    paragraph.add_run(" 页 / 共 ")
    field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def shade(cell, color: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), color)
    properties.append(fill)


def table(document, headers: list[str], widths_mm: list[float], loop: str | None, cells: list[str],
          total: list[str] | None = None):
    """A bordered table: a header row repeated on every page, one row per item of ``loop`` (a docxtpl
    ``{%tr for … %}``), and an optional total row. Without ``loop`` the cells make one fixed row."""
    rows = 1 + (3 if loop else 1) + (1 if total else 0)
    t = document.add_table(rows=rows, cols=len(headers))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout = [headers] + ([[f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1), cells, ["{%tr endfor %}"] + [""] * (len(headers) - 1)]
                          if loop else [cells]) + ([total] if total else [])
    for r, values in enumerate(layout):
        row = t.rows[r]
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Mm(widths_mm[c])
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles["表格文字"]
            run = paragraph.add_run(value)
            if r == 0 or (total and r == len(layout) - 1):
                run.bold = True
                shade(cell, "E9F1FA" if r == 0 else "F4F6F8")
    header = t.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    return t


def school_overview():
    d = new_document()
    d.add_paragraph("{{ heading }}", style="Title")
    d.add_paragraph("{{ term }}　·　{{ requested_by }} 生成于 {{ generated }}", style="Subtitle")

    d.add_paragraph("一、学校基本情况", style="Heading 1")
    table(d, ["项目", "内容"], [40, 120], "f in facts", ["{{ f.label }}", "{{ f.value }}"])

    d.add_paragraph("二、学生概况", style="Heading 1")
    d.add_paragraph(
        "本学年全校共有 {{ totals.classes }} 个班级，在籍学生 {{ totals.students }} 人，其中男生 {{ totals.male }} 人、"
        "女生 {{ totals.female }} 人；寄宿生 {{ totals.boarding }} 人，留守儿童 {{ totals.left_behind }} 人。"
    )
    d.add_paragraph("{%p if grade_chart %}")
    d.add_paragraph("{{ grade_chart }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("{%p endif %}")
    table(d, ["年级", "班级数", "学生数", "男生", "女生", "寄宿生", "留守儿童"], [28, 20, 20, 20, 20, 20, 22], "g in grades",
          ["{{ g.name }}", "{{ g.classes }}", "{{ g.totals.students }}", "{{ g.totals.male }}", "{{ g.totals.female }}",
           "{{ g.totals.boarding }}", "{{ g.totals.left_behind }}"],
          total=["合计", "{{ totals.classes }}", "{{ totals.students }}", "{{ totals.male }}", "{{ totals.female }}",
                 "{{ totals.boarding }}", "{{ totals.left_behind }}"])

    d.add_paragraph("三、班级一览", style="Heading 1")
    table(d, ["年级", "班级", "班主任", "学生数", "男生", "女生", "寄宿生", "留守儿童"], [18, 26, 22, 17, 16, 16, 17, 19],
          "c in classes",
          ["{{ c.grade_name }}", "{{ c.name }}", "{{ c.head_teacher }}", "{{ c.students }}", "{{ c.male }}",
           "{{ c.female }}", "{{ c.boarding }}", "{{ c.left_behind }}"],
          total=["合计", "", "", "{{ totals.students }}", "{{ totals.male }}", "{{ totals.female }}",
                 "{{ totals.boarding }}", "{{ totals.left_behind }}"])

    d.add_paragraph("四、教师概况", style="Heading 1")
    d.add_paragraph("全校在岗教师 {{ totals.teachers }} 人。按职称：")
    table(d, ["职称", "人数"], [60, 30], "t in titles", ["{{ t.name }}", "{{ t.count }}"],
          total=["合计", "{{ totals.teachers }}"])
    d.add_paragraph("")
    d.add_paragraph("按任教学科（一人任教多科的，分别计入）：")
    table(d, ["学科", "人数"], [60, 30], "s in subjects", ["{{ s.name }}", "{{ s.count }}"])
    footer(d, "{{ school.name }} · {{ title }}")
    d.save(OUT / "school_overview.docx")


def class_list():
    d = new_document()
    d.add_paragraph("{{ heading }}", style="Title")
    d.add_paragraph(
        "{{ term }}　·　班主任：{{ head_teacher or '—' }}　·　共 {{ totals.students }} 人（男 {{ totals.male }}，"
        "女 {{ totals.female }}）", style="Subtitle")
    table(d, ["序号", "学籍号", "姓名", "性别", "出生日期", "备注"], [12, 45, 25, 12, 25, 41], "s in students",
          ["{{ s.no }}", "{{ s.student_no }}", "{{ s.name }}", "{{ s.sex }}", "{{ s.birth_date or '' }}", ""])
    d.add_paragraph("")
    d.add_paragraph("班主任签字：________________　　　　日期：________________")
    footer(d, "{{ school.name }} {{ class_name }} · 生成于 {{ generated }}")
    d.save(OUT / "class_list.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    school_overview()
    class_list()
    print(f"written to {OUT}")
