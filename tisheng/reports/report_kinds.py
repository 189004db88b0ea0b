"""The roster's reports: 学校花名册概况 (one school's classes, pupils and teachers) and 班级名单 (a class list).

They read the roster through the scoped helpers of ``tisheng.roster.queries`` and ``visible``/``get_for_user``,
as the requesting user, so a report never holds more than its requester may see on the roster pages.
"""

from pathlib import Path

from django import forms
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tisheng.accounts.models import Role
from tisheng.accounts.scope import get_for_user, visible
from tisheng.reports.registry import (
    ReportError,
    ReportForm,
    ReportKind,
    class_choices,
    register,
    school_choices,
)
from tisheng.reports.renderers import Chart, native_chart
from tisheng.roster import queries as roster
from tisheng.roster.models import ClassMembership, HeadTeacher, School, SchoolClass, Sex, Subject, Teacher, grade_name

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"
NO_TERM = gettext_noop("There is no current term in the system yet, so there is no class list to report on.")
SEX = {Sex.MALE: "男", Sex.FEMALE: "女"}


def _made(user, term) -> dict:
    """What every roster report says about itself."""
    return {
        "term": str(term),
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "requested_by": user.display_name if user else "",
    }


def _term(user):
    term = roster.current_term(user)
    if term is None:
        raise ReportError(NO_TERM)
    return term


