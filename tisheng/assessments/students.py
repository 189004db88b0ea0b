"""Which pupils sit an assessment, and in which school and class (the class of the assessment's day)."""

from datetime import date

import polars as pl
from django.db.models import Q

from tisheng.roster.models import ClassMembership, Term

SCHEMA = {"student_id": pl.Int64, "school_id": pl.Int64, "school_class_id": pl.Int64}


def memberships_on(term: Term, day: date, **class_filter) -> pl.DataFrame:
    """student_id, school_id, school_class_id of the memberships of ``term`` that cover ``day`` (or, for a
    pupil with none that day, the last of the term), within the classes ``class_filter`` selects."""
    filters = {f"school_class__{k}": v for k, v in class_filter.items()}
    rows = (
        ClassMembership.objects.filter(term=term, joined_on__lte=day, **filters)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .order_by("student_id", "-joined_on")
        .values_list("student_id", "school_class__school_id", "school_class_id")
    )
    return pl.DataFrame(list(rows), schema=SCHEMA, orient="row").unique("student_id", keep="first",
                                                                        maintain_order=True)


def placements(term: Term, day: date, *, schools, grade: int) -> pl.DataFrame:
    """The pupils of ``grade`` at ``schools`` on ``day``: who sits a district or school assessment."""
    return memberships_on(term, day, school__in=schools, grade=grade, academic_year_id=term.academic_year_id)
