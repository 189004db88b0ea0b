"""Excel exports of the roster lists: Chinese headers whatever the interface language, the same filtered,
scoped rows as the list, and one audit event per export (who took which data out, R-ASR-3)."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from django.utils import translation

from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent


@dataclass(frozen=True)
class Column:
    header: str  # Chinese, as the schools' own spreadsheets have them
    value: Callable[[object], object]
    width: int = 12
    text: bool = False  # numbers that are identifiers (学籍号, 身份证号): always written as text


def workbook_bytes(sheet_name: str, columns: list[Column], rows: Iterable) -> tuple[bytes, int]:
    """An .xlsx with a header row and one row per object; returns the file and the number of rows."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(sheet_name)
    header = book.add_format({"bold": True, "bg_color": "#E9F1FA", "border": 1, "font_name": "宋体"})
    text = book.add_format({"num_format": "@", "font_name": "宋体"})
    plain = book.add_format({"font_name": "宋体"})
    dates = book.add_format({"num_format": "yyyy-mm-dd", "font_name": "宋体"})
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, obj in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = column.value(obj)
            if value is None or value == "":
                sheet.write_blank(count, col, None, plain)
            elif column.text:
                sheet.write_string(count, col, str(value), text)
            elif isinstance(value, bool):
                sheet.write_string(count, col, "是" if value else "否", plain)
            elif isinstance(value, date):
                sheet.write_datetime(count, col, value, dates)
            elif isinstance(value, (int, float)):
                sheet.write_number(count, col, value, plain)
            else:
                sheet.write_string(count, col, str(value), plain)
    if count:
        sheet.autofilter(0, 0, count, len(columns) - 1)
    book.close()
    return output.getvalue(), count


def record_export(user, what: str, rows: int, form, school=None) -> AuditEvent:
    """The audit entry, in Chinese for the bureau's reviewers: "导出 学生名单 312 行（学校: 青山区实验中学）"."""
    with translation.override("zh-hans"):
        filters = form.described()
        described = "，".join(f"{k}: {v}" for k, v in filters.items())
        summary = f"导出 {what} {rows} 行" + (f"（{described}）" if described else "")
    return record(user, AuditEvent.Action.EXPORT, summary, school=school, list=what, rows=rows, filters=filters)
