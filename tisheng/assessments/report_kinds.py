"""Reports of exam quality analysis on the one report pipeline (R-FB-2):

* 质量分析报告 of an assessment for everybody who sat (the district), a school or a class: Word, PDF and
  Excel (a sheet per school or per class with native charts);
* 学业诊断单, the per-student diagnostic sheet of a class: levels and knowledge points to work on per
  subject, one page per pupil — no score, no rank (R-ACC-4), so it can go home to the family.

``gather`` reads the stored results (``analysis.py``) through ``visible``/``get_for_user`` as the requester;
it computes no statistic itself: every figure is a stored one, only formatted.
"""

from pathlib import Path

from django import forms
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tisheng.accounts.models import Role
from tisheng.accounts.scope import Scope, get_for_user, visible
from tisheng.assessments import queries
from tisheng.assessments.models import (
    Assessment,
    AttentionEntry,
    ItemStat,
    KnowledgePoint,
    KpStat,
    ResultScope,
    ScopeStat,
)
from tisheng.evaluation.reporting import value_added_section
from tisheng.reports.registry import ReportError, ReportForm, ReportKind, register
from tisheng.reports.renderers import Chart, native_chart
from tisheng.roster.models import School, SchoolClass, grade_name

TEMPLATES = Path(__file__).resolve().parent / "reports"
NOT_ANALYSED = gettext_noop("The assessment has no analysed results yet: import its scores first.")
NOTHING_HERE = gettext_noop("There are no results of this assessment for what you chose.")
GROUPS_ZH = {"struggling": "学困生", "borderline_pass": "临界及格", "borderline_excellent": "临界优秀", "strong": "持续优秀"}
SUBGROUPS_ZH = {"sex:M": "男生", "sex:F": "女生", "boarding:1": "寄宿生", "boarding:0": "走读生", "left_behind:1": "留守儿童",
                "left_behind:0": "非留守儿童"}
QUALITY_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER, Role.PRINCIPAL, Role.ACADEMIC_OFFICE,
                           Role.GRADE_LEADER, Role.HEAD_TEACHER, Role.TEACHER})
SHEET_ROLES = frozenset({Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.GRADE_LEADER, Role.HEAD_TEACHER, Role.TEACHER})


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x, places: int = 1) -> str:
    return "–" if x is None else f"{x:.{places}f}"


def _signed(x) -> str:
    return "–" if x is None else f"{x:+.2f}".replace("-", "−")


# --- the form: which assessment, for whom -----------------------------------------------------------------
def _assessments(user):
    return queries.assessments(user).filter(analysis=Assessment.Analysis.DONE).order_by("-date", "grade")


def _scope_choices(user) -> list[tuple[str, str]]:
    """"all" for the bureau's exam staff; each school whose results the user reads whole; the classes the user
    may open. Whether the chosen assessment has results there is checked when the report is made."""
    s = Scope.of(user)
    choices = []
    if queries.exam_district_ids(s):
        choices.append(("all", "全体考生（全区）"))
    schools = visible(user, School).filter(Q(district_id__in=queries.exam_district_ids(s))
                                           | Q(pk__in=queries.exam_school_ids(s))).order_by("code")
    choices += [(f"school:{school.pk}", school.name) for school in schools]
    classes = (visible(user, SchoolClass).filter(academic_year_id=s.academic_year_id).select_related("school")
               .order_by("school__code", "grade", "number"))
    if not queries.exam_district_ids(s):  # the bureau chooses schools; the class level is the schools' business
        choices += [(f"class:{c.pk}", f"{c.school.name} {c.name}") for c in classes]
    return choices


