"""The printable weekly class record (班级作业记录, R-FB-2) as Excel (XlsxWriter) and PDF (typst).

Chinese headers and labels whatever the interface language, as the schools' paper records have them. The
record holds what the user may see of the class's posted homework, and each download writes an audit event.
"""

import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
import typst
import xlsxwriter
from django.utils import timezone, translation

from tisheng.accounts.scope import visible
from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.core import homework as core
from tisheng.homework.models import Category, InSchoolCount, Kind, Layer, PostedItem
from tisheng.homework.queries import class_sizes, week_days
from tisheng.homework.rules import SchoolRules
from tisheng.roster.models import HeadTeacher, SchoolClass

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
HEADERS = ("日期", "星期", "学科", "作业内容", "形式", "类型", "分层", "预计用时（分钟）", "任课教师")
TEMPLATE = Path(__file__).resolve().parent / "templates" / "homework" / "record.typ"


@dataclass
class RecordDay:
    date: date
    items: list[dict]
    written: int
    practical: int
    limit: int | None
    over: int
    in_school: int | None
    students: int | None

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    @property
    def summary(self) -> str:
        limit = f" / 限额 {self.limit} 分钟" if self.limit is not None else ""
        over = f"（超出 {self.over} 分钟）" if self.over else ""
        line = f"{self.date:%m月%d日} 书面作业合计 {self.written} 分钟{limit}{over}；实践作业 {self.practical} 分钟"
        if self.in_school is not None:
            line += f"；在校完成书面作业 {self.in_school}" + (f"/{self.students} 人" if self.students else " 人")
        return line


@dataclass
class ClassRecord:
    school_class: SchoolClass
    week: date
    head_teacher: str
    days: list[RecordDay] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def title(self) -> str:
        return f"{self.school_class.school.name} {self.school_class.name} 班级作业记录"

    @property
    def period(self) -> str:
        return f"{self.week:%Y年%m月%d日} 至 {week_days(self.week)[-1]:%Y年%m月%d日}"

    def file_name(self, ext: str) -> str:
        return f"班级作业记录-{self.school_class.school.name}-{self.school_class.name}-{self.week:%Y%m%d}.{ext}"


def class_record(user, school_class: SchoolClass, week: date) -> ClassRecord:
    days = week_days(week)
    with translation.override("zh-hans"):
        items = list(
            visible(user, PostedItem).filter(school_class=school_class, date__in=days)
            .select_related("subject", "teacher__person").order_by("date", "subject__order", "position")
        )
        head = HeadTeacher.objects.filter(school_class=school_class, term__start_date__lte=week).order_by(
            "-term__start_date").select_related("teacher__person").first()
        load = {r["date"]: r for r in core.daily_load(pl.DataFrame(
            [{"class_id": school_class.pk, "date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes}
             for i in items], schema=core.ITEMS_SCHEMA)).to_dicts()}
        counts = dict(visible(user, InSchoolCount).filter(school_class=school_class, date__in=days).values_list(
            "date", "finished_in_school"))
        rules = SchoolRules(school_class.school)
        size = class_sizes([school_class.pk], week).get(school_class.pk)
        result = ClassRecord(school_class, week, head.teacher.person.name if head else "")
        for day in days:
            row = load.get(day, {"written": 0, "practical": 0})
            limit = rules.written_limit(school_class.grade, day)
            result.days.append(RecordDay(
                date=day,
                items=[{"subject": i.subject.name, "content": i.content, "kind": str(Kind(i.kind).label),
                        "category": str(Category(i.category).label),
                        "layer": str(Layer(i.layer).label) if i.layer else "",
                        "minutes": i.minutes, "teacher": i.teacher.person.name} for i in items if i.date == day],
                written=row["written"], practical=row["practical"], limit=limit,
                over=core.over_limit(row["written"], limit), in_school=counts.get(day), students=size,
            ))
    return result


def _audit(user, rec: ClassRecord, what: str) -> None:
    record(user, AuditEvent.Action.EXPORT, f"导出 班级作业记录 {rec.school_class.name} {rec.week:%Y-%m-%d} 周（{what}）",
           school=rec.school_class.school, list="班级作业记录", school_class=rec.school_class.pk,
           week=rec.week.isoformat(), format=what)


def record_xlsx(user, rec: ClassRecord) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"strings_to_numbers": False})
    sheet = book.add_worksheet(rec.school_class.name)
    base = {"font_name": "宋体", "font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
    title = book.add_format({"font_name": "宋体", "bold": True, "font_size": 16, "align": "center"})
    sub = book.add_format({"font_name": "宋体", "font_size": 10, "align": "center"})
    head = book.add_format({**base, "bold": True, "bg_color": "#E9F1FA", "align": "center"})
    cell = book.add_format(base)
    num = book.add_format({**base, "align": "center"})
    total = book.add_format({**base, "bold": True, "bg_color": "#F4F6F9"})
    over = book.add_format({**base, "bold": True, "bg_color": "#FDECEB", "font_color": "#B42318"})
    widths = (11, 7, 10, 48, 7, 8, 8, 10, 10)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = len(HEADERS) - 1
    sheet.merge_range(0, 0, 0, last, rec.title, title)
    sheet.merge_range(1, 0, 1, last, f"{rec.period}　班主任：{rec.head_teacher or '—'}", sub)
    sheet.write_row(3, 0, HEADERS, head)
    sheet.repeat_rows(3)
    row = 4
    for day in rec.days:
        for item in day.items:
            sheet.write_string(row, 0, f"{day.date:%m-%d}", num)
            sheet.write_string(row, 1, day.weekday, num)
            for col, key in enumerate(("subject", "content", "kind", "category", "layer"), start=2):
                sheet.write_string(row, col, item[key], cell)
            sheet.write_number(row, 7, item["minutes"], num)
            sheet.write_string(row, 8, item["teacher"], cell)
            row += 1
        if not day.items:
            sheet.write_string(row, 0, f"{day.date:%m-%d}", num)
            sheet.write_string(row, 1, day.weekday, num)
            sheet.merge_range(row, 2, row, last, "无书面或实践作业", cell)
            row += 1
        sheet.merge_range(row, 0, row, last, day.summary, over if day.over else total)
        row += 1
    sheet.write_string(row + 1, 0, f"生成时间：{timezone.localtime(rec.generated_at):%Y-%m-%d %H:%M}　教务处查阅：__________")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    book.close()
    _audit(user, rec, "Excel")
    return output.getvalue()


def record_pdf(user, rec: ClassRecord) -> bytes:
    rows = []
    for day in rec.days:
        for item in day.items:
            rows.append({"type": "item", "cells": [f"{day.date:%m-%d}", day.weekday, item["subject"], item["content"],
                                                     item["kind"], item["category"], item["layer"],
                                                     str(item["minutes"]), item["teacher"]]})
        if not day.items:
            rows.append({"type": "empty", "cells": [f"{day.date:%m-%d}", day.weekday], "text": "无书面或实践作业"})
        rows.append({"type": "total", "text": day.summary, "over": bool(day.over)})
    data = {
        "title": rec.title, "period": rec.period, "head_teacher": rec.head_teacher or "—", "headers": list(HEADERS),
        "rows": rows, "generated": f"生成时间：{timezone.localtime(rec.generated_at):%Y-%m-%d %H:%M}",
    }
    pdf = typst.compile(TEMPLATE.read_bytes(), format="pdf", sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
    _audit(user, rec, "PDF")
    return pdf
