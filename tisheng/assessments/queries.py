"""Who sees which assessments, scores and results (R-ACC-3, R-ACC-4), and the scoped reads of the pages.

Exam data are read by the roles that work with them: the bureau's staff, administrators and researchers
(district), principals and the academic office (school), grade leaders (their grade), subject-group leaders
(their subject), and teachers (their classes). The health section and school doctors do not see scores.

- Student-level rows (``PaperScore``, ``ItemScore``, ``StudentResult``, ``AttentionEntry``,
  ``ScoreCorrection``) follow the school and class the student sat in. Class- and grade-bound roles reach
  this academic year's rows only, like the roster's rules.
- Aggregates (``ScopeStat``, ``ItemStat``, ``KpStat``) are visible a little wider than the pupils behind
  them: a teacher sees the parallel classes of the grade (三率一分 against parallel classes) and the totals of
  everybody who sat (the district's mean), never another teacher's own row.
- Parents see the assessments their child sat and the child's ``StudentResult`` rows, which their pages
  show as levels and knowledge points only; no aggregate, no score table, no attention list.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tisheng.accounts.models import Role
from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.assessments.models import (
    Assessment,
    AttentionEntry,
    ColumnMapping,
    Item,
    ItemScore,
    ItemStat,
    KnowledgePoint,
    KpStat,
    Paper,
    PaperScore,
    ResultScope,
    ScopeStat,
    ScoreCorrection,
    StudentResult,
)
from tisheng.roster.models import School, SchoolClass

STAFF_ONLY = _("Exam results are for the staff who work with them.")
EXAM_DISTRICT_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER})
EXAM_SCHOOL_ROLES = frozenset({Role.PRINCIPAL, Role.ACADEMIC_OFFICE})


def exam_district_ids(s: Scope) -> frozenset[int]:
    return s.district_ids if s.has_role(*EXAM_DISTRICT_ROLES) else frozenset()


def exam_school_ids(s: Scope) -> frozenset[int]:
    return s.school_ids if s.has_role(*EXAM_SCHOOL_ROLES) else frozenset()


def taught_grades(s: Scope) -> set[tuple[int, int]]:
    """(school, grade) of the classes a teacher teaches or leads this term."""
    if not s.class_ids:
        return set()
    return set(SchoolClass.objects.filter(id__in=s.class_ids).values_list("school_id", "grade"))


def grade_pairs(s: Scope, taught: bool = True) -> set[tuple[int, int | None, int | None]]:
    """(school, grade or None, subject or None) of grade leaders, subject-group leaders and, with ``taught``,
    the grades a teacher teaches in: the class- and grade-bound roles of this academic year."""
    pairs = {(school, grade, None) for school, grade in s.grades}
    pairs |= {(school, grade, subject) for school, subject, grade in s.subject_grades}
    if taught:
        pairs |= {(school, grade, None) for school, grade in taught_grades(s)}
    return pairs


def sees_exams_scope(s: Scope) -> bool:
    return bool(exam_district_ids(s) or exam_school_ids(s) or s.grades or s.subject_grades or s.class_ids)


def only_subjects(user) -> set[int]:
    """The subjects of a user whose exam scope is subject-bound only (a subject-group leader); else empty."""
    s = Scope.of(user)
    if exam_district_ids(s) or exam_school_ids(s) or s.grades or s.class_ids:
        return set()
    return {subject for _school, subject, _grade in s.subject_grades}


def default_paper_id(user, assessment) -> int | None:
    """What a results page or API call shows without ``paper``: the total (None), except for a subject-bound
    scope, which has no total to see and gets its subject's paper."""
    subjects = only_subjects(user)
    if not subjects:
        return None
    return papers(user, assessment).filter(subject_id__in=subjects).order_by("pk").values_list("pk", flat=True).first()


def sees_exams(user) -> bool:
    """Staff who work with exam results (the pages' 403 for the others)."""
    return sees_exams_scope(Scope.of(user))


def _district_of(school_ids) -> dict[int, int]:
    return dict(School.objects.filter(id__in=school_ids).values_list("id", "district_id"))