class QualityForm(ReportForm):
    assessment = forms.ModelChoiceField(label=_("Assessment"), queryset=Assessment.objects.none())
    where = forms.ChoiceField(label=_("For"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = _assessments(self.user)
        self.fields["assessment"].empty_label = None
        self.fields["where"].choices = _scope_choices(self.user)

    def describe(self, data):
        assessment = data["assessment"]
        where = data["where"]
        label = dict(self.fields["where"].choices)[where]
        school = None
        if where.startswith("school:"):
            school = School.objects.get(pk=int(where.split(":")[1]))
        elif where.startswith("class:"):
            school = SchoolClass.objects.select_related("school").get(pk=int(where.split(":")[1])).school
        return {"assessment": assessment.pk, "where": where}, assessment.district, school, f"{assessment.name} · {label}"


# --- gathering the quality report ----------------------------------------------------------------------------
def _subject_name(paper) -> str:
    return paper.subject.name if paper else "总分"


def _row_dict(row: ScopeStat | None, reference: ScopeStat | None = None) -> dict:
    """A result row, formatted for Word and PDF (…_t) and as numbers for Excel."""
    if row is None:
        return {}
    rel = (row.data or {}).get("relative") or {}
    out = {
        "n_sat": row.n_sat, "n_absent": row.n_absent, "mean": row.mean, "score_rate": row.score_rate,
        "pass_rate": row.pass_rate, "excellent_rate": row.excellent_rate, "low_rate": row.low_rate,
        "full_mark": row.full_mark, "combined_index": row.combined_index, "mean_change": row.mean_change,
        "mean_ratio": rel.get("mean_ratio"),
        "mean_t": _num(row.mean), "score_rate_t": _pct(row.score_rate), "pass_rate_t": _pct(row.pass_rate),
        "excellent_rate_t": _pct(row.excellent_rate), "low_rate_t": _pct(row.low_rate), "sd_t": _num(row.sd),
        "combined_t": _num(row.combined_index, 2), "ratio_t": _num(rel.get("mean_ratio"), 2),
        "change_t": _signed(row.mean_change), "full_mark_t": f"{row.full_mark:g}",
    }
    if reference is not None:
        out.update(ref_mean=reference.mean, ref_mean_t=_num(reference.mean), ref_pass_rate_t=_pct(reference.pass_rate))
    return out


def _where(user, assessment, where: str):
    """(scope level, school, class, the rows of the chosen scope, the reference rows, the child rows' scope)."""
    stats = queries.stats(user, assessment)
    everybody = stats.filter(scope=ResultScope.ALL, subgroup="")
    if where == "all":
        if not queries.exam_district_ids(Scope.of(user)):
            raise Http404
        return "district", None, None, everybody, None, stats.filter(scope=ResultScope.SCHOOL, subgroup="")
    kind, _sep, pk = where.partition(":")
    if kind == "school":
        school = get_for_user(user, School, pk=pk)
        mine = stats.filter(scope=ResultScope.SCHOOL, school=school, subgroup="")
        return "school", school, None, mine, everybody, stats.filter(scope=ResultScope.CLASS, school=school, subgroup="")
    if kind == "class":
        school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=pk)
        mine = stats.filter(scope=ResultScope.CLASS, school_class=school_class, subgroup="")
        reference = stats.filter(scope=ResultScope.SCHOOL, school=school_class.school_id, subgroup="")
        return "class", school_class.school, school_class, mine, reference, None
    raise Http404


def gather_quality(user, params: dict) -> dict:
    assessment = get_for_user(user, queries.assessments(user), pk=params.get("assessment"))
    if assessment.analysis != Assessment.Analysis.DONE:
        raise ReportError(NOT_ANALYSED)
    level, school, school_class, mine, reference, children = _where(user, assessment, params.get("where", ""))
    papers = list(queries.papers(user, assessment).order_by("subject__order"))
    by_paper = {r.paper_id: r for r in mine}
    if not by_paper:
        raise ReportError(NOTHING_HERE)
    ref = {r.paper_id: r for r in reference} if reference is not None else {}
    where_name = {"district": assessment.district.name, "school": school.name if school else "",
                  "class": f"{school.name} {school_class.name}" if school_class else ""}[level]
    ref_name = {"district": "", "school": "全体考生", "class": "全校"}[level]

    subjects = []
    for paper in [*papers, None]:
        row = by_paper.get(paper.pk if paper else None)
        if row is not None:
            subjects.append({"name": _subject_name(paper), **_row_dict(row, ref.get(paper.pk if paper else None))})

    groups, sheets = [], []
    if children is not None:
        child_rows = list(children.select_related("school", "school_class", "paper__subject"))
        names = {}
        for r in child_rows:
            key = r.school_class_id if level == "school" else r.school_id
            names[key] = r.school_class.name if level == "school" else r.school.name
        for key, name in sorted(names.items(), key=lambda kv: kv[1]):
            rows = [r for r in child_rows if (r.school_class_id if level == "school" else r.school_id) == key]
            total = next((r for r in rows if r.paper_id is None), None)
            if total is not None:
                groups.append({"name": name, **_row_dict(total)})
            sheets.append({"name": name, "subjects": [
                {"name": _subject_name(p), **_row_dict(next((r for r in rows if r.paper_id == (p.pk if p else None)), None))}
                for p in [*papers, None] if any(r.paper_id == (p.pk if p else None) for r in rows)]})

    sub_filter = {"district": Q(scope=ResultScope.ALL), "school": Q(scope=ResultScope.SCHOOL, school=school),
                  "class": Q(scope=ResultScope.CLASS, school_class=school_class)}[level]
    subgroups = [{"name": SUBGROUPS_ZH.get(r.subgroup, r.subgroup), **_row_dict(r)}
                 for r in queries.stats(user, assessment).filter(sub_filter, paper__isnull=True).exclude(subgroup="")
                 .order_by("subgroup")]

    weak_points, hard_items = _items_and_points(user, assessment, papers, level, school, school_class)
    attention = _attention_counts(user, assessment, level, school, school_class)
    total = by_paper.get(None)
    summary = _summary(assessment, where_name, total, ref.get(None), ref_name, subjects, weak_points, attention,
                       assessment.compared_with)
    rules = assessment.analysis_rules or {}
    return {
        "title": "质量分析报告",
        "heading": f"{assessment.name}质量分析报告",
        "where": where_name,
        "level": level,
        "reference_name": ref_name,
        "group_label": {"district": "学校", "school": "班级", "class": ""}[level],
        "assessment": {"name": assessment.name, "kind": assessment.get_kind_display(), "grade": grade_name(assessment.grade),
                       "date": assessment.date.isoformat()},
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "requested_by": user.display_name if user else "",
        "rules_text": (f"及格线为满分的 {100 * rules.get('pass_line', 0.6):g}%，优秀线 {100 * rules.get('excellent_line', 0.85):g}%，"
                       f"低分线 {100 * rules.get('low_line', 0.4):g}%；标准差按{'总体' if rules.get('ddof', 0) == 0 else '样本'}计算；"
                       "缺考、免考、作弊的学生单独统计，不计入平均分和各率。"),
        "compared_with": assessment.compared_with.name if assessment.compared_with else "",
        "summary": summary,
        "subjects": subjects,
        "groups": groups,
        "sheets": sheets,
        "subgroups": subgroups,
        "weak_points": weak_points,
        "hard_items": hard_items,
        "attention": attention,
        # 增值评价 (tisheng/evaluation): stored value-added of the schools or classes, with model, priors and n
        "value_added": value_added_section(user, assessment, level, school, school_class),
        "subject_chart": Chart(
            title="各学科得分率", categories=[s["name"] for s in subjects if s["name"] != "总分"], value_label="得分率（%）",
            series=[(where_name, [round(100 * (s["score_rate"] or 0), 1) for s in subjects if s["name"] != "总分"])]
            + ([(ref_name, [round(100 * ((ref.get(p.pk).score_rate if ref.get(p.pk) else 0) or 0), 1)
                            for p in papers if p.pk in by_paper])] if ref else []),
        ) if len(subjects) > 1 else None,
        "group_chart": Chart(
            title=f"各{'学校' if level == 'district' else '班级'}总分平均分", categories=[g["name"] for g in groups],
            series=[("平均分", [round(g["mean"] or 0, 1) for g in groups])], value_label="分",
        ) if len(groups) > 1 else None,
    }


def _items_and_points(user, assessment, papers, level, school, school_class):
    where = {"district": Q(scope=ResultScope.ALL), "school": Q(scope=ResultScope.SCHOOL, school=school),
             "class": Q(scope=ResultScope.CLASS, school_class=school_class)}[level]
    points = []
    kp_rows = visible(user, KpStat).filter(where, assessment=assessment).select_related("knowledge_point", "paper__subject")
    for paper in papers:
        rows = sorted((r for r in kp_rows if r.paper_id == paper.pk and r.mastery is not None), key=lambda r: r.mastery)
        if rows:
            points.append({"subject": paper.subject.name,
                           "points": "、".join(f"{r.knowledge_point.name}（{_pct(r.mastery)}）" for r in rows[:3])})
    items = []
    item_rows = visible(user, ItemStat).filter(where, assessment=assessment).select_related("item", "paper__subject")
    for paper in papers:
        rows = [r for r in item_rows if r.paper_id == paper.pk]
        hard = sorted((r for r in rows if r.difficulty is not None), key=lambda r: r.difficulty)[:3]
        poor = [r for r in rows if r.poor] if level == "district" else []
        if hard or poor:
            items.append({
                "subject": paper.subject.name,
                "hard": "、".join(f"第{r.item.label}题（{_pct(r.difficulty)}）" for r in hard),
                "poor": "、".join(f"第{r.item.label}题" for r in poor),
            })
    return points, items


def _attention_counts(user, assessment, level, school, school_class) -> list[dict]:
    rows = visible(user, AttentionEntry).filter(assessment=assessment)
    if level == "school":
        rows = rows.filter(school=school)
    elif level == "class":
        rows = rows.filter(school_class=school_class)
    counts = {}
    for group, subject in rows.values_list("group", "subject__name"):
        counts.setdefault(group, {}).setdefault(subject, 0)
        counts[group][subject] += 1
    return [{"group": GROUPS_ZH[g], "text": "、".join(f"{s} {n} 人" for s, n in sorted(counts[g].items()))}
            for g in GROUPS_ZH if g in counts]


def _summary(assessment, where_name, total, reference, ref_name, subjects, weak_points, attention, previous) -> list[str]:
    """The report's opening paragraphs, from the stored figures."""
    lines = []
    if total is not None:
        lines.append(
            f"{where_name}本次考试（{assessment.name}）共 {total.n_rows} 人，参考 {total.n_sat} 人，未参考 "
            f"{total.n_rows - total.n_sat} 人。总分平均分 {_num(total.mean)}（满分 {total.full_mark:g}），得分率 "
            f"{_pct(total.score_rate)}，及格率 {_pct(total.pass_rate)}，优秀率 {_pct(total.excellent_rate)}，低分率 "
            f"{_pct(total.low_rate)}。"
        )
        if reference is not None and reference.mean:
            diff = total.mean - reference.mean if total.mean is not None else None
            lines.append(f"与{ref_name}相比，总分平均分{'高' if (diff or 0) >= 0 else '低'} {_num(abs(diff or 0))} 分"
                         f"（比均率 {_num((total.data.get('relative') or {}).get('mean_ratio'), 2)}）。")
        if previous is not None and total.mean_change is not None:
            trend = "上升" if total.mean_change > 0 else "下降"
            lines.append(f"与上次考试（{previous.name}）相比，平均分相对位置{trend} {abs(total.mean_change):.2f} 个标准差。")
    ranked = sorted((s for s in subjects if s["name"] != "总分" and s.get("score_rate") is not None),
                    key=lambda s: s["score_rate"])
    if len(ranked) > 1:
        lines.append(f"各学科中得分率最高的是{ranked[-1]['name']}（{ranked[-1]['score_rate_t']}），最低的是"
                     f"{ranked[0]['name']}（{ranked[0]['score_rate_t']}）。")
    if weak_points:
        lines.append("掌握较弱的知识点：" + "；".join(f"{w['subject']}：{w['points']}" for w in weak_points) + "。")
    if attention:
        lines.append("需要关注的学生（依据最近几次考试）：" + "；".join(f"{a['group']} {a['text']}" for a in attention) + "。")
    return lines


# --- Excel -------------------------------------------------------------------------------------------------
COLUMNS = [("学科", "name", 12, "text"), ("参考", "n_sat", 7, "int"), ("缺考", "n_absent", 7, "int"),
           ("平均分", "mean", 9, "num"), ("得分率", "score_rate", 9, "pct"), ("及格率", "pass_rate", 9, "pct"),
           ("优秀率", "excellent_rate", 9, "pct"), ("低分率", "low_rate", 9, "pct"),
           ("比均率", "mean_ratio", 9, "num2"), ("综合指数", "combined_index", 9, "num2"), ("变化", "mean_change", 8, "num2")]


def _write_table(book, sheet, styles, row: int, rows: list[dict], first_header: str) -> int:
    formats = {"pct": book.add_format({"font_name": "宋体", "border": 1, "border_color": "#B7C3D0", "num_format": "0.0%"}),
               "num": book.add_format({"font_name": "宋体", "border": 1, "border_color": "#B7C3D0", "num_format": "0.0"}),
               "num2": book.add_format({"font_name": "宋体", "border": 1, "border_color": "#B7C3D0", "num_format": "0.00"})}
    for col, (header, _key, width, _kind) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(row, col, first_header if col == 0 else header, styles.header)
    for r in rows:
        row += 1
        for col, (_header, key, _width, kind) in enumerate(COLUMNS):
            value = r.get(key)
            if value is None or value == "":
                sheet.write_blank(row, col, None, styles.cell)
            elif kind == "text":
                sheet.write_string(row, col, str(value), styles.cell)
            elif kind == "int":
                sheet.write_number(row, col, value, styles.number)
            else:
                sheet.write_number(row, col, value, formats[kind])
    return row + 1


def build_quality_xlsx(book, context: dict, styles) -> None:
    summary = book.add_worksheet("总体")
    summary.write_string(0, 0, f"{context['heading']}（{context['where']}）", styles.title)
    summary.write_string(1, 0, f"{context['assessment']['grade']} · {context['assessment']['date']} · 生成于 {context['generated']}",
                         styles.subtitle)
    end = _write_table(book, summary, styles, 3, context["subjects"], "学科")
    n = len([s for s in context["subjects"] if s["name"] != "总分"])
    if n:
        native_chart(book, summary, Chart(title="各学科得分率", categories=[], series=[("得分率", [])], value_label="得分率"),
                     first_row=4, last_row=3 + n, category_col=0, series_cols=[4], anchor=f"A{end + 2}")
    row = end + 18
    for line in context["summary"]:
        summary.write_string(row, 0, line, styles.cell)
        row += 1
    if context["groups"]:
        groups = book.add_worksheet("各" + context["group_label"])
        groups.write_string(0, 0, f"各{context['group_label']}总分对比", styles.title)
        end = _write_table(book, groups, styles, 2, context["groups"], context["group_label"])
        if context["groups"]:
            native_chart(book, groups, Chart(title="总分平均分", categories=[], series=[("平均分", [])], value_label="分"),
                         first_row=3, last_row=2 + len(context["groups"]), category_col=0, series_cols=[3],
                         anchor=f"A{end + 2}")
    used = {"总体", "各" + context["group_label"]}
    for sheet_data in context["sheets"]:
        name = sheet_data["name"][:31]
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, f"{sheet_data['name']} 各学科", styles.title)
        end = _write_table(book, sheet, styles, 2, sheet_data["subjects"], "学科")
        m = len([s for s in sheet_data["subjects"] if s["name"] != "总分"])
        if m:
            native_chart(book, sheet, Chart(title=f"{sheet_data['name']} 各学科及格率与优秀率", categories=[],
                                            series=[("及格率", []), ("优秀率", [])], value_label="比例"),
                         first_row=3, last_row=2 + m, category_col=0, series_cols=[5, 6], anchor=f"A{end + 2}")


    if context.get("value_added"):
        _write_value_added(book, context["value_added"], styles, used)


