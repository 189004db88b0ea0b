"""The weekly class record (班级作业记录, R-FB-2) on the one report pipeline: for one class or for every class of
a school (the academic office files the whole school's week), each day's posted homework by subject with
form, type, layer, minutes and teacher, then the day's written total against the limit, practical minutes
and the pupils who finished in school; a week line with weekends and holidays apart. Word, PDF (A4 landscape) and
Excel (a sheet per class); Chinese whatever the interface language, as the schools' paper records are.

``gather`` reads the posted items and counts through ``visible`` as the requester, and the limits from the
school's rule set (``SchoolRules``); the sums are ``core.homework``'s.
"""

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tisheng.accounts.models import Role
from tisheng.accounts.scope import get_for_user, visible
from tisheng.core import homework as core
from tisheng.homework.models import Category, InSchoolCount, Kind, Layer, PostedItem
from tisheng.homework.queries import class_sizes, monday, week_days
from tisheng.homework.rules import SchoolRules
from tisheng.reports.registry import ReportError, ReportForm, ReportKind, class_choices, register, school_choices
from tisheng.roster.models import HeadTeacher, School, SchoolClass, Term

KEY = "homework.weekly_record"
TEMPLATES = Path(__file__).resolve().parent / "reports"
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
HEADERS = ("日期", "星期", "学科", "作业内容", "形式", "类型", "分层", "预计用时（分钟）", "任课教师")
NO_CLASSES = gettext_noop("The school has no classes in the year of that week.")


