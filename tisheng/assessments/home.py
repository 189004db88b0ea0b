"""A teacher's home page starts with the latest results of their own classes: for each class, the last
analysed assessment, the subjects the teacher teaches there (and the total, for the head teacher), each
against the school's parallel classes."""

from dataclasses import dataclass

from tisheng.accounts.scope import Scope, visible
from tisheng.assessments.models import Assessment, ResultScope, ScopeStat
from tisheng.roster.models import SchoolClass, TeachingAssignment


@dataclass
class ClassResults:
    school_class: SchoolClass
    assessment: Assessment
    rows: list[tuple[ScopeStat, ScopeStat | None]]  # (the class's row, the school's row of the same paper)


def latest_results(user) -> list[ClassResults]:
    scope = Scope.of(user)
    if not scope.class_ids:
        return []
    stats = visible(user, ScopeStat).filter(subgroup="", assessment__analysis=Assessment.Analysis.DONE)
    class_rows = stats.filter(scope=ResultScope.CLASS, school_class_id__in=scope.class_ids)
    latest: dict[int, int] = {}
    for class_id, assessment_id in class_rows.order_by("-assessment__date", "-assessment_id").values_list(
            "school_class_id", "assessment_id"):
        latest.setdefault(class_id, assessment_id)
    taught: dict[int, set[int]] = {}
    for class_id, subject_id in visible(user, TeachingAssignment).filter(
            teacher_id=scope.teacher_id, term_id=scope.term_id).values_list("school_class_id", "subject_id"):
        taught.setdefault(class_id, set()).add(subject_id)
    out = []
    classes = SchoolClass.objects.in_bulk(list(latest))
    assessments = Assessment.objects.in_bulk(set(latest.values()))
    for class_id, assessment_id in sorted(latest.items(), key=lambda p: (classes[p[0]].grade, classes[p[0]].number)):
        head = class_id in scope.head_class_ids
        rows = [
            r for r in class_rows.filter(school_class_id=class_id, assessment_id=assessment_id)
            .select_related("subject").order_by("subject__order")
            if (r.subject_id is None and head) or r.subject_id in taught.get(class_id, set())
        ]
        rows.sort(key=lambda r: (r.subject_id is None, r.subject.order if r.subject else 0))
        school = {r.paper_id: r for r in stats.filter(scope=ResultScope.SCHOOL, assessment_id=assessment_id,
                                                     school_id=classes[class_id].school_id)}
        if rows:
            out.append(ClassResults(classes[class_id], assessments[assessment_id],
                                    [(r, school.get(r.paper_id)) for r in rows]))
    return out
