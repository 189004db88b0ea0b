"""Small assessments with hand-chosen scores, and score files in the layouts marking systems export."""

import io
from datetime import timedelta
from decimal import Decimal

import polars as pl
import xlsxwriter

from tisheng.assessments import actions
from tisheng.assessments.actions import ItemSpec
from tisheng.assessments.models import Assessment, Item
from tisheng.assessments.students import placements
from tisheng.roster.models import School, SchoolClass, Subject


def exam_day(world):
    return min(world.term.start_date + timedelta(days=60), world.term.end_date)


def main_school():
    return School.objects.get(code="QS01")


def class_71(world):
    return SchoolClass.objects.get(school=main_school(), academic_year=world.term.academic_year, grade=7, number=1)


def pupils(world, school_class=None):
    """student_id, school_id, school_class_id of a class (七年级1班 of 实验中学) on the exam day, by 学籍号."""
    school_class = school_class or class_71(world)
    frame = placements(world.term, exam_day(world), schools=[school_class.school], grade=school_class.grade)
    return frame.filter(pl.col("school_class_id") == school_class.pk).sort("student_id")


def make_exam(world, *, organiser="district", grade=7, name="期中质量检测", day=None, term=None, kind="midterm"):
    school = None if organiser == "district" else main_school()
    return actions.create_assessment(
        None, name=name, kind=kind, term=term or world.term, date=day or exam_day(world), grade=grade,
        organiser=organiser, district=world.district, school=school,
    )


def make_paper(assessment, subject_code="math", full=Decimal(20), items=None):
    """A paper of 5 items by default: 1–2 objective (4 points), 3–5 subjective (4 points) → full mark 20."""
    items = items if items is not None else [("1", 4, Item.Kind.OBJECTIVE), ("2", 4, Item.Kind.OBJECTIVE), ("3", 4, Item.Kind.SUBJECTIVE),
                      ("4", 4, Item.Kind.SUBJECTIVE), ("5", 4, Item.Kind.SUBJECTIVE)]
    specs = [ItemSpec(label, Decimal(m), kind) for label, m, kind in items]
    return actions.save_paper(None, assessment, Subject.objects.get(code=subject_code), full, specs)


def give_scores(paper, rows: dict[int, list[float] | str], where: pl.DataFrame):
    """{student_id: [item scores] or "absent"/"exempt"/"cheating"} for pupils placed as in ``where``."""
    items = list(paper.items.order_by("position"))
    place = {r[0]: r for r in where.iter_rows()}
    paper_rows, item_rows = [], []
    for student_id, scores in rows.items():
        _s, school_id, class_id = place[student_id]
        if isinstance(scores, str):
            paper_rows.append((student_id, school_id, class_id, scores, None, None, None))
            continue
        objective = sum(s for s, i in zip(scores, items, strict=True) if i.kind == Item.Kind.OBJECTIVE)
        paper_rows.append((student_id, school_id, class_id, "sat", float(sum(scores)), float(objective),
                           float(sum(scores) - objective)))
        item_rows += [(student_id, i.pk, float(s)) for s, i in zip(scores, items, strict=True)]
    schema = {"student_id": pl.Int64, "school_id": pl.Int64, "school_class_id": pl.Int64, "status": pl.String,
              "score": pl.Float64, "objective": pl.Float64, "subjective": pl.Float64}
    actions.replace_scores(paper, pl.DataFrame(paper_rows, schema=schema, orient="row"),
                           pl.DataFrame(item_rows, schema={"student_id": pl.Int64, "item_id": pl.Int64,
                                                           "score": pl.Float64}, orient="row"), batch_id=None)


def workbook(sheets: dict[str, list[list]], merges: dict[str, list[tuple]] = None) -> bytes:
    """An .xlsx with the given rows per sheet; ``merges`` {sheet: [(first_row, first_col, last_row, last_col, text)]}."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        for first_row, first_col, last_row, last_col, text in (merges or {}).get(name, []):
            sheet.merge_range(first_row, first_col, last_row, last_col, text)
    book.close()
    return buffer.getvalue()
