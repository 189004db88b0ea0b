"""What a parent sees of a child's growth (R-ACC-4): the growth percentile per subject, only where the rule set
allows it (``exam.value_added.parents.sgp``, default: not allowed), read field by field — no score, no class figure, no
rank, nothing about another child."""

from dataclasses import dataclass

from django.utils import timezone

from tisheng.accounts.scope import visible
from tisheng.assessments.models import Assessment
from tisheng.dashboard.navigation import subject_label
from tisheng.evaluation.models import StudentGrowth
from tisheng.roster.models import Subject
from tisheng.roster.queries import own_children
from tisheng.rulesets.services import rule_value

SHOWN_ASSESSMENTS = 3


def allowed(student) -> bool:
    """Whether the child's school lets parents see growth percentiles today (the school's or district's rule)."""
    return bool(rule_value("exam.value_added.parents.sgp", school=student.school, on=timezone.localdate()))


def parent_growth_child(user) -> int | None:
    """The first of a parent's children whose school lets parents see growth percentiles (the menu's link)."""
    for student in own_children(user):
        if allowed(student):
            return student.pk
    return None


@dataclass
class Sitting:
    assessment: Assessment
    subjects: list[tuple[str, int]]  # (subject, growth percentile)


def child_growth(user, student) -> list[Sitting]:
    rows = list(visible(user, StudentGrowth).filter(student=student, sgp__isnull=False)
                .order_by("-assessment__date", "-assessment_id").values("assessment_id", "subject_id", "sgp"))
    wanted = list(dict.fromkeys(r["assessment_id"] for r in rows))[:SHOWN_ASSESSMENTS]
    assessments = Assessment.objects.in_bulk(wanted)
    subjects = Subject.objects.in_bulk({r["subject_id"] for r in rows})
    return [Sitting(assessments[a], [
        (subject_label(subjects[r["subject_id"]]), r["sgp"])
        for r in sorted((r for r in rows if r["assessment_id"] == a),
                        key=lambda r: (subjects[r["subject_id"]].order, subjects[r["subject_id"]].code))])
        for a in wanted]
