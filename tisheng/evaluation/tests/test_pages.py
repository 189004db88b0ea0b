"""The demo's value-added on the pages: what a principal, a teacher and a parent see, and the rule that lets
parents see their child's growth percentile (default: not)."""

import json
import re

import pytest
from django.utils.html import escape

from tisheng.accounts.scope import Scope
from tisheng.assessments.demo import build_assessment_demo
from tisheng.evaluation.demo import build_value_added_demo
from tisheng.evaluation.models import GroupEstimate, Measure, StudentGrowth, ValueAddedRun
from tisheng.evaluation.tests.scope_world import scope_value_added
from tisheng.rulesets.models import RuleOverride
from tisheng.roster.models import Student, TeachingAssignment


@pytest.fixture
def demo(world):
    exams = build_assessment_demo(world.district, today=world.term.start_date.replace(month=11, day=20))
    build_value_added_demo(exams.assessments)
    return exams


def _chart(body: str, chart_id: str) -> dict:
    return json.loads(re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', body, re.S).group(1))


def test_the_demo_has_value_added_with_last_years_final_as_prior(world, demo):
    midterm = next(a for a in demo.assessments if a.grade == 8 and a.term_id == world.term.pk)
    runs = ValueAddedRun.objects.filter(assessment=midterm, state=ValueAddedRun.State.DONE)
    assert runs.count() == midterm.papers.count() - 1  # physics starts in grade 8: no earlier paper
    run = runs.get(subject__code="math")
    assert run.priors[0]["name"].endswith("七年级期末质量检测") and run.priors[0]["date"] < midterm.date.isoformat()
    assert GroupEstimate.objects.filter(run=run, measure=Measure.VALUE_ADDED).exists()
    assert StudentGrowth.objects.filter(run=run).count() == run.n_students > 0


def test_a_principal_sees_own_classes_against_the_district_with_model_priors_and_n(world, demo, client_for):
    midterm = next(a for a in demo.assessments if a.grade == 8 and a.term_id == world.term.pk)
    run = ValueAddedRun.objects.get(assessment=midterm, subject__code="math")
    client = client_for("principal")
    assert "/evaluation/" in client.get("/").content.decode()  # the menu
    assert midterm.name in client.get("/evaluation/").content.decode()
    body = client.get(f"/evaluation/{midterm.pk}/", {"subject": run.subject_id}).content.decode()
    assert run.priors[0]["name"] in body and f"{run.n_students}" in body
    assert escape(run.model["value_added"]["description"]["formula"]) in body  # the model
    classes = _chart(body, "classes-data")
    own = set(Scope.of(world.logins["principal"]).school_ids)
    shown = GroupEstimate.objects.filter(run=run, measure=Measure.VALUE_ADDED, level="class", school_id__in=own)
    assert len(classes["categories"]) == shown.count()
    judged = [p for p in classes["points"] if p]
    assert [p[0] for p in judged] == sorted((p[0] for p in judged), reverse=True)  # sorted, each with its interval
    assert all(p[1] <= p[0] <= p[2] for p in judged)
    for g in shown.filter(too_small=True):  # named as too small, not placed among the others
        assert f"{g.school_class.name}（人数不足）" in classes["categories"]
        assert "人数不足" in body
    assert "排名" not in body and "名次" not in body


def test_a_teacher_sees_the_growth_of_their_class(world, demo, client_for):
    midterm = next(a for a in demo.assessments if a.grade == 8 and a.term_id == world.term.pk)
    run = ValueAddedRun.objects.get(assessment=midterm, subject__code="math")
    pupil = StudentGrowth.objects.filter(run=run).select_related("school_class", "student").order_by("pk").first()
    teacher = world.logins["teacher"]
    TeachingAssignment.objects.create(teacher_id=Scope.of(teacher).teacher_id, school_class=pupil.school_class,
                                      subject=run.subject, term=world.term)  # this term they also teach that class
    client = client_for("teacher")
    body = client.get(f"/evaluation/{midterm.pk}/classes/{pupil.school_class_id}/",
                      {"subject": run.subject_id}).content.decode()
    classmates = StudentGrowth.objects.filter(run=run, school_class=pupil.school_class)
    assert all(g.student.name in body for g in classmates.select_related("student"))
    assert run.priors[0]["name"] in body and f"{run.n_students}" in body
    others = StudentGrowth.objects.filter(run=run).exclude(school_class=pupil.school_class).select_related("student")
    assert not any(f"/students/{g.student_id}/" in body for g in others)
    overview = client.get(f"/evaluation/{midterm.pk}/", {"subject": run.subject_id}).content.decode()
    assert f"/evaluation/{midterm.pk}/classes/{pupil.school_class_id}/" in overview
    taught = TeachingAssignment.objects.filter(teacher_id=Scope.of(teacher).teacher_id, term=world.term)
    other_classes = GroupEstimate.objects.filter(run=run, level="class").exclude(
        school_class_id__in=taught.values("school_class_id"))
    assert not any(f"/classes/{g.school_class_id}/" in overview for g in other_classes)


def _child_growth(world):
    """A growth percentile of the demo parent's child (on the scope test's rows)."""
    scope_value_added(world)
    child = Student.objects.get(pk=min(Scope.of(world.logins["parent"]).child_ids))
    run = ValueAddedRun.objects.order_by("pk").first()
    StudentGrowth.objects.filter(student=child).delete()
    membership = child.membership_on(world.term)
    return StudentGrowth.objects.create(run=run, assessment=run.assessment, subject=run.subject, student=child,
                                        school_id=child.school_id, school_class_id=membership.school_class_id,
                                        score=88.0, prior_scores=[80.0], sgp=73)


def test_parents_do_not_see_growth_percentiles_by_default(world, client_for):
    growth = _child_growth(world)
    client = client_for("parent")
    assert client.get(f"/evaluation/children/{growth.student_id}/").status_code == 404
    assert "/evaluation/" not in client.get("/").content.decode()


def test_parents_see_their_childs_growth_percentile_where_the_rules_allow_it(world, client_for):
    growth = _child_growth(world)
    RuleOverride.objects.create(key="exam.value_added.parents.sgp", value=True, district=world.district,
                                effective_from=world.term.start_date, note="区教研室通知")
    client = client_for("parent")
    assert f"/evaluation/children/{growth.student_id}/" in client.get("/").content.decode()
    body = client.get(f"/evaluation/children/{growth.student_id}/").content.decode()
    assert ">73<" in body
    assert ">88<" not in body and "88.0" not in body and ">80<" not in body  # the scores stay out
    assert "排名" not in body and "名次" not in body and "中位" not in body  # no rank, no class figure


def test_why_a_small_cohort_has_no_growth_percentiles_is_said_in_the_readers_language():
    from django.utils import translation

    from tisheng.evaluation.present import described

    run = ValueAddedRun(model={"value_added": {"description": {}}, "sgp_skipped": {"n": 40, "coefficients": 8}},
                        message="too few students (40) for 8 coefficients per quantile", priors=[], level=0.95)
    with translation.override("zh-hans"):
        said = described(run).growth
    assert "40名学生" in said and "8个系数" in said and "too few" not in said
    with translation.override("en"):
        assert "40 pupils for 8 coefficients per percentile" in described(run).growth


@pytest.mark.parametrize(("failure", "zh", "en"), [
    ({"reason": "too_few_students", "n": 3, "coefficients": 2}, "只有3名", "3 pupils have all the scores"),
    ({"reason": "too_few_groups", "group": "class", "units": 1}, "至少需要两个", "compares classes"),
    ({"reason": "collinear"}, "所有学生都相同", "the same for every pupil"),
    ({"reason": "too_few_values"}, "不同取值太少", "too few different values"),
])
def test_why_a_model_could_not_be_fitted_is_said_in_the_readers_language(failure, zh, en):
    from django.utils import translation

    run = ValueAddedRun(state=ValueAddedRun.State.FAILED, model={"failure": failure}, message="core's English")
    with translation.override("zh-hans"):
        assert zh in run.failure_text and "core" not in run.failure_text
    with translation.override("en"):
        assert en in run.failure_text


def test_a_fit_that_fails_keeps_the_reason_for_the_page_and_a_small_cohort_keeps_its_value_added():
    from datetime import date
    from types import SimpleNamespace

    import numpy as np
    import polars as pl

    from tisheng.evaluation import services

    rng = np.random.default_rng(1)
    prior = rng.normal(70, 10, 60)
    frame = pl.DataFrame({"student_id": range(60), "school": [1] * 60, "class": [i % 3 for i in range(60)],
                          "prior1": prior, "score": prior + rng.normal(0, 5, 60)})
    paper = SimpleNamespace(assessment=SimpleNamespace(date=date(2026, 7, 1)), full_mark=100)
    rules = {"min_group_size": 10, "level": 0.95}

    one_class = services.fit(paper, [paper], frame.filter(pl.col("class") == 0), 0, rules)
    assert one_class.state == ValueAddedRun.State.FAILED
    assert one_class.model == {"failure": {"reason": "too_few_groups", "group": "class", "units": 1}}
    small = services.fit(paper, [paper], frame, 0, rules)  # 60 pupils: value-added, but no percentiles
    assert small.state == ValueAddedRun.State.DONE
    assert small.model["sgp_skipped"] == {"reason": "too_few_students", "n": 60, "coefficients": 8}
