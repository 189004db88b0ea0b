"""The workbooks the import pages hand out: a declaration's template and a batch's error report.

Both use Chinese headers whatever the interface language (they are filled in and read by school staff); the
messages of the error report are in the viewer's language. Every cell is written as a string, and ID-like
columns of the template are formatted as text (``@``), so that Excel never turns a number into 1.2E+17.
"""

import io

import xlsxwriter

from tisheng.imports.parsers import Choice
from tisheng.imports.problems import shown_errors
from tisheng.imports.spec import ImportSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _width(text: str) -> int:
    return max(8, min(40, sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2))


def template(spec: ImportSpec) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    text = book.add_format({"num_format": "@"})
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "num_format": "@"})
    required = book.add_format({"bold": True, "bg_color": "#FBE3E1", "font_color": "#B8322A", "border": 1})
    sample = book.add_format({"num_format": "@", "font_color": "#808080", "italic": True})

    sheet = book.add_worksheet(spec.template_name or "导入")
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(spec.columns):
        sheet.set_column(col, col, _width(column.sample or column.header) + 2, text)
        sheet.write_string(0, col, column.header, required if column.required else header)
        sheet.write_string(1, col, column.sample, sample)
        if column.help:
            sheet.write_comment(0, col, column.help, {"x_scale": 2, "y_scale": 1.5})
        if isinstance(column.parser, Choice) and column.parser.shown:
            sheet.data_validation(1, col, 10_000, col, {
                "validate": "list", "source": list(column.parser.shown), "error_type": "warning",
                "error_message": "请从下拉列表中选择，或按“填写说明”填写。",
            })

    notes = book.add_worksheet("填写说明")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 70, wrap)
    notes.set_column(3, 3, 36, wrap)
    row = 0
    for line in (*spec.notes, "第二行是示例（灰色斜体），导入前请删除或改写。红色表头的列必须填写。"):
        notes.write_string(row, 0, line)
        row += 1
    row += 1
    for col, title in enumerate(("列名", "是否必填", "说明", "也可以写作")):
        notes.write_string(row, col, title, bold)
    for column in spec.columns:
        row += 1
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
        notes.write_string(row, 2, column.help, wrap)
        notes.write_string(row, 3, "、".join(column.aliases), wrap)
    book.close()
    return buffer.getvalue()


def error_report(batch) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("错误清单")
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for col, (title, width) in enumerate((("行号", 14), ("列名", 16), ("单元格内容", 28), ("问题及修改方法", 90))):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    for row, error in enumerate(shown_errors(batch), start=1):
        for col, value in enumerate((error.row, error.column, str(error.value or ""), error.message)):
            sheet.write_string(row, col, value)
    if batch.error_count > len(batch.errors):
        sheet.write_string(len(batch.errors) + 2, 0, f"共 {batch.error_count} 处错误，此处列出前 {len(batch.errors)} 处。")
    book.close()
    return buffer.getvalue()
