"""The fitness report of a class or a school (体质健康测试报告) on the one report pipeline: rates against the rule
set's target, levels by grade and sex (native Excel chart), item pass rates, the myopia rates of the vision
screenings (against last year and the targets) and the pupils' results; in Word, PDF and Excel."""

from pathlib import Path


from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tisheng.accounts.models import Role
from tisheng.accounts.scope import get_for_user
from tisheng.health import myopia, queries
from tisheng.health.models import ITEMS, FitnessRecord, FitnessTest, Level
from tisheng.reports.registry import ReportError, ReportForm, ReportKind, class_choices, register, school_choices
from tisheng.reports.renderers import Chart, native_chart
from tisheng.roster.models import School, SchoolClass, Term
from tisheng.rulesets.services import rule_value

PASS_RATE_RULE = "shandong_baseline.r06.fitness_pass_rate.min"
LEVEL_ZH = {Level.EXCELLENT: "优秀", Level.GOOD: "良好", Level.PASS: "及格", Level.FAIL: "不及格"}
SEX_ZH = {"M": "男", "F": "女"}
NO_TEST = gettext_noop("There is no fitness test of this school this term yet.")
TEMPLATES = Path(__file__).resolve().parent / "reports"


class FitnessForm(ReportForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = school_choices(self.user)
        self.fields["school_class"].queryset = class_choices(self.user)
        self.fields["school_class"].label_from_instance = lambda c: f"{c.school.name} {c.name}"

    def clean(self):
        data = super().clean()
        if bool(data.get("school")) == bool(data.get("school_class")):
            raise forms.ValidationError(_("Choose either a school or a class."))
        return data

    def describe(self, data):
        if data.get("school_class"):
            c = data["school_class"]
            return {"class": c.pk}, c.school.district, c.school, f"{c.school.name} {c.name}"
        s = data["school"]
        return {"school": s.pk}, s.district, s, s.name


def _pct(value):
    return "–" if value is None else f"{value}%"


def _change(row) -> str:
    return "–" if row["change_pp"] is None else f"{row['change_pp']:+.1f}"


def _met(row) -> str:
    return {True: "达到", False: "未达到"}.get(row["target_met"], "–")


def myopia_section(user, school, school_class) -> dict | None:
    """The myopia figures of the screenings of ``school`` (all years: the trend) or of ``school_class`` (its
    year only: last year the pupils were in another class), as the dashboard computes them, in Chinese."""
    records = queries.vision_records(user).filter(screening__school=school)
    if school_class is not None:
        records = records.filter(school_class=school_class)
    data = myopia.myopia_view(records, school=school, group_by="class")
    if data is None:
        return None
    r = data["latest"]
    year = f"{data['year']}–{data['year'] + 1}学年"
    return {
        "year": year, "basis": str(data["basis_label"]),
        "facts": [
            ("筛查人数", str(r["screened"])), ("近视率", _pct(r["rate"])),
            ("男生 / 女生", f"{_pct(r['rate_m'])} / {_pct(r['rate_f'])}"), ("视力不良率", _pct(r["poor_rate"])),
            ("比上一学年（百分点）", _change(r)), ("年度目标", f"下降不少于 {data['decrease_target']} 个百分点"),
            ("是否达到年度目标", _met(r)),
        ],
        "trend": [(f"{t['year']}–{t['year'] + 1}", str(t["screened"]), _pct(t["rate"]), _pct(t["rate_m"]),
                   _pct(t["rate_f"]), _change(t), _met(t)) for t in data["trend"]],
        "grades": [(f"{g['grade']}年级", str(g["screened"]), _pct(g["rate"]), _pct(g["rate_m"]), _pct(g["rate_f"]),
                    _change(g), f"{g['target_2030']}%") for g in data["by_grade"]],
        "classes": [(c["name"], str(c["screened"]), _pct(c["rate"]), _pct(c["rate_m"]), _pct(c["rate_f"]),
                     _pct(c["poor_rate"]), _change(c)) for c in data["groups"]] if school_class is None else [],
        "chart": Chart(title=f"{year}各年级男女生近视率", categories=[f"{g['grade']}年级" for g in data["by_grade"]],
                       series=[("男生", [g["rate_m"] for g in data["by_grade"]]),
                               ("女生", [g["rate_f"] for g in data["by_grade"]])], value_label="%"),
        "trend_chart": Chart(title="近视率的变化", categories=[f"{t['year']}–{t['year'] + 1}" for t in data["trend"]],
                             series=[("全体", [t["rate"] for t in data["trend"]]),
                                     ("男生", [t["rate_m"] for t in data["trend"]]),
                                     ("女生", [t["rate_f"] for t in data["trend"]])],
                             kind="line", value_label="%", height_mm=55) if len(data["trend"]) > 1 else None,
    }


def gather(user, params: dict) -> dict:
    """Runs as the requester: the school or class must still be in scope, the records are the visible ones."""
    if params.get("class"):
        school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=params["class"])
        school = school_class.school
    else:
        school_class, school = None, get_for_user(user, School, pk=params.get("school"))
    term = Term.current()
    test = FitnessTest.objects.filter(school=school, term=term).first()
    if test is None:
        raise ReportError(NO_TEST)
    records = queries.records(user, test)
    if school_class is not None:
        records = records.filter(school_class=school_class)
    summary = queries.summarise(records)
    target = rule_value(PASS_RATE_RULE, school=school, on=test.date)
    levels = queries.levels_by_grade_and_sex(records)
    categories = [f"{g}年级{SEX_ZH.get(s, s)}" for g, s in levels["keys"]]
    item_names = {i: str(FitnessRecord._meta.get_field(i).verbose_name) for i in ITEMS}
    previous = queries.previous_test(test)
    before = queries.summarise(queries.records(user, previous)) if previous else None
    about = f"{school.name} {school_class.name}" if school_class else school.name
    return {
        "title": "体质健康测试报告", "about": about, "myopia": myopia_section(user, school, school_class),
        "heading": f"{about} 体质健康测试报告",
        "term": str(term), "date": test.date.isoformat(),
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "facts": [
            ("测试人数", str(summary.pupils)), ("评分人数", str(summary.scored)),
            ("免测 / 缺测", f"{summary.exempt} / {summary.absent}"),
            ("合格率", _pct(summary.pass_rate)), ("合格率目标（不低于）", f"{target}%"),
            ("是否达标", "–" if summary.pass_rate is None else ("达标" if summary.pass_rate >= target else "未达标")),
            ("优良率", _pct(summary.good_rate)),
            ("上一学年合格率", _pct(before.pass_rate) if before and before.scored else "无数据"),
            ("上一学年优良率", _pct(before.good_rate) if before and before.scored else "无数据"),
        ],
        "sexes": [(SEX_ZH[s], v["scored"], _pct(v["pass_rate"]), _pct(v["good_rate"]))
                  for s, v in summary.sex_rates().items()],
        "level_rows": [(c, *[levels["series"][i][1][j] for i in range(len(Level.values))])
                       for j, c in enumerate(categories)],
        "level_names": [LEVEL_ZH[lv] for lv in Level.values],
        "chart": Chart(title="各年级男女生等级分布", categories=categories,
                       series=[(LEVEL_ZH[lv], counts) for lv, counts in levels["series"]], kind="column", stacked=True),
        "items": [(item_names[i], n, _pct(rate)) for i, n, rate in summary.item_rates()],
        "pupils": [(r.school_class.name if r.school_class else "", r.student.name, SEX_ZH.get(r.sex, ""),
                    r.standard_score, r.bonus, r.total, LEVEL_ZH.get(r.level, ""), r.get_status_display())
                   for r in records.order_by("grade", "school_class__number", "student__name")],
    }


