"""Build the Word template of the weekly class record (``weekly_record.docx``) with the reports app's helpers
(A4 landscape, 宋体/黑体 as East Asian fonts, zh-CN).

    .venv/bin/python tisheng/homework/reports/build_docx_templates.py

One table per class: a day loop around an item loop (docxtpl ``{%tr %}`` rows; ``d["items"]``, since
``d.items`` would be the dict's method in Jinja), a row for a day without
homework, the day's summary row (shaded red when over the limit) and the week's line. Office staff may
restyle the result in Word or WPS as long as the tags stay.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_BREAK  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

from tisheng.reports.templates_src.build_docx_templates import footer, new_document, shade  # noqa: E402

HEADERS = ["日期", "星期", "学科", "作业内容", "形式", "类型", "分层", "预计用时（分钟）", "任课教师"]
WIDTHS = [16, 16, 20, 102, 16, 22, 18, 22, 20]
ITEM = ["{{ d.date }}", "{{ d.weekday }}", "{{ i.subject }}", "{{ i.content }}", "{{ i.kind }}", "{{ i.category }}",
        "{{ i.layer }}", "{{ i.minutes }}", "{{ i.teacher }}"]


def weekly_record():
    d = new_document(landscape=True)
    d.add_paragraph("{%p for c in classes %}")
    d.add_paragraph("{{ c.title }}", style="Title")
    d.add_paragraph("{{ period }}　班主任：{{ c.head_teacher }}　学生 {{ c.students }} 人", style="Subtitle")
    rows = [HEADERS, ["{%tr for d in c.days %}"], ["{%tr for i in d['items'] %}"], ITEM, ["{%tr endfor %}"],
            ["{%tr if not d['items'] %}"], ["{{ d.date }}", "{{ d.weekday }}", "无书面或实践作业"], ["{%tr endif %}"],
            ["{% cellbg 'FDECEB' if d.over else 'F4F6F8' %}{{ d.summary }}"], ["{%tr endfor %}"], ["{{ c.week_line }}"]]
    t = d.add_table(rows=len(rows), cols=len(HEADERS))
    t.style = d.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        row = t.rows[r]
        for c, width in enumerate(WIDTHS):
            row.cells[c].width = Mm(width)
        if len(values) == 1:  # a tag row, the summary or the week line: one cell across the table
            cell = row.cells[0].merge(row.cells[-1])
        elif len(values) == 3:  # a day without homework: date, weekday, then the note across
            row.cells[2].merge(row.cells[-1])
            cell = None
        else:
            cell = None
        for c, value in enumerate(values):
            target = cell if cell is not None else row.cells[c]
            paragraph = target.paragraphs[0]
            paragraph.style = d.styles["表格文字"]
            run = paragraph.add_run(value)
            if r == 0 or r == len(rows) - 1 or "summary" in value:
                run.bold = True
            if r == 0 or r == len(rows) - 1:
                shade(target, "E9F1FA")
        if values is ITEM:
            row.cells[3].paragraphs[0].alignment = 0  # the homework's text reads left to right
    header = t.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    d.add_paragraph("")
    d.add_paragraph("班主任签字：________________　　　　教务处查阅：________________")
    d.add_paragraph("{%p if not loop.last %}")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p endfor %}")
    footer(d, "{{ school }} · {{ title }} · {{ generated }}")
    d.save(HERE / "weekly_record.docx")


if __name__ == "__main__":
    weekly_record()
