"""Value-added rows for the scope tests, on the exams of ``assessments.tests.scope_world``: one computed run per
exam paper with an estimate for every school and class and a growth percentile for every pupil.

The figures are placeholders written directly (the scope test checks which rows each role reaches, not the
numbers; the computation is tested in ``test_task.py``). Runs already stored are used as they are.
"""

from tisheng.assessments.models import PaperScore
from tisheng.assessments.tests.scope_world import scope_exams
from tisheng.evaluation.models import (
    GroupEstimate,
    GroupLevel,
    Measure,
    StudentGrowth,
    ValueAddedJob,
    ValueAddedRun,
)


def scope_value_added(world):
    exams = scope_exams(world)
    for exam in exams.by_grade.values():
        paper = exams.paper(exam)
        if ValueAddedRun.objects.filter(paper=paper).exists():
            continue
        ValueAddedJob.objects.get_or_create(assessment=exam, defaults={"state": ValueAddedJob.State.DONE})
        rows = list(PaperScore.objects.filter(paper=paper, status="sat").values_list(
            "student_id", "school_id", "school_class_id", "score"))
        run = ValueAddedRun.objects.create(
            assessment=exam, paper=paper, subject=paper.subject, state=ValueAddedRun.State.DONE, n_students=len(rows),
            priors=[{"assessment": exam.pk, "paper": paper.pk, "name": "前测", "date": "2026-01-01", "column": "prior1"}],
            model={"value_added": {"description": {"formula": "score ~ 1 + prior1 + (1 | school/class)",
                                                   "groups": ["school", "class"]}}})
        groups = {(school, None) for _s, school, _c, _x in rows} | {(school, klass) for _s, school, klass, _x in rows}
        GroupEstimate.objects.bulk_create([
            GroupEstimate(run=run, assessment=exam, subject=paper.subject, measure=measure,
                          level=GroupLevel.CLASS if klass else GroupLevel.SCHOOL, school_id=school,
                          school_class_id=klass, n=12, estimate=estimate, lower=estimate - 1, upper=estimate + 1,
                          reading="not_different")
            for school, klass in groups
            for measure, estimate in ((Measure.VALUE_ADDED, 0.5), (Measure.MEDIAN_SGP, 50.0))])
        StudentGrowth.objects.bulk_create([
            StudentGrowth(run=run, assessment=exam, subject=paper.subject, student_id=student, school_id=school,
                          school_class_id=klass, score=score, prior_scores=[score], sgp=50, cut_35=score - 5,
                          cut_65=score + 5)
            for student, school, klass, score in rows])
    return exams