def _write_value_added(book, section: dict, styles, used: set) -> None:
    """The 增值评价 sheet: per subject, the model line and each group's value-added, interval, n and reading."""
    name = "增值评价" if "增值评价" not in used else "增值评价_"
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, "增值评价", styles.title)
    sheet.write_string(1, 0, section["note"], styles.subtitle)
    number = book.add_format({"font_name": "宋体", "border": 1, "border_color": "#B7C3D0", "num_format": "+0.0;−0.0;0.0"})
    for col, width in enumerate((24, 10, 10, 10, 8, 44)):
        sheet.set_column(col, col, width)
    row = 3
    for subject in section["subjects"]:
        sheet.write_string(row, 0, subject["subject"], styles.header)
        sheet.write_string(row + 1, 0, subject["caption"], styles.cell)
        row += 2
        for col, header in enumerate(("学校/班级", "增值", "区间下限", "区间上限", "人数", "解读")):
            sheet.write_string(row, col, header, styles.header)
        for r in subject["rows"]:
            row += 1
            sheet.write_string(row, 0, r["name"], styles.cell)
            for col, key in ((1, "estimate"), (2, "lower"), (3, "upper")):
                if r[key] is None:
                    sheet.write_string(row, col, "—", styles.cell)
                else:
                    sheet.write_number(row, col, r[key], number)
            sheet.write_number(row, 4, r["n"], styles.number)
            sheet.write_string(row, 5, r["reading"], styles.cell)
        row += 2


