"""Exams for the scope tests: a district mid-term of each junior grade in the demo district and one in the
neighbouring district, with scores for every pupil who sits them.

The result rows are written directly with placeholder figures, not by the analysis: the scope test checks
which rows each role reaches (hundreds of requests, in every role's own transaction), not the numbers, and
the analysis is tested on its own (``test_analysis.py``, ``test_pages.py``). When the session's test world
already holds analysed exams, they are used as they are.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from tisheng.assessments import actions
from tisheng.assessments.demo import paper_items, simulate
from tisheng.assessments.models import (
    Assessment,
    AttentionEntry,
    Item,
    ItemStat,
    KnowledgePoint,
    KpStat,
    Paper,
    PaperScore,
    ResultScope,
    ScopeStat,
    StudentResult,
)
from tisheng.assessments.students import placements
from tisheng.roster.models import District, School, Subject, TeachingAssignment

NAME = "范围测试期中"


@dataclass
class ScopeExams:
    by_grade: dict[tuple[int, int], Assessment]  # (district id, grade) → assessment

    def of_class(self, school_class) -> Assessment | None:
        if school_class is None:
            return None
        return self.by_grade.get((school_class.school.district_id, school_class.grade))

    def paper(self, assessment) -> Paper:
        return assessment.papers.order_by("pk").first()


def scope_exams(world) -> ScopeExams:
    existing = Assessment.objects.filter(analysis=Assessment.Analysis.DONE, term=world.term).order_by("-date")
    found = {}
    for a in existing:
        found.setdefault((a.district_id, a.grade), a)
    if not found:
        for district in District.objects.order_by("pk"):
            for grade in (7, 8, 9):
                a = _exam(world, district, grade)
                if a is not None:
                    found[(district.pk, grade)] = a
    return ScopeExams(found)


def _exam(world, district, grade) -> Assessment | None:
    schools = list(School.objects.filter(district=district))
    day = min(world.term.start_date.replace(day=1) + (world.term.end_date - world.term.start_date) / 3, world.term.end_date)
    pupils = placements(world.term, day, schools=schools, grade=grade)
    if pupils.is_empty():
        return None
    assessment = actions.create_assessment(None, name=f"{district.name}{NAME}{grade}", kind="midterm", term=world.term,
                                           date=day, grade=grade, organiser="district", district=district)
    math = Subject.objects.get(code="math")
    points = [KnowledgePoint.objects.get_or_create(subject=math, code=f"SCOPE{i}", defaults={"name": f"知识点{i}"})[0]
              for i in range(1, 4)]
    paper = actions.save_paper(None, assessment, math, Decimal(120), paper_items(120, points, np.random.default_rng(1)))
    ability = {s: 0.0 for s in pupils["student_id"].to_list()}
    paper_scores, item_scores = simulate(paper, pupils, ability, np.random.default_rng(grade), absent=0.0)
    actions.replace_scores(paper, paper_scores, item_scores, batch_id=None, analyse=False)
    _placeholder_results(assessment, paper, points)
    Assessment.objects.filter(pk=assessment.pk).update(analysis=Assessment.Analysis.DONE,
                                                       analysis_rules={"window": 3, "min_hits": 2})
    assessment.refresh_from_db()
    return assessment


def _placeholder_results(assessment, paper, points) -> None:
    scores = pl.DataFrame(list(PaperScore.objects.filter(paper=paper).values_list(
        "student_id", "school_id", "school_class_id", "score")),
        schema={"student_id": pl.Int64, "school_id": pl.Int64, "class_id": pl.Int64, "score": pl.Float64},
        orient="row")
    base = dict(assessment=assessment, full_mark=120.0, mean=80.0, sd=10.0, score_rate=0.667, pass_rate=0.7,
                excellent_rate=0.2, good_rate=0.3, low_rate=0.1, n_absent=0,
                data={"bands": [0] * 10, "percentiles": {"p25": 70, "p50": 80, "p75": 90}, "min": 40, "max": 118})
    rows = []
    for p in (paper, None):
        subject = paper.subject if p else None
        rows.append(ScopeStat(**base, paper=p, subject=subject, scope=ResultScope.ALL, n_rows=scores.height,
                              n_sat=scores.height))
        for (school,), part in scores.group_by("school_id"):
            rows.append(ScopeStat(**base, paper=p, subject=subject, scope=ResultScope.SCHOOL, school_id=school,
                                  n_rows=part.height, n_sat=part.height))
        for (school, klass), part in scores.group_by("school_id", "class_id"):
            rows.append(ScopeStat(**base, paper=p, subject=subject, scope=ResultScope.CLASS, school_id=school,
                                  school_class_id=klass, n_rows=part.height, n_sat=part.height))
    for t in TeachingAssignment.objects.filter(term=assessment.term, subject=paper.subject,
                                               school_class_id__in=scores["class_id"].unique().to_list()):
        rows.append(ScopeStat(**base, paper=paper, subject=paper.subject, scope=ResultScope.TEACHER,
                              school_id=t.school_class.school_id, teacher_id=t.teacher_id, n_rows=1, n_sat=1))
    ScopeStat.objects.bulk_create(rows)
    items = list(Item.objects.filter(paper=paper))
    wheres = [(ResultScope.ALL, None, None)] + [(ResultScope.SCHOOL, s, None) for s in scores["school_id"].unique()] + [
        (ResultScope.CLASS, s, c) for s, c in scores.select("school_id", "class_id").unique().iter_rows()]
    ItemStat.objects.bulk_create([
        ItemStat(assessment=assessment, paper=paper, subject=paper.subject, scope=scope, school_id=s, school_class_id=c,
                 item=i, n=1, mean=1.0, difficulty=0.6, discrimination=0.3, r_item_rest=0.3, data={})
        for scope, s, c in wheres for i in items])
    KpStat.objects.bulk_create([
        KpStat(assessment=assessment, paper=paper, subject=paper.subject, scope=scope, school_id=s, school_class_id=c,
               knowledge_point=kp, mastery=0.5, n_items=1, n_students=1)
        for scope, s, c in wheres for kp in points])
    StudentResult.objects.bulk_create([
        StudentResult(assessment=assessment, paper=p, subject=paper.subject if p else None, school_id=school,
                      school_class_id=klass, student_id=student, status="sat", score=score, level="合格", z=0.0,
                      percentile_rank=50.0, mastery={str(points[0].pk): 0.4}, weak_points=[points[0].pk])
        for student, school, klass, score in scores.iter_rows() for p in (paper, None)])
    AttentionEntry.objects.bulk_create([
        AttentionEntry(assessment=assessment, subject=paper.subject, school_id=school, school_class_id=klass,
                       student_id=student, group="struggling", hits=2, window=3, evidence=[])
        for student, school, klass, _score in scores.iter_rows()])
