"""The demo district's fitness tests and vision screenings of this year and last year: plausible measurements by
grade and sex, scored and classified by the same path as an import (``actions.save_records`` →
``tisheng.core.fitness.score_students``; ``actions.save_vision`` → ``tisheng.core.vision.classify``)."""

import random
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from tisheng.health import actions
from tisheng.health.importers import ITEM_COLUMNS
from tisheng.roster.models import ClassMembership, District, School, Term

ACUITY_ONLY = (School.Kind.CENTRAL, School.Kind.VILLAGE, School.Kind.TEACHING_POINT)
RANGES = {field: (low, high) for _h, field, _a, low, high, _k in ITEM_COLUMNS}


def _items(grade: int, sex: str) -> tuple[str, ...]:
    """The items of the 2014 standard for a grade and sex (the scorer ignores any others)."""
    if grade <= 2:
        return ("vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min")
    if grade <= 4:
        return ("vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min", "sit_up_1min")
    if grade <= 6:
        return ("vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min", "sit_up_1min", "shuttle_50x8")
    if sex == "M":
        return ("vital_capacity", "run_50m", "sit_and_reach", "standing_long_jump", "pull_up", "run_1000m")
    return ("vital_capacity", "run_50m", "sit_and_reach", "standing_long_jump", "sit_up_1min", "run_800m")


def measurements(rng: random.Random, grade: int, sex: str) -> dict[str, float]:
    """One pupil's plausible results (rough means and spreads of Chinese pupils by grade and sex)."""
    boy, g = sex == "M", grade - 1
    height = rng.gauss(118 + 6 * g - (max(0, grade - 6) * 2.5 if not boy else 0), 5.5)
    bmi = rng.gauss(15.6 + 0.45 * g, 2.3)
    means = {
        "vital_capacity": ((1000 + 260 * g) if boy else (900 + 210 * g), 260),
        "run_50m": ((11.6 - 0.38 * g) if boy else (11.9 - 0.3 * g), 0.9),
        "sit_and_reach": (4.5 if boy else 9.0, 5.5),
        "rope_skip_1min": (62 + 21 * g, 26),
        "sit_up_1min": (24 + 3 * max(0, grade - 3), 8),
        "shuttle_50x8": (106 if boy else 111, 10),
        "standing_long_jump": ((188 + 10 * (grade - 7)) if boy else (160 + 3 * (grade - 7)), 20),
        "pull_up": (4, 3.5),
        "run_1000m": (262 - 8 * (grade - 7), 30),
        "run_800m": (238, 25),
    }
    out = {"height_cm": round(height, 1), "weight_kg": round(bmi * (height / 100) ** 2, 1)}
    for item in _items(grade, sex):
        mean, spread = means[item]
        value = rng.gauss(mean, spread)
        whole = item in ("rope_skip_1min", "sit_up_1min", "pull_up", "standing_long_jump", "vital_capacity")
        out[item] = round(value) if whole else round(value, 1)
    for key, value in out.items():
        low, high = RANGES[key]
        out[key] = float(min(max(value, max(low, 0) if key != "sit_and_reach" else low), high))
    return out


def _members(term: Term, district: District) -> dict:
    """{school: [membership, …]} of ``term`` (one membership per pupil: the latest of the term)."""
    by_school, seen = defaultdict(list), set()
    memberships = (ClassMembership.objects.filter(term=term, school_class__school__district=district)
                   .select_related("school_class__school", "student")
                   .order_by("school_class__school__code", "student_id", "-joined_on"))
    for m in memberships:
        if m.student_id not in seen:
            seen.add(m.student_id)
            by_school[m.school_class.school].append(m)
    return by_school


def _fitness(rng: random.Random, term: Term, by_school: dict, today: date) -> int:
    records = 0
    for school, members in by_school.items():
        test = actions.test_for(school, term, on=today)
        rows = []
        for m in members:
            c, s = m.school_class, m.student
            draw = rng.random()
            row = {"student_id": s.pk, "school_class_id": c.pk, "grade": c.grade, "sex": s.sex,
                   "grade_code": actions.grade_code(c.grade), "class_code": f"{actions.grade_code(c.grade)}{c.number:02d}",
                   "ethnicity_code": "01", "exempt": draw < 0.01, "exempt_reason": "因病持医院证明" if draw < 0.01 else "",
                   "absent": 0.01 <= draw < 0.02}
            if not row["absent"]:
                row |= measurements(rng, c.grade, s.sex)
            rows.append(row)
        actions.save_records(test, rows)
        records += len(rows)
    return records


