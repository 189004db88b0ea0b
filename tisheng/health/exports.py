"""The fitness data back out in the national upload template's layout (round trip of the import)."""

import io

import xlsxwriter

from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.health.importers import ABSENT, EXEMPT, ITEM_COLUMNS

FIXED = ("年级编号", "班级编号", "班级名称", "学籍编号", "民族代码", "姓名", "性别", "出生日期")
LONG_RUNS = {field for _h, field, *_r, kind in ITEM_COLUMNS if kind == "long"}


def _time(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}'{rest:02d}\""


def national_workbook(user, test, records) -> bytes:
    """One row per record, headers as the national template; 学籍编号 and the codes as text; audited."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("体测数据")
    text = book.add_format({"num_format": "@"})
    headers = [*FIXED, *(h for h, *_ in ITEM_COLUMNS), "免测原因"]
    sheet.write_row(0, 0, headers)
    sheet.set_column(0, len(headers) - 1, 11, text)
    rows = 0
    for rows, r in enumerate(records.order_by("grade", "class_code", "student__student_no"), start=1):
        s = r.student
        values = [r.grade_code, r.class_code, r.school_class.name if r.school_class else "", s.student_no,
                  r.ethnicity_code, s.name, "1" if r.sex == "M" else "2",
                  f"{s.birth_date:%Y/%-m/%-d}" if s.birth_date else ""]
        for _h, field, *_rest in ITEM_COLUMNS:
            value = getattr(r, field)
            if r.exempt:
                values.append(EXEMPT)
            elif value is None:
                values.append(ABSENT if r.absent else "")
            elif field in LONG_RUNS:
                values.append(_time(value))
            else:
                values.append(f"{value:g}")
        values.append(r.exempt_reason)
        sheet.write_row(rows, 0, [str(v) for v in values], text)
    book.close()
    record(user, AuditEvent.Action.EXPORT, f"导出 体质健康测试数据 {test.school.name} {test.term}（{rows} 人）",
           school=test.school, test=test.pk, rows=rows)
    return out.getvalue()
