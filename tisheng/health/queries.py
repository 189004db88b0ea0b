"""Who sees fitness and vision data, and the summaries pages and reports read (from stored results only).

Scope (R-ACC-3), kept simple:
- bureau roles (the health section 体卫艺科 included): the district;
- principal, academic office and school doctor: their school (with its branch schools);
- grade leader: the grade at the school; head teacher: the class led this term;
- a subject teacher: the classes the teacher teaches PE (体育与健康) this term, nobody else's;
- subject leaders: nothing beyond the above (fitness is not subject data);
- parents: their own children's records only.
Vision screenings follow the same rule except for PE teachers (eyesight is not their subject).
"""

from dataclasses import dataclass, field, replace

import polars as pl

from django.db.models import Max, Q

from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.core.fitness import graduation_score
from tisheng.health.models import ITEMS, FitnessRecord, FitnessTest, Level, VisionRecord, VisionScreening
from tisheng.roster.models import TeachingAssignment, class_name

PE = "pe"  # the roster's subject code of 体育与健康
PASSED = (Level.EXCELLENT, Level.GOOD, Level.PASS)
GOOD_OR_EXCELLENT = (Level.EXCELLENT, Level.GOOD)


def _pe_class_ids(s: Scope):
    return TeachingAssignment.objects.filter(teacher_id=s.teacher_id, term_id=s.term_id, subject__code=PE).values(
        "school_class_id")


def _pupil_rule(s: Scope, event: str, *, pe_teachers: bool) -> Q:
    """The rows of pupils' health records whose event (a test or screening) is reached through ``event``."""
    q = NOTHING
    if s.district_ids:
        q |= Q(**{f"{event}__school__district_id__in": s.district_ids})
    if s.school_ids:
        q |= Q(**{f"{event}__school_id__in": s.school_ids})
    for school_id, grade in s.grades:
        q |= Q(**{f"{event}__school_id": school_id, "grade": grade,
                  f"{event}__term__academic_year_id": s.academic_year_id})
    if s.head_class_ids:
        q |= Q(school_class_id__in=s.head_class_ids)
    if pe_teachers and s.teacher_id and s.term_id:
        q |= Q(school_class_id__in=_pe_class_ids(s))
    if s.child_ids:
        q |= Q(student_id__in=s.child_ids)
    return q


def _event_rule(s: Scope, record_model, event_id: str, record_rule) -> Q:
    """An event is visible to whoever sees one of its records (the records' rule decides what is in it)."""
    q = NOTHING
    if s.district_ids:
        q |= Q(school__district_id__in=s.district_ids)
    if s.school_ids:
        q |= Q(school_id__in=s.school_ids)
    others = record_rule(replace(s, district_ids=frozenset(), school_ids=frozenset()))
    if others != NOTHING:
        q |= Q(id__in=record_model.objects.filter(others).values(event_id))
    return q


@scope_rule(FitnessRecord)
def _record_rule(s: Scope) -> Q:
    return _pupil_rule(s, "test", pe_teachers=True)


@scope_rule(FitnessTest)
def _test_rule(s: Scope) -> Q:
    return _event_rule(s, FitnessRecord, "test_id", _record_rule)


@scope_rule(VisionRecord)
def _vision_rule(s: Scope) -> Q:
    """As fitness, but a PE teacher has no business with the classes' eyesight."""
    return _pupil_rule(s, "screening", pe_teachers=False)


@scope_rule(VisionScreening)
def _screening_rule(s: Scope) -> Q:
    return _event_rule(s, VisionRecord, "screening_id", _vision_rule)


def records(user, test=None):
    qs = visible(user, FitnessRecord).select_related("student", "school_class", "test__school")
    return qs.filter(test=test) if test is not None else qs


def sees_whole_school(user, school) -> bool:
    s = Scope.of(user)
    return school.district_id in s.district_ids or school.pk in s.school_ids


# --- summaries ---------------------------------------------------------------------------------------------
def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Summary:
    """Rates over the scored pupils (exempt, absent and incomplete records are counted but not in the rates)."""

    pupils: int = 0
    scored: int = 0
    exempt: int = 0
    absent: int = 0
    levels: dict = field(default_factory=lambda: {lv: 0 for lv in Level.values})
    by_sex: dict = field(default_factory=dict)  # "M"/"F" → {"scored", "passed", "good"}
    items: dict = field(default_factory=dict)  # item → {"tested", "passed"} (item score ≥ 60)

    @property
    def passed(self) -> int:
        return sum(self.levels[lv] for lv in PASSED)

    @property
    def good(self) -> int:
        return sum(self.levels[lv] for lv in GOOD_OR_EXCELLENT)

    @property
    def pass_rate(self):
        return _rate(self.passed, self.scored)

    @property
    def good_rate(self):
        return _rate(self.good, self.scored)

    def sex_rates(self):
        return {sex: {"scored": v["scored"], "pass_rate": _rate(v["passed"], v["scored"]),
                      "good_rate": _rate(v["good"], v["scored"])} for sex, v in sorted(self.by_sex.items())}

    def item_rates(self):
        return [(item, v["tested"], _rate(v["passed"], v["tested"])) for item, v in self.items.items() if v["tested"]]


ITEM_PASS_SCORE = 60  # a single item's 及格 (nsphs2014_rules.json "single_item_levels")