# --- assessments, papers, items -------------------------------------------------------------------------
def _assessment_q(s: Scope, prefix: str = "", parents: bool = True) -> Q:
    def f(name):
        return prefix + name

    q = NOTHING
    if districts := exam_district_ids(s):
        q |= Q(**{f("district_id__in"): districts})
    schools = exam_school_ids(s)
    for school, district in _district_of(schools).items():
        q |= Q(**{f("school_id"): school}) | Q(**{f("organiser"): Assessment.Organiser.DISTRICT, f("district_id"): district})
    pairs = grade_pairs(s)
    districts_of = _district_of({p[0] for p in pairs})
    for school, grade, _subject in pairs:
        this_year = Q(**{f("term__academic_year_id"): s.academic_year_id})
        where = Q(**{f("school_id"): school}) | Q(
            **{f("organiser"): Assessment.Organiser.DISTRICT, f("district_id"): districts_of.get(school)}
        )
        q |= where & this_year & (Q(**{f("grade"): grade}) if grade else Q())
    if parents and s.child_ids:
        q |= Q(**{f("id__in"): PaperScore.objects.filter(student_id__in=s.child_ids).values("paper__assessment_id")})
    return q


@scope_rule(Assessment)
def _assessment_rule(s: Scope) -> Q:
    return _assessment_q(s)


@scope_rule(Paper)
def _paper_rule(s: Scope) -> Q:
    return _assessment_q(s, "assessment__")


@scope_rule(Item)
def _item_rule(s: Scope) -> Q:
    return _assessment_q(s, "paper__assessment__")


@scope_rule(KnowledgePoint)
def _kp_rule(s: Scope) -> Q:
    # The catalogue is curriculum, not personal data: every signed-in user may read it.
    return Q(pk__isnull=False) if s.user_id else NOTHING


@scope_rule(ColumnMapping)
def _mapping_rule(s: Scope) -> Q:
    q = NOTHING
    if districts := exam_district_ids(s):
        q |= Q(district_id__in=districts)
    if s.member_school_ids and sees_exams_scope(s):
        q |= Q(district_id__in=School.objects.filter(id__in=s.member_school_ids).values("district_id"))
    return q


# --- student-level rows -----------------------------------------------------------------------------------
def student_rows_q(s: Scope, *, school="school_id", grade="school_class__grade", klass="school_class_id",
                   subject="subject_id", year="assessment__term__academic_year_id", parents=False) -> Q:
    """Rows about one student, by the school and class the student sat in (field names given per model)."""
    q = NOTHING
    if districts := exam_district_ids(s):
        q |= Q(**{school.replace("_id", "__district_id") + "__in": districts})
    if schools := exam_school_ids(s):
        q |= Q(**{f"{school}__in": schools})
    this_year = Q(**{year: s.academic_year_id})
    for school_id, grade_no, subject_id in grade_pairs(s, taught=False):
        cond = Q(**{school: school_id}) & this_year
        if grade_no:
            cond &= Q(**{grade: grade_no})
        if subject_id:
            cond &= Q(**{subject: subject_id})
        q |= cond
    if s.class_ids:
        q |= Q(**{f"{klass}__in": s.class_ids})
    if parents and s.child_ids:
        q |= Q(student_id__in=s.child_ids)
    return q


@scope_rule(PaperScore)
def _paper_score_rule(s: Scope) -> Q:
    return student_rows_q(s, subject="paper__subject_id", year="paper__assessment__term__academic_year_id")


@scope_rule(ItemScore)
def _item_score_rule(s: Scope) -> Q:
    visible_scores = PaperScore.objects.filter(_paper_score_rule(s), paper_id=OuterRef("paper_id"),
                                               student_id=OuterRef("student_id"))
    return Q(Exists(visible_scores)) if _paper_score_rule(s) != NOTHING else NOTHING


@scope_rule(ScoreCorrection)
def _correction_rule(s: Scope) -> Q:
    rule = _paper_score_rule(s)
    return NOTHING if rule == NOTHING else Q(paper_score__in=PaperScore.objects.filter(rule).values("pk"))


