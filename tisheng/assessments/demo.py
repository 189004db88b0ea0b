"""Exams for the demo district: a knowledge-point catalogue, this term's district mid-terms of grades 7–9 with
item scores, and the grade-8 cohort's mid-term and final of last year (so that change since the last exam and
attention groups across exams have something to show), analysed.

    from tisheng.assessments.demo import build_assessment_demo
    build_assessment_demo()          # after roster.demo.build_demo(), into the same database

Scores follow a two-parameter logistic model: each pupil has an ability that stays the same across exams
(plus a little noise per exam), each school and class a small effect, each item a difficulty and a
discrimination (one item per paper discriminates badly on purpose, as real papers have); about 2 % of pupils
are absent from a paper, a few exempt. Deterministic for a given ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import polars as pl
from django.db import transaction

from tisheng.assessments import actions, analysis
from tisheng.assessments.actions import ItemSpec
from tisheng.assessments.models import Assessment, Item, KnowledgePoint, Paper
from tisheng.assessments.students import placements
from tisheng.roster.models import District, School, Subject, Term

# subject code → (full mark, knowledge points)
CATALOGUE = {
    "chinese": (120, ["字音字形", "词语运用", "病句修改", "古诗文默写", "文言文阅读", "现代文阅读", "名著阅读", "写作"]),
    "math": (120, ["有理数", "整式的加减", "一元一次方程", "几何图形初步", "相交线与平行线", "实数", "平面直角坐标系",
                   "二元一次方程组", "不等式与不等式组", "数据的收集与整理"]),
    "english": (120, ["听力理解", "单项选择", "完形填空", "阅读理解", "词汇运用", "语法填空", "书面表达"]),
    "morality": (100, ["成长的节拍", "友谊的天空", "师长情谊", "生命的思考", "遵守社会规则", "法治观念"]),
    "history": (100, ["中国古代史", "中国近代史", "世界古代史", "史料分析"]),
    "geography": (100, ["地球和地图", "天气与气候", "居民与聚落", "中国的自然环境", "区域地理"]),
    "biology": (100, ["生物和细胞", "生物圈中的绿色植物", "人体生理", "遗传与变异", "科学探究"]),
    "physics": (100, ["机械运动", "声现象", "光现象", "质量和密度", "力与运动", "压强与浮力", "实验探究"]),
    "chemistry": (100, ["物质的变化和性质", "空气和氧气", "水与溶液", "化学方程式", "酸碱盐", "实验探究"]),
}
GRADE_SUBJECTS = {
    7: ["chinese", "math", "english", "morality", "history", "geography", "biology"],
    8: ["chinese", "math", "english", "morality", "history", "geography", "biology", "physics"],
    9: ["chinese", "math", "english", "morality", "history", "physics", "chemistry"],
}


@dataclass
class DemoExams:
    assessments: list[Assessment]


def _catalogue() -> dict[str, list[KnowledgePoint]]:
    points = {}
    for code, (_full, names) in CATALOGUE.items():
        subject = Subject.objects.filter(code=code).first()
        if subject is None:
            continue
        actions.add_knowledge_points(None, subject, [(f"{code[:3].upper()}{i:02d}", n) for i, n in enumerate(names, 1)])
        points[code] = list(KnowledgePoint.objects.filter(subject=subject).order_by("code"))
    return points


def paper_items(full_mark: int, points: list[KnowledgePoint], rng: np.random.Generator) -> list[ItemSpec]:
    """12 objective items of 3 points and subjective items filling up the full mark, knowledge points in turn."""
    specs = [ItemSpec(str(i), Decimal(3), Item.Kind.OBJECTIVE, "know" if i <= 6 else "understand",
                      [points[(i - 1) % len(points)].pk] if points else []) for i in range(1, 13)]
    rest = full_mark - 36
    open_items = [6, 6, 8, 8, 10, 10, 12, 14, 16] if full_mark == 120 else [4, 5, 5, 6, 6, 8, 8, 10, 12]
    open_items = open_items[: len(open_items)]
    scale = rest / sum(open_items)
    marks = [max(2, round(m * scale)) for m in open_items]
    marks[-1] += rest - sum(marks)
    for j, mark in enumerate(marks, start=13):
        kps = [points[(j - 1) % len(points)].pk] if points else []
        if points and j % 4 == 0:
            kps.append(points[(j + 2) % len(points)].pk)
        specs.append(ItemSpec(str(j), Decimal(mark), Item.Kind.SUBJECTIVE, "apply" if j > 18 else "master", kps))
    return specs


def simulate(paper: Paper, pupils: pl.DataFrame, ability: dict[int, float], rng: np.random.Generator,
             absent: float = 0.02) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Paper and item scores of ``pupils`` (student_id, school_id, school_class_id) on ``paper``."""
    items = list(paper.items.order_by("position"))
    n = pupils.height
    theta = np.array([ability[s] for s in pupils["student_id"].to_list()]) + rng.normal(0, 0.35, n)
    difficulty = rng.normal(-0.3, 0.9, len(items))
    slope = rng.uniform(0.8, 2.0, len(items))
    slope[len(items) // 2] = 0.05  # one item that hardly discriminates
    status = np.where(rng.random(n) < absent, "absent", "sat")
    status = np.where(rng.random(n) < 0.003, "exempt", status)
    sat = status == "sat"
    columns = []
    for item, b, a in zip(items, difficulty, slope, strict=True):
        p = 1 / (1 + np.exp(-a * (theta - b)))
        top = float(item.max_score)
        if item.kind == Item.Kind.OBJECTIVE:
            scores = np.where(rng.random(n) < p, top, 0.0)
        else:
            scores = np.clip(np.round((p + rng.normal(0, 0.12, n)) * top * 2) / 2, 0, top)
        columns.append(scores)
    matrix = np.column_stack(columns)
    objective = matrix[:, [i for i, it in enumerate(items) if it.kind == Item.Kind.OBJECTIVE]].sum(axis=1)
    total = matrix.sum(axis=1)
    paper_scores = pupils.select("student_id", "school_id", "school_class_id").with_columns(
        pl.Series("status", status),
        pl.Series("score", np.where(sat, total, np.nan)).fill_nan(None),
        pl.Series("objective", np.where(sat, objective, np.nan)).fill_nan(None),
        pl.Series("subjective", np.where(sat, total - objective, np.nan)).fill_nan(None),
    )
    ids = pupils["student_id"].to_numpy()[sat]
    item_scores = pl.DataFrame({
        "student_id": np.repeat(ids, len(items)),
        "item_id": np.tile([it.pk for it in items], len(ids)),
        "score": matrix[sat].reshape(-1),
    })
    return paper_scores, item_scores


def _abilities(student_ids, seed: int, pupils: pl.DataFrame) -> dict[int, float]:
    """A stable ability per pupil, with school and class effects."""
    school_effect = {s: np.random.default_rng([seed, 1, s]).normal(0, 0.35) for s in pupils["school_id"].unique().to_list()}
    class_effect = {c: np.random.default_rng([seed, 2, c or 0]).normal(0, 0.2)
                    for c in pupils["school_class_id"].unique().to_list()}
    out = {}
    for s, school, klass in pupils.select("student_id", "school_id", "school_class_id").iter_rows():
        out[s] = float(np.random.default_rng([seed, 3, s]).normal(0, 1)) + school_effect[school] + class_effect[klass]
    return out


def _exam_day(term: Term, weeks: int, today: date) -> date:
    return min(term.start_date + timedelta(weeks=weeks), today, term.end_date)


def build_assessment_demo(district: District | None = None, *, seed: int = 20261122, today: date | None = None,
                          grades=(7, 8, 9)) -> DemoExams:
    """The demo district's exams (see the module doc), analysed in date order. Returns the assessments."""
    today = today or date.today()
    district = district or District.objects.order_by("pk").first()
    term = Term.current(today)
    terms = list(Term.objects.filter(start_date__lte=term.start_date).order_by("start_date"))
    last_year = [t for t in terms if t.academic_year.start_year == term.academic_year.start_year - 1]
    catalogue = _catalogue()
    subjects = {s.code: s for s in Subject.objects.all()}
    schools = list(School.objects.filter(district=district))
    rng = np.random.default_rng(seed)
    plan = [(term, grade, Assessment.Kind.MIDTERM, _exam_day(term, 9, today)) for grade in grades]
    if 8 in grades:  # the grade-8 cohort's last year, as grade 7
        for t, kind, weeks in zip(last_year, (Assessment.Kind.FINAL, Assessment.Kind.FINAL), (19, 19), strict=False):
            plan.insert(0, (t, 7, kind, _exam_day(t, weeks, today)))
        if len(last_year) == 2:
            plan.insert(0, (last_year[0], 7, Assessment.Kind.MIDTERM, _exam_day(last_year[0], 9, today)))
    plan.sort(key=lambda p: p[3])
    made = []
    for t, grade, kind, day in plan:
        with transaction.atomic():
            assessment = _one(district, schools, t, grade, kind, day, subjects, catalogue, rng, seed)
        if assessment is not None:
            made.append(assessment)
            analysis.run(assessment.pk)
    return DemoExams(made)


def _one(district, schools, term, grade, kind, day, subjects, catalogue, rng, seed) -> Assessment | None:
    pupils = placements(term, day, schools=schools, grade=grade)
    if pupils.is_empty():
        return None
    kind_label = {Assessment.Kind.MIDTERM: "期中", Assessment.Kind.FINAL: "期末"}[kind]
    term_label = "第一学期" if term.number == 1 else "第二学期"
    from tisheng.roster.models import GRADE_NAMES_ZH

    name = f"{term.academic_year}学年{term_label}{GRADE_NAMES_ZH[grade]}{kind_label}质量检测"
    assessment = actions.create_assessment(
        None, name=name, kind=kind, term=term, date=day, grade=grade, organiser=Assessment.Organiser.DISTRICT,
        district=district,
    )
    ability = _abilities(pupils["student_id"].to_list(), seed, pupils)
    for code in GRADE_SUBJECTS[grade]:
        subject = subjects.get(code)
        if subject is None:
            continue
        full, _names = CATALOGUE[code]
        paper = actions.save_paper(None, assessment, subject, Decimal(full),
                                   paper_items(full, catalogue.get(code, []), rng))
        paper_scores, item_scores = simulate(paper, pupils, ability, rng)
        actions.replace_scores(paper, paper_scores, item_scores, batch_id=None, analyse=False)
    return assessment