def eyes(z: float, noise: random.Random, grade: int, years_ago: int) -> dict:
    """One pupil's screening: spherical equivalent from the pupil's lasting tendency ``z`` (more myopic when
    negative) and the grade, drifting towards myopia about 0.24 D a year (rates rise from about 15 % in grade 1
    to about 75 % in grade 9, as Chinese surveys report); each year's cohort is a little less myopic than the
    one before (``years_ago``), so the trend falls. Acuity follows the refraction."""
    out = {}
    for eye in ("right", "left"):
        se = 0.9 - 0.24 * grade - 0.08 * years_ago + 1.1 * z + noise.gauss(0, 0.2)
        cylinder = -round(max(0.0, noise.gauss(0.3, 0.3)) * 4) / 4
        sphere = round((se - cylinder / 2) * 4) / 4
        se = sphere + cylinder / 2
        acuity = 5.0 + 0.3 * (se + 0.5) if se < -0.5 else 5.0 + noise.choice((0.0, 0.0, 0.1, -0.1))
        out[f"va_{eye}"] = round(min(max(acuity + noise.gauss(0, 0.05), 4.0), 5.3), 1)
        out[f"sphere_{eye}"], out[f"cylinder_{eye}"] = sphere, cylinder
    myopic = min(out["sphere_right"] + out["cylinder_right"] / 2, out["sphere_left"] + out["cylinder_left"] / 2) < -0.5
    out["glasses"] = myopic and noise.random() < 0.6
    out["ok_lens"] = myopic and not out["glasses"] and grade >= 5 and noise.random() < 0.08
    return out


def _vision(seed: int, term: Term, by_school: dict, years_ago: int, today: date) -> int:
    records = 0
    for school, members in by_school.items():
        # Township central schools and their village schools screen acuity only (no refractometer): their
        # figure is 视力不良, not 筛查性近视.
        refraction = school.kind not in ACUITY_ONLY
        screening = actions.screening_for(school, term, on=today)
        rows = []
        for m in members:
            lasting = random.Random(seed * 7919 + m.student_id)  # the same tendency in every year
            noise = random.Random(seed * 104729 + m.student_id * 31 + years_ago)
            row = eyes(lasting.gauss(0, 1), noise, m.school_class.grade, years_ago)
            if not refraction:
                row |= {k: None for k in ("sphere_right", "cylinder_right", "sphere_left", "cylinder_left")}
            rows.append({"student_id": m.student_id, "school_class_id": m.school_class_id,
                         "grade": m.school_class.grade, "sex": m.student.sex, **row})
        actions.save_vision(screening, rows)
        records += len(rows)
    return records


@transaction.atomic
def build_health_demo(district: District, term: Term | None = None, *, today: date | None = None,
                      seed: int = 20261124) -> dict[str, int]:
    """A fitness test and a vision screening this term and in the same term of last year for every school of
    ``district`` with pupils: all of them measured (about 1 % exempt from the fitness test with a reason, 1 %
    absent), scored and classified by the same path as an import. Returns {"tests", "records", "screenings",
    "vision_records"}."""
    rng = random.Random(seed)
    term = term or Term.current()
    today = today or timezone.localdate()
    last_year = Term.objects.filter(academic_year__start_year=term.academic_year.start_year - 1,
                                    number=term.number).first()
    counts = {"tests": 0, "records": 0, "screenings": 0, "vision_records": 0}
    for years_ago, when in ((1, last_year), (0, term)):
        if when is None:
            continue
        by_school = _members(when, district)
        on = min(when.start_date + (today - term.start_date), when.end_date) if years_ago else today
        counts["records"] += _fitness(rng, when, by_school, on)
        counts["vision_records"] += _vision(seed, when, by_school, years_ago, on)
        counts["tests"] += len(by_school)
        counts["screenings"] += len(by_school)
    return counts