@scope_rule(StudentResult)
def _student_result_rule(s: Scope) -> Q:
    return student_rows_q(s, parents=True)


@scope_rule(AttentionEntry)
def _attention_rule(s: Scope) -> Q:
    return student_rows_q(s)


# --- aggregates ----------------------------------------------------------------------------------------------
def aggregate_q(s: Scope, *, teacher_rows: bool = False) -> Q:
    """Aggregates: everybody's rows of the assessments the user sees (not parents), the own schools' rows,
    and the rows of the grades (and subjects) a grade leader, subject leader or teacher works in."""
    q = NOTHING
    if districts := exam_district_ids(s):
        q |= Q(assessment__district_id__in=districts)
    staff_assessments = _assessment_q(s, parents=False)
    if staff_assessments != NOTHING:
        q |= Q(scope=ResultScope.ALL, assessment__in=Assessment.objects.filter(staff_assessments))
    if schools := exam_school_ids(s):
        q |= Q(school_id__in=schools)
    this_year = Q(assessment__term__academic_year_id=s.academic_year_id)
    leaders = grade_pairs(s, taught=False)
    for school_id, grade_no, subject_id in leaders:
        cond = Q(school_id=school_id) & this_year
        if grade_no:
            cond &= Q(assessment__grade=grade_no)
        if subject_id:
            cond &= Q(subject_id=subject_id)
        q |= cond
    for school_id, grade_no in taught_grades(s):
        # a teacher compares classes, not colleagues: other teachers' own rows stay out
        cond = Q(school_id=school_id, assessment__grade=grade_no) & this_year
        if teacher_rows:
            cond &= Q(teacher__isnull=True) | Q(teacher_id=s.teacher_id)
        q |= cond
    return q


@scope_rule(ScopeStat)
def _scope_stat_rule(s: Scope) -> Q:
    return aggregate_q(s, teacher_rows=True)


@scope_rule(ItemStat)
def _item_stat_rule(s: Scope) -> Q:
    return aggregate_q(s)


@scope_rule(KpStat)
def _kp_stat_rule(s: Scope) -> Q:
    return aggregate_q(s)


# --- reads for the pages -----------------------------------------------------------------------------------
def assessments(user) -> QuerySet[Assessment]:
    return visible(user, Assessment).select_related("term__academic_year", "school", "district")


def papers(user, assessment: Assessment) -> QuerySet[Paper]:
    return visible(user, Paper).filter(assessment=assessment).select_related("subject", "batch")


def may_create(user) -> bool:
    """The bureau's exam staff, a school's principal and academic office, and grade leaders set up assessments."""
    s = Scope.of(user)
    return bool(exam_district_ids(s) or exam_school_ids(s) or s.grades)


def may_manage(user, assessment: Assessment) -> bool:
    """Who may change an assessment's papers and import its scores (the import also checks its own roles)."""
    s = Scope.of(user)
    if assessment.district_id in exam_district_ids(s):
        return True
    if assessment.organiser == Assessment.Organiser.DISTRICT:
        return False
    if assessment.school_id in exam_school_ids(s):
        return True
    return assessment.organiser == Assessment.Organiser.GRADE and (assessment.school_id, assessment.grade) in s.grades


def stats(user, assessment: Assessment) -> QuerySet[ScopeStat]:
    return visible(user, ScopeStat).filter(assessment=assessment)


def student_results(user, assessment: Assessment) -> QuerySet[StudentResult]:
    return visible(user, StudentResult).filter(assessment=assessment)


def latest_results_for_teacher(user, limit: int = 6) -> list[ScopeStat]:
    """The total rows of the user's own classes in the latest analysed assessments (teacher's home page)."""
    s = Scope.of(user)
    if not s.class_ids:
        return []
    rows = (
        visible(user, ScopeStat)
        .filter(scope=ResultScope.CLASS, subgroup="", school_class_id__in=s.class_ids, paper__isnull=True,
                assessment__analysis=Assessment.Analysis.DONE)
        .select_related("assessment", "school_class")
        .order_by("-assessment__date", "school_class__grade", "school_class__number")
    )
    return list(rows[:limit])