# --- 学校花名册概况 ------------------------------------------------------------------------------------------
class SchoolForm(ReportForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = school_choices(self.user)
        self.fields["school"].empty_label = None

    def describe(self, data):
        school = data["school"]
        return {"school": school.pk}, school.district, school, school.name


COUNTS = {
    "students": Count("pk", distinct=True),
    "male": Count("pk", distinct=True, filter=Q(sex=Sex.MALE)),
    "female": Count("pk", distinct=True, filter=Q(sex=Sex.FEMALE)),
    "boarding": Count("pk", distinct=True, filter=Q(boarding=True)),
    "left_behind": Count("pk", distinct=True, filter=Q(left_behind=True)),
}
COUNT_KEYS = tuple(COUNTS)


def _sum(rows: list[dict]) -> dict:
    return {key: sum(r[key] for r in rows) for key in COUNT_KEYS}


def gather_school_overview(user, params: dict) -> dict:
    school = get_for_user(user, School.objects.select_related("district", "central_school", "group"),
                          pk=params.get("school"))
    term = _term(user)
    classes = list(roster.classes(user).filter(school=school).order_by("grade", "number"))
    ids = [c.pk for c in classes]
    counted = {
        row.pop("class_id"): row
        for row in roster.enrolled(roster.students(user)).filter(class_id__in=ids).order_by().values("class_id")
        .annotate(**COUNTS)
    }
    heads = {
        h.school_class_id: h.teacher.person.name
        for h in HeadTeacher.objects.filter(school_class_id__in=ids, term=term).select_related("teacher__person")
    }
    class_rows = [
        {"grade": c.grade, "grade_name": grade_name(c.grade), "name": c.name, "head_teacher": heads.get(c.pk, ""),
         **counted.get(c.pk, dict.fromkeys(COUNT_KEYS, 0))}
        for c in classes
    ]
    grades = []
    for grade in sorted({c.grade for c in classes}):
        rows = [r for r in class_rows if r["grade"] == grade]
        grades.append({"grade": grade, "name": grade_name(grade), "classes": len(rows), "class_rows": rows,
                       "totals": _sum(rows)})
    teachers = visible(user, Teacher).filter(school=school, active=True)
    by_title = roster.count_by(teachers, "title")
    by_subject = roster.count_by(teachers, "subjects")
    subjects = {s.pk: s.name for s in Subject.objects.filter(pk__in=[k for k in by_subject if k])}
    branches = visible(user, School).filter(central_school=school).order_by("code").values_list("name", flat=True)
    facts = [
        ("学校名称", school.name), ("学校代码", school.code), ("办学类型", school.get_kind_display()),
        ("所属区县", school.district.name),
        ("中心校", school.central_school.name if school.central_school else ""),
        ("下辖村小、教学点", "、".join(branches)),
        ("教育集团", school.group.name if school.group else ""), ("地址", school.address),
        ("学年学期", str(term)),
    ]
    chart = None
    if grades:
        chart = Chart(
            title="各年级男女生人数", categories=[g["name"] for g in grades], value_label="人数",
            series=[("男生", [g["totals"]["male"] for g in grades]), ("女生", [g["totals"]["female"] for g in grades])],
        )
    return {
        "title": "学校花名册概况",
        "heading": f"{school.name}花名册概况",
        "school": {"name": school.name, "code": school.code},
        **_made(user, term),
        "facts": [{"label": label, "value": value} for label, value in facts if value],
        "totals": {**_sum(class_rows), "classes": len(class_rows), "teachers": teachers.count()},
        "grades": grades,
        "classes": class_rows,
        "grade_chart": chart,
        "titles": [{"name": str(label), "count": by_title[value]} for value, label in Teacher.Title.choices
                   if by_title.get(value)],
        "subjects": sorted(
            [{"name": subjects.get(pk, "未填学科"), "count": n} for pk, n in by_subject.items()],
            key=lambda s: (s["name"] == "未填学科", -s["count"], s["name"]),
        ),
    }


CLASS_COLUMNS = [("班级", "name", 12), ("班主任", "head_teacher", 12), ("学生数", "students", 9),
                 ("男生", "male", 8), ("女生", "female", 8), ("寄宿生", "boarding", 9), ("留守儿童", "left_behind", 10)]


def _table(sheet, styles, row: int, columns, rows: list[dict], total: dict | None = None) -> int:
    """A bordered table with a header row (and a total row); returns the row after it."""
    for col, (header, _key, _width) in enumerate(columns):
        sheet.write_string(row, col, header, styles.header)
    for r in rows:
        row += 1
        for col, (_header, key, _width) in enumerate(columns):
            value = r.get(key, "")
            sheet.write(row, col, value, styles.number if isinstance(value, int) else styles.cell)
    if total is not None:
        row += 1
        for col, (_header, key, _width) in enumerate(columns):
            value = total.get(key, "")
            sheet.write(row, col, value, styles.total_number if isinstance(value, int) else styles.total)
    return row + 1


def build_school_overview_xlsx(book, context: dict, styles) -> None:
    summary = book.add_worksheet("概况")
    summary.write_string(0, 0, context["heading"], styles.title)
    summary.write_string(1, 0, f"{context['term']} · 生成于 {context['generated']}", styles.subtitle)
    summary.set_column(0, 0, 16)
    summary.set_column(1, 6, 11)
    row = 3
    summary.write_string(row, 0, "一、学校基本情况", styles.heading)
    for fact in context["facts"]:
        row += 1
        summary.write_string(row, 0, fact["label"], styles.label)
        summary.merge_range(row, 1, row, 6, fact["value"], styles.cell)
    row += 2
    summary.write_string(row, 0, "二、各年级学生", styles.heading)
    grade_columns = [("年级", "name", 16), ("班级数", "classes", 11), ("学生数", "students", 11), ("男生", "male", 11),
                     ("女生", "female", 11), ("寄宿生", "boarding", 11), ("留守儿童", "left_behind", 11)]
    first = row + 2
    grade_rows = [{"name": g["name"], "classes": g["classes"], **g["totals"]} for g in context["grades"]]
    totals = context["totals"]
    end = _table(summary, styles, row + 1, grade_columns, grade_rows, {"name": "合计", **totals})
    if context["grade_chart"]:
        native_chart(book, summary, context["grade_chart"], first_row=first, last_row=first + len(grade_rows) - 1,
                     category_col=0, series_cols=[3, 4], anchor=f"I{row + 1}")
    row = end + 1
    summary.write_string(row, 0, "三、教师职称", styles.heading)
    row = _table(summary, styles, row + 1, [("职称", "name", 16), ("人数", "count", 11)], context["titles"],
                 {"name": "合计", "count": totals["teachers"]}) + 1
    summary.write_string(row, 0, "四、教师任教学科（一人多科分别计入）", styles.heading)
    _table(summary, styles, row + 1, [("学科", "name", 16), ("人数", "count", 11)], context["subjects"])
    for grade in context["grades"]:
        sheet = book.add_worksheet(grade["name"])
        sheet.write_string(0, 0, f"{context['school']['name']} {grade['name']}班级情况", styles.title)
        sheet.write_string(1, 0, context["term"], styles.subtitle)
        for col, (_header, _key, width) in enumerate(CLASS_COLUMNS):
            sheet.set_column(col, col, width)
        _table(sheet, styles, 3, CLASS_COLUMNS, grade["class_rows"], {"name": "合计", "head_teacher": "", **grade["totals"]})
        chart = Chart(title=f"{grade['name']}各班男女生人数", categories=[r["name"] for r in grade["class_rows"]],
                      series=[("男生", []), ("女生", [])], value_label="人数")
        native_chart(book, sheet, chart, first_row=4, last_row=3 + len(grade["class_rows"]), category_col=0,
                     series_cols=[3, 4], anchor="I4")


register(ReportKind(
    key="roster.school_overview",
    title=_("School roster overview"),
    description=_("One school this year: its facts, every class with its head teacher and pupils (boys, girls, "
                  "boarding, left-behind), pupils per grade as a chart, and the teachers by title and subject."),
    roles=frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.PRINCIPAL, Role.ACADEMIC_OFFICE}),
    form=SchoolForm,
    gather=gather_school_overview,
    docx=TEMPLATES / "docx" / "school_overview.docx",
    pdf=TEMPLATES / "typst" / "school_overview.typ",
    xlsx=build_school_overview_xlsx,
    file_title="学校花名册概况",
))