def build_workbook(book, context: dict, styles) -> None:
    sheet = book.add_worksheet("统计")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 5, 12)
    sheet.write_string(0, 0, context["heading"], styles.title)
    sheet.write_string(1, 0, f"{context['term']} · 测试日期 {context['date']} · 生成于 {context['generated']}", styles.subtitle)
    row = 3
    for label, value in context["facts"]:
        sheet.write_string(row, 0, label, styles.label)
        sheet.write_string(row, 1, value, styles.cell)
        row += 1
    row += 1
    sheet.write_row(row, 0, ["性别", "评分人数", "合格率", "优良率"], styles.header)
    for sex in context["sexes"]:
        row += 1
        sheet.write_string(row, 0, sex[0], styles.cell)
        sheet.write_number(row, 1, sex[1], styles.number)
        sheet.write_string(row, 2, sex[2], styles.cell)
        sheet.write_string(row, 3, sex[3], styles.cell)
    row += 2
    sheet.write_row(row, 0, ["年级与性别", *context["level_names"]], styles.header)
    first = row + 1
    for values in context["level_rows"]:
        row += 1
        sheet.write_string(row, 0, values[0], styles.cell)
        for col, n in enumerate(values[1:], start=1):
            sheet.write_number(row, col, n, styles.number)
    if context["level_rows"]:
        native_chart(book, sheet, context["chart"], first_row=first, last_row=row, category_col=0,
                     series_cols=list(range(1, len(context["level_names"]) + 1)), anchor="H4")
    row += 2
    sheet.write_row(row, 0, ["项目", "测试人数", "及格率"], styles.header)
    for name, n, rate in context["items"]:
        row += 1
        sheet.write_string(row, 0, name, styles.cell)
        sheet.write_number(row, 1, n, styles.number)
        sheet.write_string(row, 2, rate, styles.cell)

    pupils = book.add_worksheet("学生成绩")
    headers = ["班级", "姓名", "性别", "标准分", "附加分", "学年总分", "等级", "状态"]
    pupils.write_row(0, 0, headers, styles.header)
    pupils.set_column(0, len(headers) - 1, 12)
    for r, values in enumerate(context["pupils"], start=1):
        for c, value in enumerate(values):
            if isinstance(value, int | float):
                pupils.write_number(r, c, value, styles.number)
            else:
                pupils.write_string(r, c, "" if value is None else str(value), styles.cell)
    pupils.freeze_panes(1, 0)
    if context["myopia"]:
        _myopia_sheet(book, context["myopia"], styles)


