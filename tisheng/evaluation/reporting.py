"""The 增值评价 section of the exam quality report (``assessments.report_kinds``, Word, PDF and Excel): the
stored value-added of the schools (district report) or classes (school and class reports) per subject, each
with its interval, n and plain-language reading, and the model, priors and n it rests on. Read through the
scope rules as the requester; nothing is computed here.
"""

from tisheng.evaluation import queries
from tisheng.evaluation.models import GroupLevel, Measure, ValueAddedRun
from tisheng.evaluation.present import rows_for_table
from tisheng.core import growth


def _signed(x) -> str:
    return "–" if x is None else f"{x:+.1f}".replace("-", "−")


def _caption(run: ValueAddedRun) -> str:
    """Chinese, like the rest of the report: model, priors, n, rules."""
    va = run.model.get("value_added", {}).get("description", {})
    levels = "学生嵌套于班级、班级嵌套于学校" if va.get("groups") == ["school", "class"] else "学生嵌套于班级"
    priors = "、".join(f"{p['name']}（{p['date']}）" for p in run.priors)
    return (f"多层增值模型（{levels}，随机截距，REML，经验贝叶斯估计）：{va.get('formula', '')}。前测：{priors}，"
            f"作为回归自变量，不直接相减。学生 {run.n_students} 人（按考试当天所在班级统计）；"
            f"{run.level * 100:g}%区间；少于 {run.min_group_size} 人的组不报告估计值，也不参与排序。"
            + ("模型的某一层方差估计为 0（边界解）：该层各组之间的差异与 0 无法区分，其估计值均为 0。"
               if run.model.get("value_added", {}).get("singular") else ""))


def value_added_section(user, assessment, level: str, school=None, school_class=None) -> dict | None:
    """{"subjects": [{"subject", "caption", "rows": [{name, estimate, lower, upper, n, estimate_t, interval_t,
    reading}]}], "note"}; None when the assessment has no value-added the requester may read."""
    runs = queries.runs(user, assessment).filter(state=ValueAddedRun.State.DONE)
    subjects = []
    for run in runs:
        groups = queries.groups(user, run)
        if level == "district":
            groups = groups.filter(level=GroupLevel.SCHOOL)
        elif level == "school":
            groups = groups.filter(level=GroupLevel.CLASS, school=school)
        else:
            groups = groups.filter(level=GroupLevel.CLASS, school_class=school_class)
        if not groups.exists() and level == "district":  # one school in the fit: its classes
            groups = queries.groups(user, run).filter(level=GroupLevel.CLASS)
        rows = []
        for r in rows_for_table(run, groups, Measure.VALUE_ADDED):
            g = r["row"]
            rows.append({
                "name": f"{g.school.name} {g.school_class.name}" if g.school_class_id and level == "district" else r["name"],
                "estimate": g.estimate, "lower": g.lower, "upper": g.upper, "n": g.n,
                "estimate_t": "人数不足" if g.too_small else _signed(g.estimate),
                "interval_t": "—" if g.too_small else f"{_signed(g.lower)} ～ {_signed(g.upper)}",
                "reading": growth.reading(g.estimate, g.lower, g.upper, lang="zh", n=g.n,
                                          min_group_size=run.min_group_size, level=run.level),
            })
        if rows:
            subjects.append({"subject": run.subject.name, "caption": _caption(run), "rows": rows})
    if not subjects:
        return None
    return {
        "subjects": subjects,
        "note": "增值：与全体同届、前测成绩相同的学生相比，本组学生本次平均多得（+）或少得（−）的分数。区间含 0 表示与预期"
                "无显著差异；两组区间重叠时，其高低次序并不确定，不宜排名。增值只反映学业进步，不说明原因。",
    }
