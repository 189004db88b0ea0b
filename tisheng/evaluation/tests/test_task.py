"""The value-added task: runs after the analysis of new scores, stores what the core returns on the same data,
attributes pupils by their class membership on the exam day, and keeps the rules' safeguards."""

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from tisheng.assessments import actions
from tisheng.assessments.demo import simulate
from tisheng.assessments.models import PaperScore
from tisheng.assessments.students import placements
from tisheng.assessments.tests.helpers import exam_day, make_exam, make_paper
from tisheng.core import growth
from tisheng.evaluation import actions as evaluation_actions
from tisheng.evaluation import services
from tisheng.evaluation.models import GroupEstimate, Measure, StudentGrowth, ValueAddedJob, ValueAddedRun
from tisheng.roster.models import ClassMembership, School, SchoolClass
from tisheng.rulesets.models import RuleOverride


def _override(world, key, value):
    RuleOverride.objects.create(key=key, value=value, district=world.district, effective_from=world.term.start_date,
                                note="test")


def _sit(paper, day, world, seed):
    """Every grade-7 pupil of the district sits ``paper`` on ``day``, scores from a stable ability per pupil;
    the import queues the analysis, and after it the value-added (at once in tests)."""
    pupils = placements(world.term, day, schools=School.objects.filter(district=world.district), grade=7)
    ability = {s: float(np.random.default_rng([7, s]).normal()) for s in pupils["student_id"].to_list()}
    paper_scores, item_scores = simulate(paper, pupils, ability, np.random.default_rng(seed), absent=0.0)
    actions.replace_scores(paper, paper_scores, item_scores, batch_id=None)
    return pupils


@pytest.fixture
def two_exams(world):
    """A grade-7 mid-term (the prior) and a later district test of the same pupils, in maths."""
    later_day = exam_day(world)
    first = make_exam(world, name="七年级期中", day=later_day - timedelta(days=40))
    second = make_exam(world, name="七年级抽测", day=later_day, kind="sampling")
    return first, make_paper(first), second, make_paper(second)


def test_the_task_stores_what_the_core_returns_on_the_same_data(world, two_exams):
    _override(world, "exam.value_added.min_group_size", 3)
    first, prior_paper, second, paper = two_exams
    _sit(prior_paper, first.date, world, 1)
    assert ValueAddedRun.objects.get(paper=prior_paper).state == ValueAddedRun.State.NO_PRIOR
    pupils = _sit(paper, second.date, world, 2)

    run = ValueAddedRun.objects.get(paper=paper)
    assert run.state == ValueAddedRun.State.DONE
    assert ValueAddedJob.objects.get(assessment=second).state == ValueAddedJob.State.DONE
    assert [p["paper"] for p in run.priors] == [prior_paper.pk]
    assert run.min_group_size == 3 and run.level == 0.95

    # the same data, straight from the score rows, through the core
    scores = {p: dict(PaperScore.objects.filter(paper=p, status="sat").values_list("student_id", "score"))
              for p in (paper, prior_paper)}
    frame = pl.DataFrame([(s, scores[paper][s], scores[prior_paper][s], school, klass)
                          for s, school, klass in pupils.iter_rows() if s in scores[paper] and s in scores[prior_paper]],
                         schema=["student_id", "score", "prior1", "school", "class"], orient="row")
    groups = ("school", "class") if frame["school"].n_unique() > 1 else ("class",)
    direct = growth.fit_multilevel(frame, "score", ["prior1"], groups=groups, min_group_size=3, as_of=second.date)
    assert run.n_students == frame.height
    assert run.model["value_added"]["description"] == direct.description.as_dict()
    for stored_term, term in zip(run.model["value_added"]["fixed"], direct.fixed.to_dicts(), strict=True):
        assert stored_term["term"] == term["term"]
        assert stored_term["estimate"] == pytest.approx(term["estimate"], abs=1e-9)
    classes = direct.groups["class"]
    column = "total" if "total" in classes.columns else "estimate"
    stored = {g.school_class_id: g for g in GroupEstimate.objects.filter(run=run, measure=Measure.VALUE_ADDED,
                                                                         level="class")}
    assert len(stored) == classes.height
    for row in classes.iter_rows(named=True):
        g = stored[row["class"]]
        assert g.n == row["n"]
        assert g.too_small == (row["status"] == "too_small")
        if not g.too_small:
            assert g.estimate == pytest.approx(row[column], abs=1e-9)
            lower = row["total_lower" if column == "total" else "lower"]
            assert g.lower == pytest.approx(lower, abs=1e-9)
    assert StudentGrowth.objects.filter(run=run).count() == frame.height