# --- 班级名单 -----------------------------------------------------------------------------------------------
class ClassForm(ReportForm):
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = class_choices(self.user)
        several_schools = choices.values("school_id").distinct().count() > 1
        field = self.fields["school_class"]
        field.queryset = choices
        field.empty_label = None
        field.label_from_instance = (lambda c: f"{c.school.name} {c.name}") if several_schools else (lambda c: c.name)

    def describe(self, data):
        school_class = data["school_class"]
        school = school_class.school
        return {"class": school_class.pk}, school.district, school, f"{school.name} {school_class.name}"


def gather_class_list(user, params: dict) -> dict:
    school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=params.get("class"))
    term = _term(user)
    if school_class.academic_year_id != term.academic_year_id:
        raise Http404  # a class of an earlier year has no list this term
    members = (
        visible(user, ClassMembership)
        .filter(school_class=school_class, term=term, left_on__isnull=True, student__active=True)
        .select_related("student")
        .order_by("student__student_no")
    )
    head = HeadTeacher.objects.filter(school_class=school_class, term=term).select_related("teacher__person").first()
    students = [
        {"no": i, "student_no": m.student.student_no, "name": m.student.name, "sex": SEX.get(m.student.sex, ""),
         "birth_date": m.student.birth_date}
        for i, m in enumerate(members, start=1)
    ]
    return {
        "title": "班级名单",
        "heading": f"{school_class.school.name} {school_class.name} 班级名单",
        "school": {"name": school_class.school.name, "code": school_class.school.code},
        "class_name": school_class.name,
        "head_teacher": head.teacher.person.name if head else "",
        **_made(user, term),
        "students": students,
        "totals": {"students": len(students), "male": sum(s["sex"] == "男" for s in students),
                   "female": sum(s["sex"] == "女" for s in students)},
    }


def build_class_list_xlsx(book, context: dict, styles) -> None:
    sheet = book.add_worksheet(context["class_name"][:31])
    sheet.write_string(0, 0, context["heading"], styles.title)
    totals = context["totals"]
    sheet.write_string(
        1, 0, f"{context['term']} · 班主任：{context['head_teacher'] or '—'} · "
              f"共 {totals['students']} 人（男 {totals['male']}，女 {totals['female']}）", styles.subtitle)
    for col, (header, width) in enumerate([("序号", 6), ("学籍号", 22), ("姓名", 12), ("性别", 6), ("出生日期", 12)]):
        sheet.set_column(col, col, width)
        sheet.write_string(3, col, header, styles.header)
    for row, s in enumerate(context["students"], start=4):
        sheet.write_number(row, 0, s["no"], styles.number)
        sheet.write_string(row, 1, s["student_no"], styles.text)
        sheet.write_string(row, 2, s["name"], styles.cell)
        sheet.write_string(row, 3, s["sex"], styles.cell)
        if s["birth_date"]:
            sheet.write_datetime(row, 4, s["birth_date"], styles.date)
        else:
            sheet.write_blank(row, 4, None, styles.cell)
    sheet.freeze_panes(4, 0)
    sheet.repeat_rows(3)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


register(ReportKind(
    key="roster.class_list",
    title=_("Class list"),
    description=_("The pupils of one class this term: student number, name, sex and birth date (no ID number "
                  "column), with the head teacher, for printing and signing."),
    # The national 学籍号 is "G" + the pupil's ID number: only roles that see ID numbers in full on the roster
    # pages (the school's leaders, the class's head teacher) get the list with it.
    roles=frozenset({Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.HEAD_TEACHER}),
    form=ClassForm,
    gather=gather_class_list,
    docx=TEMPLATES / "docx" / "class_list.docx",
    pdf=TEMPLATES / "typst" / "class_list.typ",
    xlsx=build_class_list_xlsx,
    file_title="班级名单",
))
