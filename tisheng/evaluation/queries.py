"""Who sees which value-added results (R-ACC-3, R-ACC-4), and the scoped reads of the pages and the API.

The exam roles of the assessments app read value-added as they read exam results (``assessments.queries``):

- ``ValueAddedRun`` (the model, priors and parameters, no pupil) with the assessment it belongs to;
- ``GroupEstimate`` by the school and class it is about: the bureau's exam roles the district; a principal
  and the academic office their school (its classes against the district); a grade leader the grade, a
  subject leader the subject of the grade, this academic year; a teacher the classes taught or led;
- ``StudentGrowth`` like other pupil rows (by the school and class the pupil was in on the day), and a
  parent's own child — shown to the parent only where the rule ``exam.value_added.parents.sgp`` allows (``parent.py``).
"""

from django.db.models import Q, QuerySet

from tisheng.accounts.scope import Scope, scope_rule, visible
from tisheng.assessments.queries import _assessment_q, student_rows_q
from tisheng.evaluation.models import GroupEstimate, Measure, StudentGrowth, ValueAddedJob, ValueAddedRun


@scope_rule(ValueAddedRun)
def _run_rule(s: Scope) -> Q:
    return _assessment_q(s, "assessment__")


@scope_rule(ValueAddedJob)
def _job_rule(s: Scope) -> Q:
    return _assessment_q(s, "assessment__", parents=False)


@scope_rule(GroupEstimate)
def _group_rule(s: Scope) -> Q:
    # school rows have no class: the grade is the assessment's
    return student_rows_q(s, grade="assessment__grade")


@scope_rule(StudentGrowth)
def _student_rule(s: Scope) -> Q:
    return student_rows_q(s, parents=True)


def runs(user, assessment) -> QuerySet[ValueAddedRun]:
    return visible(user, ValueAddedRun).filter(assessment=assessment).select_related("subject").order_by(
        "subject__order", "subject__code")


def groups(user, run: ValueAddedRun, measure: str | None = Measure.VALUE_ADDED) -> QuerySet[GroupEstimate]:
    """The run's groups the user may see, of one measure (None: both)."""
    qs = visible(user, GroupEstimate).filter(run=run).select_related("school", "school_class")
    return qs if measure is None else qs.filter(measure=measure)


def students(user, run: ValueAddedRun) -> QuerySet[StudentGrowth]:
    return visible_students(user).filter(run=run).select_related("student", "school_class")


def visible_students(user) -> QuerySet[StudentGrowth]:
    """Pupils' growth rows (the staff pages and API; a parent's page reads the child's through ``parent.py``)."""
    return visible(user, StudentGrowth)