register(ReportKind(
    key="assessments.quality_report",
    title=_("Exam quality analysis report"),
    description=_("One assessment for the district, a school or a class: 三率一分 of every subject against the "
                  "comparison group, schools or classes compared, groups of pupils, the weakest knowledge points "
                  "and items, pupils who need attention, and the change since the last exam."),
    roles=QUALITY_ROLES,
    form=QualityForm,
    gather=gather_quality,
    docx=TEMPLATES / "quality_report.docx",
    pdf=TEMPLATES / "quality_report.typ",
    xlsx=build_quality_xlsx,
    file_title="质量分析报告",
))


# --- 学业诊断单 --------------------------------------------------------------------------------------------
class SheetForm(ReportForm):
    assessment = forms.ModelChoiceField(label=_("Assessment"), queryset=Assessment.objects.none())
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        s = Scope.of(self.user)
        self.fields["assessment"].queryset = _assessments(self.user)
        self.fields["assessment"].empty_label = None
        self.fields["school_class"].queryset = (
            visible(self.user, SchoolClass).filter(academic_year_id=s.academic_year_id).select_related("school")
            .order_by("school__code", "grade", "number"))
        self.fields["school_class"].label_from_instance = lambda c: f"{c.school.name} {c.name}"
        self.fields["school_class"].empty_label = None

    def describe(self, data):
        c = data["school_class"]
        return ({"assessment": data["assessment"].pk, "class": c.pk}, c.school.district, c.school,
                f"{data['assessment'].name} · {c.school.name} {c.name}")