# --- the form: a class or a school, and a week ----------------------------------------------------------------
def week_choices(today: date) -> list[tuple[str, str]]:
    """The weeks of the current academic year up to next week (the one being filed), newest first."""
    term = Term.current(today)
    starts = [t.start_date for t in term.academic_year.terms.all()] if term else []
    first, last = monday(min(starts, default=today)), monday(today) + timedelta(days=7)
    weeks = [last - timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return [(w.isoformat(), f"{w:%Y-%m-%d} – {w + timedelta(days=6):%m-%d}") for w in weeks]


class RecordForm(ReportForm):
    school = forms.ModelChoiceField(label=_("School (every class)"), queryset=School.objects.none(), required=False)
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none(), required=False)
    week = forms.ChoiceField(label=_("Week"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schools = school_choices(self.user)
        if schools.exists():
            self.fields["school"].queryset = schools
        else:  # a head teacher or grade leader chooses among classes only
            del self.fields["school"]
        self.fields["school_class"].queryset = class_choices(self.user)
        self.fields["school_class"].label_from_instance = lambda c: f"{c.school.name} {c.name}"
        today = timezone.localdate()
        self.fields["week"].choices = week_choices(today)
        self.fields["week"].initial = monday(today).isoformat()

    def clean(self):
        data = super().clean()
        if bool(data.get("school")) == bool(data.get("school_class")):
            raise forms.ValidationError(_("Choose either a school or a class."))
        return data

    def describe(self, data):
        week = date.fromisoformat(data["week"])
        if data.get("school_class"):
            c = data["school_class"]
            return ({"class": c.pk, "week": week.isoformat()}, c.school.district, c.school,
                    f"{c.school.name} {c.name} {week:%Y年%m月%d日}起一周")
        s = data["school"]
        return {"school": s.pk, "week": week.isoformat()}, s.district, s, f"{s.name} {week:%Y年%m月%d日}起一周"


# --- gathering --------------------------------------------------------------------------------------------------
def _day(day: date, off: bool, items: list, load: dict, limit: int | None, in_school: int | None,
         students: int | None) -> dict:
    written, practical = load.get("written", 0), load.get("practical", 0)
    over = core.over_limit(written, limit)
    line = f"{day:%m月%d日} 书面作业合计 {written} 分钟"
    line += f" / 限额 {limit} 分钟" if limit is not None else ""
    line += f"（超出 {over} 分钟）" if over else ""
    line += f"；实践作业 {practical} 分钟"
    if in_school is not None:
        line += f"；在校完成书面作业 {in_school}" + (f"/{students} 人" if students else " 人")
    return {
        "date": f"{day:%m-%d}", "weekday": WEEKDAYS[day.weekday()] + ("" if day.weekday() >= 5 or not off else "（假）"),
        "weekend": off,
        "items": [{"subject": i.subject.name, "content": i.content, "kind": str(Kind(i.kind).label),
                   "category": str(Category(i.category).label), "layer": str(Layer(i.layer).label) if i.layer else "",
                   "minutes": i.minutes, "teacher": i.teacher.person.name} for i in items],
        "written": written, "practical": practical, "over": over, "summary": line,
    }


def _week_line(days: list[dict]) -> str:
    school_days = [d for d in days if not d["weekend"]]
    off = sum(d["written"] for d in days if d["weekend"])
    written = sum(d["written"] for d in school_days)
    over = sum(1 for d in days if d["over"])
    mean = f"，日均 {written / len(school_days):.0f} 分钟" if school_days else ""
    line = (f"本周书面作业：上学日 {len(school_days)} 天合计 {written} 分钟{mean}；"
            f"周末及节假日 {off} 分钟；实践作业合计 {sum(d['practical'] for d in days)} 分钟")
    return line + (f"；超出限额 {over} 天" if over else "；每天均未超出限额")


def gather(user, params: dict) -> dict:
    """Runs as the requester: the class or school must still be in scope; items and counts are the visible ones."""
    week = monday(date.fromisoformat(params["week"]))
    days = week_days(week)
    if params.get("class"):
        school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=params["class"])
        school, classes = school_class.school, [school_class]
    else:
        school = get_for_user(user, school_choices(user), pk=params.get("school"))  # schools seen whole only
        term = Term.current(week)
        classes = list(visible(user, SchoolClass).filter(school=school, academic_year_id=term.academic_year_id)
                       .select_related("school").order_by("grade", "number")) if term else []
    if not classes:
        raise ReportError(NO_CLASSES)
    ids = [c.pk for c in classes]
    items = list(visible(user, PostedItem).filter(school_class_id__in=ids, date__in=days)
                 .select_related("subject", "teacher__person").order_by("date", "subject__order", "position"))
    loads = {(r["class_id"], r["date"]): r for r in core.daily_load(pl.DataFrame(
        [{"class_id": i.school_class_id, "date": i.date, "kind": i.kind, "layer": i.layer, "minutes": i.minutes}
         for i in items], schema=core.ITEMS_SCHEMA)).to_dicts()}
    counts = {(c, d): n for c, d, n in visible(user, InSchoolCount).filter(school_class_id__in=ids, date__in=days)
              .values_list("school_class_id", "date", "finished_in_school")}
    heads = {}
    for h in (HeadTeacher.objects.filter(school_class_id__in=ids, term__start_date__lte=week)
              .select_related("teacher__person").order_by("term__start_date")):
        heads[h.school_class_id] = h.teacher.person.name  # the latest term's head teacher wins
    sizes = class_sizes(ids, week)
    by_class = defaultdict(list)
    for i in items:
        by_class[i.school_class_id].append(i)
    rules = SchoolRules(school)
    records = []
    for c in classes:
        record_days = [_day(d, rules.day_off(d), [i for i in by_class[c.pk] if i.date == d],
                            loads.get((c.pk, d), {}), rules.written_limit(c.grade, d), counts.get((c.pk, d)),
                            sizes.get(c.pk)) for d in days]
        records.append({"name": c.name, "title": f"{c.school.name} {c.name} 班级作业记录",
                        "head_teacher": heads.get(c.pk) or "—", "students": sizes.get(c.pk, 0),
                        "days": record_days, "week_line": _week_line(record_days)})
    return {
        "title": "班级作业记录",
        "school": school.name,
        "period": f"{week:%Y年%m月%d日} 至 {days[-1]:%Y年%m月%d日}",
        "headers": list(HEADERS),
        "classes": records,
        "generated": f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    }


# --- Excel: a sheet per class --------------------------------------------------------------------------------
def build_workbook(book, context: dict, styles) -> None:
    wrap = book.add_format({"font_name": "宋体", "font_size": 10, "valign": "top", "text_wrap": True, "border": 1,
                            "border_color": "#B7C3D0"})
    over = book.add_format({"font_name": "宋体", "bold": True, "border": 1, "border_color": "#B7C3D0",
                            "bg_color": "#FDECEB", "font_color": "#B42318"})
    last = len(context["headers"]) - 1
    for record in context["classes"]:
        sheet = book.add_worksheet(record["name"][:31])
        for col, width in enumerate((8, 8, 10, 48, 8, 10, 8, 10, 10)):
            sheet.set_column(col, col, width)
        sheet.merge_range(0, 0, 0, last, record["title"], styles.title)
        sheet.merge_range(1, 0, 1, last, f"{context['period']}　班主任：{record['head_teacher']}　学生 {record['students']} 人",
                          styles.subtitle)
        sheet.write_row(3, 0, context["headers"], styles.header)
        sheet.repeat_rows(3)
        row = 4
        for day in record["days"]:
            for item in day["items"]:
                sheet.write_row(row, 0, [day["date"], day["weekday"], item["subject"]], styles.cell)
                sheet.write_string(row, 3, item["content"], wrap)
                sheet.write_row(row, 4, [item["kind"], item["category"], item["layer"]], styles.cell)
                sheet.write_number(row, 7, item["minutes"], styles.number)
                sheet.write_string(row, 8, item["teacher"], styles.cell)
                row += 1
            if not day["items"]:
                sheet.write_row(row, 0, [day["date"], day["weekday"]], styles.cell)
                sheet.merge_range(row, 2, row, last, "无书面或实践作业", styles.cell)
                row += 1
            sheet.merge_range(row, 0, row, last, day["summary"], over if day["over"] else styles.total)
            row += 1
        sheet.merge_range(row, 0, row, last, record["week_line"], styles.label)
        sheet.write_string(row + 2, 0, f"{context['generated']}　班主任签字：__________　教务处查阅：__________")
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)


register(ReportKind(
    key=KEY,
    title=_("Weekly class homework record"),
    description=_("The class homework record (班级作业记录) of one week, for a class or every class of a school: "
                  "each day's homework by subject with form, type, layer, minutes and teacher, the written total "
                  "against the limit, practical minutes and the pupils who finished in school; weekends and "
                  "holidays shown apart."),
    roles=frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.GRADE_LEADER,
                     Role.HEAD_TEACHER}),
    form=RecordForm,
    gather=gather,
    docx=TEMPLATES / "weekly_record.docx",
    pdf=TEMPLATES / "weekly_record.typ",
    xlsx=build_workbook,
    file_title="班级作业记录",
))
