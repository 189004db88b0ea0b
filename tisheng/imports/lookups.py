"""Roster values as schools write them (grades, classes, schools, subjects), and the lookups every import needs.

Lookups only ever search the schools the uploader may import into (``ctx.schools``): a school outside that
scope is reported exactly like a school that does not exist, so an error message never reveals that it does.
"""

import re

import polars as pl

from tisheng.imports.cleaning import clean_text
from tisheng.imports.parsers import Custom, Problem
from tisheng.imports.spec import ImportContext, Step
from tisheng.roster.models import GRADE_NAMES_ZH, SchoolClass, Subject

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def chinese_number(text: str) -> int | None:
    """1–99 written in digits or in Chinese numerals (三, 十二, 二十一)."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in NUMERALS for c in text):
        return None
    if "十" not in text:
        return NUMERALS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[ones] if ones else 0)


# 七年级 / 7年级 / 小学一年级 / 初一 / 初中一年级 / 初1; 七 alone only before a class number: 七(3)班
_GRADE = r"(?:小学)?(?P<g1>[一二三四五六七八九1-9])年级|初(?:中)?(?P<g2>[一二三123])(?:年级)?"


def _grade_of(match: re.Match) -> int:
    if match.group("g1"):
        return chinese_number(match.group("g1"))
    return 6 + chinese_number(match.group("g2"))


def parse_grade(text: str) -> int:
    text = text.replace(" ", "")
    match = re.fullmatch(_GRADE, text)
    if match:
        return _grade_of(match)
    if re.fullmatch(r"0?[1-9]", text):
        return int(text)
    raise Problem("grade_format")


_NUMBER = r"\(?(?P<number>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\)?班?"
_CLASS_FORMS = (
    re.compile(f"(?:{_GRADE}){_NUMBER}"),  # 七年级3班, 初一(3)班
    re.compile(r"(?P<g3>[一二三四五六七八九])\((?P<number>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\)班?"),  # 七(3)班
    re.compile(_NUMBER),  # 3班, (3)班, 3, 十二班
)


def parse_class(text: str) -> dict:
    """{"grade": 7 or None, "number": 3} from 七年级3班, 七年级(3)班, 七(3)班, 初一3班, 3班, (3)班, 3."""
    text = text.replace(" ", "")
    match = next((m for form in _CLASS_FORMS if (m := form.fullmatch(text))), None)
    if not match:
        raise Problem("class_format")
    number = chinese_number(match.group("number"))
    if not number or number > 99:
        raise Problem("class_format")
    groups = match.groupdict()
    if groups.get("g3"):
        grade = chinese_number(groups["g3"])
    elif groups.get("g1") or groups.get("g2"):
        grade = _grade_of(match)
    else:
        grade = None
    return {"grade": grade, "number": number}


CLASS_TYPE = pl.Struct({"grade": pl.Int64, "number": pl.Int64})


def Grade() -> Custom:  # noqa: N802 - reads like the other parsers
    return Custom(parse_grade, dtype=pl.Int64)


def ClassName() -> Custom:  # noqa: N802
    return Custom(parse_class, dtype=CLASS_TYPE)


def class_label(grade: int, number: int) -> str:
    """The class as Chinese staff write it, for messages: 七年级3班."""
    return f"{GRADE_NAMES_ZH.get(grade, grade)}{number}班"


def resolve_school(frame: pl.DataFrame, ctx: ImportContext, field_name: str = "school") -> pl.DataFrame:
    """``school_id`` per row: the 学校 cell (name or code) among ``ctx.schools``, else the school chosen on upload."""
    known: dict[str, int] = {}
    for school in ctx.schools:
        known[clean_text(school.code).casefold()] = school.pk
        known[clean_text(school.name).casefold()] = school.pk
    default = ctx.school.pk if ctx.school is not None else None
    if ctx.has(field_name):
        keys = list(known)
        found = pl.col(field_name).str.to_lowercase().replace_strict(keys, [known[k] for k in keys], default=None,
                                                                     return_dtype=pl.Int64)
        frame = frame.with_columns(
            pl.when(pl.col(field_name).is_null()).then(pl.lit(default, dtype=pl.Int64)).otherwise(found).alias("school_id")
        )
        ctx.flag(frame, pl.col(field_name).is_not_null() & pl.col("school_id").is_null(), "unknown_school", field_name)
    else:
        frame = frame.with_columns(pl.lit(default, dtype=pl.Int64).alias("school_id"))
    ctx.flag(frame, pl.col("school_id").is_null() & (pl.col(field_name).is_null() if ctx.has(field_name) else True),
             "school_missing", field_name)
    return frame


def resolve_class(class_field: str = "class_name", grade_field: str | None = "grade", into: str = "class_id") -> Step:
    """``into``: the class of each row in the import's academic year, from the 班级 cell (parsed by
    ``ClassName``) and the 年级 cell when the import has one. The row's ``school_id`` must be resolved."""

    def step(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        parsed = pl.col(class_field).struct
        written = pl.col(grade_field) if grade_field and ctx.has(grade_field) else pl.lit(None, dtype=pl.Int64)
        grade, number = f"_{into}_grade", f"_{into}_number"
        frame = frame.with_columns(
            pl.when(parsed.field("grade").is_null() | written.is_null() | (parsed.field("grade") == written))
            .then(pl.coalesce(parsed.field("grade"), written)).alias(grade),
            parsed.field("number").alias(number),
        )
        ctx.flag(frame, parsed.field("grade") != written, "grade_mismatch", class_field,
                 value=class_text(parsed.field("grade"), parsed.field("number")), grade=_grade_text(written))
        ctx.flag(frame, pl.col(class_field).is_not_null() & parsed.field("grade").is_null() & written.is_null(),
                 "class_needs_grade", class_field, value=pl.col(number).cast(pl.String) + "班")
        school_ids = frame["school_id"].drop_nulls().unique().to_list()
        year_id = ctx.term.academic_year_id if ctx.term else None
        classes = pl.DataFrame(
            list(
                SchoolClass.objects.filter(school_id__in=school_ids, academic_year_id=year_id).values_list(
                    "school_id", "grade", "number", "id"
                )
            ),
            schema={"school_id": pl.Int64, grade: pl.Int64, number: pl.Int64, into: pl.Int64},
            orient="row",
        )
        frame = frame.join(classes, on=["school_id", grade, number], how="left", maintain_order="left")
        names = {s.pk: s.name for s in ctx.schools}
        unknown = (
            pl.col(into).is_null() & pl.col("school_id").is_not_null() & pl.col(grade).is_not_null()
            & pl.col(number).is_not_null()
        )
        ctx.flag(frame, unknown, "unknown_class", class_field, value=class_text(pl.col(grade), pl.col(number)),
                 school=pl.col("school_id").replace_strict(names, default="", return_dtype=pl.String),
                 year=str(ctx.term.academic_year) if ctx.term else "")
        return frame.drop(grade, number)

    return step


def _grade_text(grade: pl.Expr) -> pl.Expr:
    return grade.replace_strict(GRADE_NAMES_ZH, default=grade.cast(pl.String), return_dtype=pl.String)


def class_text(grade: pl.Expr, number: pl.Expr) -> pl.Expr:
    """七年级3班, as an expression."""
    return pl.concat_str(_grade_text(grade), number.cast(pl.String), pl.lit("班"))


def subject_names() -> dict[str, int]:
    """Subject ids by name, English name and code, compared case-insensitively."""
    known = {}
    for pk, code, name, name_en in Subject.objects.values_list("pk", "code", "name", "name_en"):
        for text in (code, name, name_en):
            if text:
                known.setdefault(clean_text(text).casefold(), pk)
    return known


def subject_choices() -> str:
    return "、".join(Subject.objects.values_list("name", flat=True))