def gather_sheets(user, params: dict) -> dict:
    assessment = get_for_user(user, queries.assessments(user), pk=params.get("assessment"))
    school_class = get_for_user(user, SchoolClass.objects.select_related("school"), pk=params.get("class"))
    if assessment.analysis != Assessment.Analysis.DONE:
        raise ReportError(NOT_ANALYSED)
    results = list(
        queries.student_results(user, assessment).filter(school_class=school_class, paper__isnull=False)
        .select_related("student", "paper__subject").order_by("student__student_no", "paper__subject__order")
    )
    if not results:
        raise ReportError(NOTHING_HERE)
    points = KnowledgePoint.objects.in_bulk({k for r in results for k in r.weak_points})
    status_zh = {"absent": "缺考", "exempt": "免考", "cheating": "—"}
    students: dict[int, dict] = {}
    for r in results:
        entry = students.setdefault(r.student_id, {"name": r.student.name, "subjects": []})
        entry["subjects"].append({
            "name": r.paper.subject.name,
            "level": r.level if r.status == "sat" else status_zh.get(r.status, "—"),
            "work_on": "、".join(points[k].name for k in r.weak_points if k in points) or "—",
        })
    return {
        "title": "学业诊断单",
        "heading": f"{assessment.name} 学业诊断单",
        "school": school_class.school.name,
        "class_name": school_class.name,
        "date": assessment.date.isoformat(),
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "note": "等级按满分比例评定（优秀、良好、合格、待合格）；“需加强”为得分率低于及格线的知识点。本单只列等级和需加强的知识点。",
        "students": list(students.values()),
    }


register(ReportKind(
    key="assessments.student_sheets",
    title=_("Diagnostic sheets of a class"),
    description=_("One page per pupil of a class: the level in each subject and the knowledge points to work on. "
                  "No scores and no rank, so the sheets can go home to the families."),
    roles=SHEET_ROLES,
    form=SheetForm,
    gather=gather_sheets,
    docx=TEMPLATES / "student_sheets.docx",
    pdf=TEMPLATES / "student_sheets.typ",
    file_title="学业诊断单",
))
