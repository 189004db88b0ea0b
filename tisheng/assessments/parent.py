"""What a parent sees of a child's exams (R-FB-4, R-ACC-4): the level per subject and the knowledge points to
work on. Read field by field from ``StudentResult``: no score, standard score or percentile leaves here, and
nothing about any other child."""

from dataclasses import dataclass

from tisheng.accounts.scope import visible
from tisheng.assessments.models import Assessment, KnowledgePoint, StudentResult
from tisheng.dashboard.navigation import subject_label
from tisheng.roster.models import Subject

SHOWN_ASSESSMENTS = 3
PARENT_FIELDS = ("assessment_id", "subject_id", "level", "weak_points", "status")


@dataclass
class SubjectLevel:
    subject: str
    level: str  # "" when the child did not sit (status says why)
    status: str
    work_on: list[str]


@dataclass
class Sitting:
    assessment: Assessment
    subjects: list[SubjectLevel]


def child_levels(user, student) -> list[Sitting]:
    """The child's latest analysed assessments, newest first, each with its subjects in timetable order."""
    rows = list(
        visible(user, StudentResult)
        .filter(student=student, paper__isnull=False, assessment__analysis=Assessment.Analysis.DONE)
        .order_by("-assessment__date", "-assessment_id")
        .values(*PARENT_FIELDS)
    )
    wanted = list(dict.fromkeys(r["assessment_id"] for r in rows))[:SHOWN_ASSESSMENTS]
    assessments = Assessment.objects.in_bulk(wanted)
    subjects = Subject.objects.in_bulk({r["subject_id"] for r in rows})
    points = KnowledgePoint.objects.in_bulk({k for r in rows for k in r["weak_points"]})
    sittings = []
    for assessment_id in wanted:
        mine = sorted((r for r in rows if r["assessment_id"] == assessment_id),
                      key=lambda r: (subjects[r["subject_id"]].order, subjects[r["subject_id"]].code))
        sittings.append(Sitting(assessments[assessment_id], [
            SubjectLevel(subject_label(subjects[r["subject_id"]]), r["level"], r["status"],
                         [points[k].name for k in r["weak_points"] if k in points])
            for r in mine
        ]))
    return sittings
