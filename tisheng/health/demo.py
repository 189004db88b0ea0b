"""The demo district's fitness test of this year: plausible measurements by grade and sex, scored by the same
path as an import (``actions.save_records`` → ``tisheng.core.fitness.score_students``)."""

import random
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from tisheng.health import actions
from tisheng.health.importers import ITEM_COLUMNS
from tisheng.roster.models import ClassMembership, District, Term

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


@transaction.atomic
def build_health_demo(district: District, term: Term | None = None, *, today: date | None = None,
                      seed: int = 20261124) -> dict[str, int]:
    """One fitness test this term for every school of ``district`` with pupils, all of them measured (about 1 %
    exempt with a reason, 1 % absent) and scored. Returns {"tests": …, "records": …}."""
    rng = random.Random(seed)
    term = term or Term.current()
    today = today or timezone.localdate()
    by_school = defaultdict(list)
    memberships = (ClassMembership.objects.filter(term=term, left_on__isnull=True, school_class__school__district=district)
                   .select_related("school_class__school", "student").order_by("school_class__school__code", "student_id"))
    for m in memberships:
        by_school[m.school_class.school].append(m)
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
    return {"tests": len(by_school), "records": records}