def test_a_pupil_who_moved_class_counts_in_the_class_of_the_exam_day(world, two_exams):
    _override(world, "exam.value_added.min_group_size", 3)
    first, prior_paper, second, paper = two_exams
    _sit(prior_paper, first.date, world, 1)
    _sit(paper, second.date, world, 2)
    # a pupil moves to a parallel class a week before the later exam (recorded after the scores came in)
    score = PaperScore.objects.filter(paper=paper, status="sat").select_related("school_class").first()
    old_class = score.school_class
    new_class = SchoolClass.objects.filter(school_id=old_class.school_id, academic_year=old_class.academic_year,
                                           grade=old_class.grade).exclude(pk=old_class.pk).first()
    moved_on = second.date - timedelta(days=7)
    ClassMembership.objects.filter(student_id=score.student_id, term=world.term, left_on__isnull=True).update(
        left_on=moved_on)
    ClassMembership.objects.create(student_id=score.student_id, school_class=new_class, term=world.term,
                                   joined_on=moved_on)
    before = GroupEstimate.objects.get(run__paper=paper, measure=Measure.VALUE_ADDED, school_class=new_class).n

    evaluation_actions.queue_value_added(second.pk)

    growth_row = StudentGrowth.objects.get(run__paper=paper, student_id=score.student_id)
    assert growth_row.school_class == new_class  # not the class on the score row, nor the prior's class
    assert PaperScore.objects.get(pk=score.pk).school_class == old_class
    assert GroupEstimate.objects.get(run__paper=paper, measure=Measure.VALUE_ADDED, school_class=new_class).n == before + 1


def test_groups_under_the_minimum_get_no_estimate(world, two_exams):
    first, prior_paper, second, paper = two_exams
    assert services.rules_for(second)["min_group_size"] == 10  # the default, until the district sets another
    _override(world, "exam.value_added.min_group_size", 15)
    _sit(prior_paper, first.date, world, 1)
    _sit(paper, second.date, world, 2)
    run = ValueAddedRun.objects.get(paper=paper)
    assert run.min_group_size == 15
    rows = GroupEstimate.objects.filter(run=run, measure=Measure.VALUE_ADDED, level="class")
    small, judged = rows.filter(n__lt=15), rows.filter(n__gte=15)
    assert small.exists() and judged.exists()
    assert all(g.too_small and g.estimate is None and g.lower is None and g.reading == "too_small" for g in small)
    assert all(not g.too_small and g.lower is not None and g.upper is not None for g in judged)


def test_a_correction_of_the_prior_recomputes_the_later_value_added(world, two_exams):
    _override(world, "exam.value_added.min_group_size", 3)
    first, prior_paper, second, paper = two_exams
    _sit(prior_paper, first.date, world, 1)
    _sit(paper, second.date, world, 2)
    computed = ValueAddedRun.objects.get(paper=paper).computed_at
    score = PaperScore.objects.filter(paper=prior_paper, status="sat").first()
    actions.correct_score(None, score, reason="阅卷复核", status="absent")
    run = ValueAddedRun.objects.get(paper=paper)
    assert run.computed_at > computed
    assert not StudentGrowth.objects.filter(run=run, student_id=score.student_id).exists()