def _myopia_sheet(book, section: dict, styles) -> None:
    sheet = book.add_worksheet("视力筛查")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 6, 12)
    sheet.write_string(0, 0, f"视力筛查 {section['year']}", styles.title)
    sheet.write_string(1, 0, section["basis"], styles.subtitle)
    row = 3
    for label, value in section["facts"]:
        sheet.write_string(row, 0, label, styles.label)
        sheet.write_string(row, 1, value, styles.cell)
        row += 1
    tables = [(["学年", "筛查人数", "近视率", "男生", "女生", "变化（百分点）", "年度目标"], section["trend"]),
              (["年级", "筛查人数", "近视率", "男生", "女生", "比上一学年同年级", "2030年目标（低于）"], section["grades"]),
              (["班级", "筛查人数", "近视率", "男生", "女生", "视力不良率"], section["classes"])]
    for headers, rows in tables:
        if not rows:
            continue
        row += 1
        sheet.write_row(row, 0, headers, styles.header)
        for values in rows:
            row += 1
            sheet.write_row(row, 0, values, styles.cell)
        row += 1


register(ReportKind(
    key="health.fitness_report",
    title=_("Fitness report"),
    description=_("A class's or a school's fitness test this term: pass and good-or-excellent rates against the "
                  "target and last year, levels by grade and sex, item pass rates, the myopia rates of the vision "
                  "screenings and each pupil's result."),
    roles=frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.HEALTH_SECTION, Role.PRINCIPAL, Role.ACADEMIC_OFFICE,
                     Role.SCHOOL_DOCTOR, Role.GRADE_LEADER, Role.HEAD_TEACHER}),
    form=FitnessForm,
    gather=gather,
    docx=TEMPLATES / "fitness_report.docx",
    pdf=TEMPLATES / "fitness_report.typ",
    xlsx=build_workbook,
    file_title="体质健康测试报告",
))
