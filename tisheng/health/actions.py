"""Every write of the health app. Scoring always goes through ``tisheng.core.fitness.score_students``, the
vision screening's classification through ``tisheng.core.vision.classify``."""

from datetime import date

import polars as pl
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tisheng.core import vision
from tisheng.core.fitness import score_students
from tisheng.health.models import (BONUS_ITEMS, ITEMS, MEASUREMENTS, FitnessRecord, FitnessTest, Level, VisionRecord,
                                   VisionScreening)
from tisheng.rulesets.services import ruleset_for, scope_chain

# What a record stores of the scorer's output (the rest, e.g. level_en, is derived).
RESULT_FIELDS = (*(f"{i}_score" for i in ITEMS), "bmi", "bmi_band", "bmi_score", *(f"{i}_bonus" for i in BONUS_ITEMS),
                 "standard_score", "bonus", "total", "level", "status", "reason")
RECORD_FIELDS = ("school_class_id", "grade", "sex", "grade_code", "class_code", "ethnicity_code", *MEASUREMENTS,
                 "exempt", "exempt_reason", "absent")


def grade_code(grade: int) -> str:
    """The national system's 年级编号: 11–16 primary, 21–23 junior middle."""
    return str(10 + grade if grade <= 6 else 14 + grade)


def test_for(school, term, *, on: date, user=None) -> FitnessTest:
    test, created = FitnessTest.objects.get_or_create(school=school, term=term,
                                                      defaults={"date": on, "tested_by": user})
    if not created and (test.date != on or (user and test.tested_by_id != user.pk)):
        test.date, test.tested_by = on, user or test.tested_by
        test.save()
    return test


def save_records(test: FitnessTest, rows: list[dict]) -> tuple[int, int]:
    """Create or replace the measurements of ``rows`` ({"student_id", *RECORD_FIELDS}) in ``test``, scored
    before they are written (one write per record). Returns (created, updated). The caller holds the
    transaction (the import pipeline's)."""
    existing = {r.student_id: r for r in FitnessRecord.objects.filter(test=test, student_id__in=[r["student_id"] for r in rows])}
    new, changed = [], []
    for row in rows:
        record = existing.get(row["student_id"]) or FitnessRecord(test=test, student_id=row["student_id"])
        for name in RECORD_FIELDS:
            setattr(record, name, row.get(name))
        record.exempt_reason = record.exempt_reason or ""
        for name in ("grade_code", "class_code", "ethnicity_code"):
            setattr(record, name, getattr(record, name) or "")
        (changed if record.pk else new).append(record)
    apply_scores(new + changed)
    if new:
        bulk_create_with_history(new, FitnessRecord, batch_size=500)
    if changed:
        bulk_update_with_history(changed, FitnessRecord, list(RECORD_FIELDS) + list(RESULT_FIELDS), batch_size=500)
    test.scored_at = timezone.now()
    test.save(update_fields=["scored_at"])
    return len(new), len(changed)


LEVEL_OF = {"优秀": Level.EXCELLENT, "良好": Level.GOOD, "及格": Level.PASS, "不及格": Level.FAIL}


@transaction.atomic
def score_test(test: FitnessTest) -> int:
    """Score every record of ``test`` again with the 2014 standard and store the results; returns the count."""
    records = list(FitnessRecord.objects.filter(test=test))
    if not records:
        return 0
    apply_scores(records)
    bulk_update_with_history(records, FitnessRecord, list(RESULT_FIELDS), batch_size=500)
    test.scored_at = timezone.now()
    test.save(update_fields=["scored_at"])
    return len(records)


def apply_scores(records: list[FitnessRecord]) -> None:
    """Set the result fields of ``records`` in memory from ``core.fitness.score_students`` (no database)."""
    if not records:
        return
    frame = pl.DataFrame(
        [{"i": i, "grade": r.grade, "sex": r.sex, **{m: getattr(r, m) for m in MEASUREMENTS}} for i, r in enumerate(records)],
        schema={"i": pl.Int64, "grade": pl.Int64, "sex": pl.String, **{m: pl.Float64 for m in MEASUREMENTS}},
    )
    scored = score_students(frame)
    for record, out in zip(records, scored.iter_rows(named=True), strict=True):
        for name in RESULT_FIELDS:
            value = out[name]
            if name == "level":
                value = LEVEL_OF.get(value, "")
            elif name in ("bmi_band", "reason"):
                value = value or ""
            setattr(record, name, value)
        if record.exempt or record.absent:  # 免测 / 缺测: measurements kept, no result
            for name in RESULT_FIELDS:
                setattr(record, name, "" if name in ("bmi_band", "reason", "level") else None)
            record.status = FitnessRecord.Status.EXEMPT if record.exempt else FitnessRecord.Status.ABSENT
            record.reason = record.exempt_reason if record.exempt else ""


# --- vision screening (R-MON-5) ------------------------------------------------------------------------------
VISION_FIELDS = ("school_class_id", "grade", "sex", "va_right", "va_left", "sphere_right", "cylinder_right",
                 "sphere_left", "cylinder_left", "glasses", "ok_lens")
VISION_RESULTS = ("se_right", "se_left", "poor_vision", "myopia", "basis")


def screening_for(school, term, *, on: date, user=None) -> VisionScreening:
    screening, created = VisionScreening.objects.get_or_create(school=school, term=term,
                                                               defaults={"date": on, "screened_by": user})
    if not created and (screening.date != on or (user and screening.screened_by_id != user.pk)):
        screening.date, screening.screened_by = on, user or screening.screened_by
        screening.save()
    return screening


def save_vision(screening: VisionScreening, rows: list[dict]) -> tuple[int, int]:
    """Create or replace the screening results of ``rows`` ({"student_id", *VISION_FIELDS}), classified by
    ``core.vision`` with the criterion in force for the school on the screening date. Returns (created,
    updated). The caller holds the transaction (the import pipeline's)."""
    existing = {r.student_id: r for r in VisionRecord.objects.filter(
        screening=screening, student_id__in=[r["student_id"] for r in rows])}
    records = []
    for row in rows:
        record = existing.get(row["student_id"]) or VisionRecord(screening=screening, student_id=row["student_id"])
        for name in VISION_FIELDS:
            setattr(record, name, row.get(name))
        record.glasses, record.ok_lens = bool(record.glasses), bool(record.ok_lens)
        records.append(record)
    school = screening.school
    rule = vision.criterion(ruleset_for(school=school), scope_chain=scope_chain(school=school), on=screening.date)
    frame = pl.DataFrame([{k: getattr(r, k) for k in vision.SCREENING_SCHEMA} for r in records],
                         schema=vision.SCREENING_SCHEMA)
    for record, out in zip(records, vision.classify(frame, rule).iter_rows(named=True), strict=True):
        for name in VISION_RESULTS:
            setattr(record, name, out[name])
    new = [r for r in records if r.pk is None]
    changed = [r for r in records if r.pk is not None]
    if new:
        bulk_create_with_history(new, VisionRecord, batch_size=500)
    if changed:
        bulk_update_with_history(changed, VisionRecord, [*VISION_FIELDS, *VISION_RESULTS], batch_size=500)
    return len(new), len(changed)
