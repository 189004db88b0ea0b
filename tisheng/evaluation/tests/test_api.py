"""The value-added API: stored runs with their model, priors and n; groups and pupils only within the scope."""

from tisheng.accounts.scope import Scope
from tisheng.evaluation.models import GroupEstimate, StudentGrowth, ValueAddedRun
from tisheng.evaluation.tests.scope_world import scope_value_added


def test_a_principal_reads_the_runs_and_own_schools_groups(world, client_for):
    exams = scope_value_added(world)
    exam = exams.by_grade[(world.district.pk, 7)]
    run = ValueAddedRun.objects.get(assessment=exam)
    own = Scope.of(world.logins["principal"]).school_ids
    body = client_for("principal").get(f"/api/assessments/{exam.pk}/value-added").json()
    (out,) = body
    assert out["priors"] == run.priors and out["n_students"] == run.n_students and out["min_group_size"] == 10
    assert out["model"]["value_added"]["description"]["formula"]
    assert {g["school_id"] for g in out["groups"]} <= own
    assert len(out["groups"]) == GroupEstimate.objects.filter(run=run, school_id__in=own).count()
    classes = client_for("principal").get(f"/api/assessments/{exam.pk}/value-added",
                                          {"level": "class", "measure": "sgp"}).json()[0]["groups"]
    assert classes and all(g["level"] == "class" and g["measure"] == "sgp" for g in classes)


def test_a_teacher_reads_the_growth_of_their_classes_only(world, client_for):
    exams = scope_value_added(world)
    classes = Scope.of(world.logins["teacher"]).class_ids
    exam = next(a for a in exams.by_grade.values()
                if StudentGrowth.objects.filter(assessment=a, school_class_id__in=classes).exists())
    body = client_for("teacher").get(f"/api/assessments/{exam.pk}/growth", {"page": 1}).json()
    ids = {row["student_id"] for row in body["items"]}
    expected = set(StudentGrowth.objects.filter(assessment=exam, school_class_id__in=classes)
                   .values_list("student_id", flat=True))
    assert ids and ids <= expected
    assert body["count"] == len(expected)


def test_parents_get_no_value_added_through_the_api(world, client_for):
    exams = scope_value_added(world)
    exam = exams.by_grade[(world.district.pk, 7)]
    client = client_for("parent")
    assert client.get(f"/api/assessments/{exam.pk}/value-added").status_code == 403
    assert client.get(f"/api/assessments/{exam.pk}/growth").status_code == 403