def summarise(qs) -> Summary:
    """Counts and rates of a queryset of fitness records (read in one query of the stored columns)."""
    out = Summary(items={item: {"tested": 0, "passed": 0} for item in ITEMS})
    for r in qs.values("sex", "status", "level", *(f"{i}_score" for i in ITEMS)):
        out.pupils += 1
        if r["status"] == FitnessRecord.Status.EXEMPT:
            out.exempt += 1
            continue
        if r["status"] == FitnessRecord.Status.ABSENT:
            out.absent += 1
            continue
        for item in ITEMS:
            score = r[f"{item}_score"]
            if score is not None:
                out.items[item]["tested"] += 1
                out.items[item]["passed"] += score >= ITEM_PASS_SCORE
        if r["status"] != FitnessRecord.Status.OK:
            continue
        out.scored += 1
        out.levels[r["level"]] += 1
        sex = out.by_sex.setdefault(r["sex"], {"scored": 0, "passed": 0, "good": 0})
        sex["scored"] += 1
        sex["passed"] += r["level"] in PASSED
        sex["good"] += r["level"] in GOOD_OR_EXCELLENT
    return out


def levels_by_grade_and_sex(qs) -> dict:
    """{"categories": ["七年级 男", …], "series": [(level, [counts…]), …]} of the scored records."""
    counts: dict = {}
    for r in qs.filter(status=FitnessRecord.Status.OK).values("grade", "sex", "level"):
        key = (r["grade"], r["sex"])
        counts.setdefault(key, {lv: 0 for lv in Level.values})[r["level"]] += 1
    keys = sorted(counts)
    return {"keys": keys, "series": [(lv, [counts[k][lv] for k in keys]) for lv in Level.values]}


def previous_test(test):
    """The same school's test of the previous academic year (its latest term), if any."""
    return (FitnessTest.objects.filter(school_id=test.school_id,
                                       term__academic_year__start_year__lt=test.term.academic_year.start_year)
            .order_by("-term__start_date").first())


def fitness_by_year(qs) -> list[tuple[int, Summary]]:
    """(academic year's start, summary) of each year of ``qs``, oldest first: the trend of the rates."""
    years = sorted(set(qs.values_list("test__term__academic_year__start_year", flat=True)))
    return [(y, summarise(qs.filter(test__term__academic_year__start_year=y))) for y in years]


# --- vision ---------------------------------------------------------------------------------------------------
VISION_SCHEMA = {"year": pl.Int64, "school": pl.String, "grade": pl.Int64, "class_number": pl.Int64, "class": pl.String,
                 "student_id": pl.Int64, "sex": pl.String, "myopia": pl.Boolean, "poor_vision": pl.Boolean,
                 "basis": pl.String}


def vision_records(user, screening=None):
    qs = visible(user, VisionRecord).select_related("student", "school_class", "screening__school")
    return qs.filter(screening=screening) if screening is not None else qs


def vision_frame(qs) -> pl.DataFrame:
    """The stored classification of ``qs`` as the columns ``tisheng.core.vision.rates`` and ``trend`` read."""
    rows = [(year, school, grade, number, class_name(grade, number) if number else "", *rest)
            for year, school, grade, number, *rest in qs.values_list(
                "screening__term__academic_year__start_year", "screening__school__name", "grade",
                "school_class__number", "student_id", "sex", "myopia", "poor_vision", "basis")]
    return pl.DataFrame(rows, schema=VISION_SCHEMA, orient="row")


GRADUATING_GRADES = (6, 9)  # the last grades of primary and junior middle school


def graduation_rows(qs) -> tuple[list[dict], list[int]]:
    """毕业成绩 of the pupils of ``qs`` in grade 6 or 9 in its latest year, from their yearly totals in ``qs``
    (``core.fitness.graduation_score``; a grade tested in two terms counts with its latest test). Returns the
    rows (name, class, ``by_grade`` totals, and the core's columns) and the grades that have a total."""
    latest = qs.aggregate(year=Max("test__term__academic_year__start_year"))["year"]
    if latest is None:
        return [], []
    current = {r["student_id"]: r for r in qs.filter(test__term__academic_year__start_year=latest,
                                                   grade__in=GRADUATING_GRADES)
               .values("student_id", "student__name", "sex", "school_class__grade", "school_class__number")}
    totals: dict[int, dict[int, float | None]] = {}  # pupil → grade → total
    for r in (qs.filter(student_id__in=current).order_by("test__term__start_date")
              .values("student_id", "grade", "total")):
        totals.setdefault(r["student_id"], {})[r["grade"]] = r["total"]  # later terms overwrite earlier ones
    if not totals:
        return [], []
    frame = pl.DataFrame([{"student_id": s, "grade": g, "total": t} for s, years in totals.items()
                          for g, t in years.items()],
                         schema={"student_id": pl.Int64, "grade": pl.Int64, "total": pl.Float64})
    grades = sorted({g for years in totals.values() for g in years})
    rows = []
    for out in graduation_score(frame).iter_rows(named=True):
        pupil, years = current[out["student_id"]], totals[out["student_id"]]
        number = pupil["school_class__number"]
        rows.append({**out, "name": pupil["student__name"], "sex": pupil["sex"],
                     "class": class_name(pupil["school_class__grade"], number) if number else "",
                     "by_grade": [years.get(g) for g in grades]})
    rows.sort(key=lambda r: (r["final_grade"], r["class"], r["name"]))
    return rows, grades
