"""Scoring by the 2014 National Student Physical Health Standard, grades 1–9.

Source: 《国家学生体质健康标准（2014年修订）》, 教育部, 教体艺〔2014〕5号 (2014-07-07).
Every number used here (item tables, BMI bands, weights, 附加分 tables, caps, level cut-offs) is read
at run time from the copies of the official tables in ``tisheng/core/data/`` (README.md §1 there);
none is retyped into this file.

How a school year is scored (``nsphs2014_rules.json``):

* item score (单项得分) = the highest table row whose threshold the result reaches
  (``result >= threshold`` for higher-better items, ``result <= threshold`` for times);
  a result worse than the 10-point row scores 0.
* BMI = kg / m², rounded half up to 0.1, looked up in the bands 正常 100 / 低体重 80 / 超重 80 / 肥胖 60.
* 标准分 = Σ item score × weight % (BMI included), at most 100.
* 附加分 = points for results beyond the 100-point row (一分钟跳绳 in grades 1–6; 引体向上 and 1000 m
  for boys, 一分钟仰卧起坐 and 800 m for girls in grades 7–9), at most 20.
* 学年总分 = 标准分 + 附加分, at most 120; the level (优秀/良好/及格/不及格) is read from 学年总分.
* 毕业成绩 = 毕业当年学年总分 × 50 % + 其他学年学年总分平均 × 50 % (:func:`graduation_score`).

Public API
----------
``load_tables()``            the tables, loaded and checked once into an immutable :class:`Nsphs2014Tables`.
``score_students(frame)``    vectorised scorer over a Polars frame, one row per student-year.
``score_one(record)``        the same rules as plain per-student loops (reference and cross-check).
``graduation_score(frame)``  毕业成绩 from a frame of (student, grade, 学年总分).
``level_for(total)``         the level of a 学年总分 or 毕业成绩.

Decisions where the standard (as far as we hold its text) is silent:

1. Rounding. BMI is rounded half up to one decimal before the band lookup (rules.json: common
   practice). 标准分 = Σ score × weight% can have two decimals (95 × 15 % = 14.25); it is rounded
   half up to one decimal because the level limits are stated to one decimal (80.0–89.9) and would
   otherwise leave gaps. 毕业成绩 is rounded the same way (worked example EX5: 85.875 → 85.9).
   This arithmetic is done in integer tenths, so there is no float drift.
2. Raw results are compared with the thresholds as they are, without rounding them first. For times
   this equals the test manual's "round up to the next 0.1 s" practice and for counts and whole
   centimetres it equals "drop the decimals", because every threshold lies on that grid.
   ``FLOAT_GUARD`` absorbs binary-float noise (10.2 arriving as 10.200000000000001).
3. A student with a required input missing (null/NaN) or impossible (time, height or weight ≤ 0;
   a negative count, volume or jump) still gets scores for the items that were measured, but no
   标准分, 附加分, 学年总分 or level: ``status`` is ``"incomplete"`` (only missing values) or
   ``"invalid"``, and ``reason`` names the columns. A row whose (grade, sex) has no table — grade
   outside 1–9, sex other than ``"M"``/``"F"`` — is ``"invalid"``. Exemption (免予执行) is not modelled.
4. Results for items that do not apply to the student's grade and sex are ignored.
5. 毕业成绩: the graduating year is the student's highest grade; the other years are the other
   grades of the same school stage (1–6 or 7–9), as nsphs2014_rules.json interprets the rule. No
   score when a year's total is missing or there is no other year.
"""

from __future__ import annotations

import bisect
import csv
import functools
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polars as pl

DATA_DIR = Path(__file__).parent / "data"

# Binary floats cannot hold 10.2 exactly; a result within FLOAT_GUARD of a threshold reaches it, and a
# BMI of x.x5 rounds up even when stored as x.x4999…. The tables' finest step is 0.1, so 1e-9 can
# never move a genuine result across a row.
FLOAT_GUARD = 1e-9

GRADE, SEX, HEIGHT, WEIGHT = "grade", "sex", "height_cm", "weight_kg"

# The one item whose result may be negative (fingertips short of the toes; rules.json "units").
_MAY_BE_NEGATIVE = frozenset({"sit_and_reach"})

# ``status`` of a scored row; see decision 3 in the module docstring.
STATUSES = ("ok", "incomplete", "invalid")

# Why a required input cannot be scored; the vectorised scorer uses the position + 1 as a code.
PROBLEMS = ("missing", "must be > 0", "must be >= 0")

# Grades 1–6 are primary school, 7–9 junior secondary; 毕业成绩 is computed within one stage.
_LAST_PRIMARY_GRADE = 6


# ==================================================================================================
# The tables, loaded once
# ==================================================================================================


@dataclass(frozen=True)
class ItemRule:
    """One item as scored for one grade and sex.

    ``rows``: the (score, threshold) rows of the official table, best first. Blank cells (pull-ups)
    are left out; the lookup rule skips them anyway. ``bonus_rows``: (附加分 points, amount required
    beyond the 100-point threshold), most points first; empty when the item earns no 附加分 here.
    """

    key: str
    weight_pct: int
    higher_better: bool
    rows: tuple[tuple[int, float], ...]
    bonus_rows: tuple[tuple[int, float], ...]

    @property
    def threshold_100(self) -> float:
        """The 100-point threshold; 附加分 counts from here."""
        return self.rows[0][1]

    @property
    def must_be_positive(self) -> bool:
        """Lower-better items are times, and a time must be > 0."""
        return not self.higher_better


@dataclass(frozen=True)
class BmiBand:
    """A BMI band; limits inclusive, in integer tenths of kg/m²; None = open end."""

    band_zh: str
    band_en: str
    score: int
    min_tenths: int | None
    max_tenths: int | None


@dataclass(frozen=True)
class Level:
    """A level of 学年总分 or 毕业成绩; ``min_tenths`` None = no lower limit (不及格)."""

    level_zh: str
    level_en: str
    min_tenths: int | None


@dataclass(frozen=True)
class GroupRules:
    """Everything needed to score one grade and sex. ``items`` excludes BMI, which is separate."""

    grade: int
    sex: str
    bmi_weight_pct: int
    bmi_bands: tuple[BmiBand, ...]
    items: tuple[ItemRule, ...]

    def required_columns(self) -> tuple[str, ...]:
        """Input columns a student of this group must have; BMI needs height and weight."""
        return (HEIGHT, WEIGHT, *(rule.key for rule in self.items))

    @functools.cached_property
    def positive_columns(self) -> frozenset[str]:
        """Inputs that must be > 0: height, weight and the times."""
        return frozenset((HEIGHT, WEIGHT, *(rule.key for rule in self.items if rule.must_be_positive)))


@dataclass(frozen=True)
class Nsphs2014Tables:
    """The 2014 standard as loaded from ``tisheng/core/data``.

    ``groups`` maps ``(grade, sex)`` to :class:`GroupRules`; ``levels`` are best first; caps are in
    points (标准分 ≤ ``standard_max``, 附加分 ≤ ``bonus_max``, 学年总分 ≤ ``total_max``).
    """

    item_keys: tuple[str, ...]
    bonus_item_keys: tuple[str, ...]
    groups: Mapping[tuple[int, str], GroupRules]
    levels: tuple[Level, ...]
    standard_max: int
    bonus_max: int
    total_max: int

    @functools.cached_property
    def output_schema(self) -> Mapping[str, pl.DataType]:
        """The columns :func:`score_students` adds (and :func:`score_one` returns), in order, typed.

        Bands, levels and status are ``pl.Enum`` columns (fixed categories, cheap to compute and
        sort); ``score_one`` returns the same values as plain strings.
        """

        def enum(values: Iterable[str]) -> pl.Enum:
            return pl.Enum(list(dict.fromkeys(values)))  # unique, in order

        bands = [band for group in self.groups.values() for band in group.bmi_bands]
        schema: dict[str, pl.DataType] = {f"{key}_score": pl.Int16() for key in self.item_keys}
        schema |= {
            "bmi": pl.Float64(),
            "bmi_band": enum(b.band_zh for b in bands),  # 正常/低体重/超重/肥胖
            "bmi_band_en": enum(b.band_en for b in bands),
            "bmi_score": pl.Int16(),
        }
        schema |= {f"{key}_bonus": pl.Int16() for key in self.bonus_item_keys}
        schema |= {
            "standard_score": pl.Float64(),  # 标准分
            "bonus": pl.Int16(),  # 附加分
            "total": pl.Float64(),  # 学年总分
            "level": enum(level.level_zh for level in self.levels),  # 优秀/良好/及格/不及格
            "level_en": enum(level.level_en for level in self.levels),  # excellent/good/pass/fail
            "status": enum(STATUSES),
            "reason": pl.String(),
        }
        return MappingProxyType(schema)

    @property
    def input_columns(self) -> tuple[str, ...]:
        """Every input column a student may need: height, weight and the items."""
        return (HEIGHT, WEIGHT, *self.item_keys)

    @functools.cached_property
    def positive_columns(self) -> frozenset[str]:
        """Inputs that must be > 0 (height, weight, times); the same in every grade and sex."""
        return frozenset(column for group in self.groups.values() for column in group.positive_columns)

    @functools.cached_property
    def row_stages(self) -> tuple[tuple[pl.Expr, ...], ...]:
        """The Polars expressions :func:`score_students` applies, built once."""
        return _row_stages(self)


def _tenths(value: float) -> int:
    """A one-decimal number from the tables as an exact count of tenths."""
    return round(value * 10)


def _grade_span(text: str) -> range:
    """'1-2' -> grades 1 and 2; '7' -> grade 7."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def _cap_from(sentence: str, pattern: str, what: str) -> int:
    """Read a cap ('maximum 120') out of a rules.json sentence; fail loudly if the wording changed."""
    match = re.search(pattern, sentence, flags=re.IGNORECASE)
    if match is None:
        raise ValueError(f"nsphs2014_rules.json: cannot find the {what} cap in {sentence!r}")
    return int(match.group(1))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_item(grade: int, sex: str, rule: ItemRule) -> None:
    """A table must have a 100-point row and get strictly harder towards 100 (catches CSV typos)."""
    if not rule.rows or rule.rows[0][0] != 100:
        raise ValueError(f"{rule.key} grade {grade} {sex}: no 100-point row")
    for (_, better), (_, worse) in zip(rule.rows, rule.rows[1:]):
        if (better <= worse) if rule.higher_better else (better >= worse):
            raise ValueError(f"{rule.key} grade {grade} {sex}: thresholds not monotone at {better}/{worse}")


def _check_bmi_bands(grade: int, sex: str, bands: Sequence[BmiBand]) -> None:
    """The bands must tile the BMI line in 0.1 steps, so every rounded BMI is in exactly one band."""
    ordered = sorted(bands, key=lambda b: -math.inf if b.min_tenths is None else b.min_tenths)
    if ordered[0].min_tenths is not None or ordered[-1].max_tenths is not None:
        raise ValueError(f"BMI grade {grade} {sex}: bands do not cover the whole line")
    for low, high in zip(ordered, ordered[1:]):
        if low.max_tenths is None or high.min_tenths != low.max_tenths + 1:
            raise ValueError(f"BMI grade {grade} {sex}: gap or overlap between {low.band_en} and {high.band_en}")


def _load_levels(year_total: dict) -> tuple[Level, ...]:
    """Levels best first; each level's max must be 0.1 below the next one's min (89.9 / 90.0)."""
    raw = sorted(year_total["levels"], key=lambda lv: -math.inf if lv["min"] is None else lv["min"], reverse=True)
    for better, worse in zip(raw, raw[1:]):
        if better["min"] is None or worse["max"] is None or _tenths(worse["max"]) + 1 != _tenths(better["min"]):
            raise ValueError(f"level limits of {worse['level_zh']} and {better['level_zh']} leave a gap")
    return tuple(
        Level(lv["level_zh"], lv["level_en"], None if lv["min"] is None else _tenths(lv["min"])) for lv in raw
    )


@functools.cache
def load_tables(data_dir: Path = DATA_DIR) -> Nsphs2014Tables:
    """Load and cross-check the 2014 tables (教体艺〔2014〕5号) from ``data_dir``; cached.

    Reads ``nsphs2014_score_tables.csv``, ``nsphs2014_bmi.csv``, ``nsphs2014_items_weights.csv``,
    ``nsphs2014_bonus.csv`` and ``nsphs2014_rules.json``. Raises ``ValueError`` when they contradict
    each other or themselves (weights not adding to 100, lookup direction differing between the CSV
    and the JSON, a non-monotone table, BMI bands or level limits with gaps).
    """
    rules = json.loads((data_dir / "nsphs2014_rules.json").read_text(encoding="utf-8"))
    lookup = rules["item_score_lookup"]
    higher_better = dict.fromkeys(lookup["higher_better_items"], True) | dict.fromkeys(
        lookup["lower_better_items"], False
    )

    # (item, grade, sex) -> [(score, threshold)]; blank cells dropped.
    item_rows: dict[tuple[str, int, str], list[tuple[int, float]]] = {}
    item_keys: list[str] = []
    for row in _read_csv(data_dir / "nsphs2014_score_tables.csv"):
        key = row["item_key"]
        if key not in item_keys:
            item_keys.append(key)
        if (row["direction"] == "higher_better") != higher_better[key]:
            raise ValueError(f"{key}: lookup direction differs between the score table and rules.json")
        rows = item_rows.setdefault((key, int(row["grade"]), row["sex"]), [])
        if row["threshold"]:
            rows.append((int(row["score"]), float(row["threshold"])))

    bmi_bands: dict[tuple[int, str], list[BmiBand]] = {}
    for row in _read_csv(data_dir / "nsphs2014_bmi.csv"):
        bmi_bands.setdefault((int(row["grade"]), row["sex"]), []).append(
            BmiBand(
                band_zh=row["band_zh"],
                band_en=row["band_en"],
                score=int(row["score"]),
                min_tenths=_tenths(float(row["bmi_min"])) if row["bmi_min"] else None,
                max_tenths=_tenths(float(row["bmi_max"])) if row["bmi_max"] else None,
            )
        )

    # (item, grade, sex) -> [(points, required beyond the 100-point threshold)]
    bonus_rows: dict[tuple[str, int, str], list[tuple[int, float]]] = {}
    for row in _read_csv(data_dir / "nsphs2014_bonus.csv"):
        for grade in _grade_span(row["grades"]):
            bonus_rows.setdefault((row["item_key"], grade, row["sex"]), []).append(
                (int(row["bonus_points"]), float(row["required_beyond_100pt"]))
            )

    # (grade, sex) -> [(item or "bmi", weight %)], in the file's order.
    weights: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for row in _read_csv(data_dir / "nsphs2014_items_weights.csv"):
        for grade in _grade_span(row["grades"]):
            weights.setdefault((grade, row["sex"]), []).append((row["item_key"], int(row["weight_pct"])))

    groups: dict[tuple[int, str], GroupRules] = {}
    for (grade, sex), weighted in weights.items():
        if sum(weight for _, weight in weighted) != 100:
            raise ValueError(f"weights of grade {grade} {sex} do not add up to 100")
        items = []
        for key, weight in weighted:
            if key == "bmi":
                continue
            rule = ItemRule(
                key=key,
                weight_pct=weight,
                higher_better=higher_better[key],
                rows=tuple(sorted(item_rows[(key, grade, sex)], reverse=True)),
                bonus_rows=tuple(sorted(bonus_rows.get((key, grade, sex), []), reverse=True)),
            )
            _check_item(grade, sex, rule)
            items.append(rule)
        _check_bmi_bands(grade, sex, bmi_bands[(grade, sex)])
        groups[(grade, sex)] = GroupRules(
            grade=grade,
            sex=sex,
            bmi_weight_pct=dict(weighted)["bmi"],
            bmi_bands=tuple(bmi_bands[(grade, sex)]),
            items=tuple(items),
        )

    scored_with_bonus = {(rule.key, g.grade, g.sex) for g in groups.values() for rule in g.items if rule.bonus_rows}
    if scored_with_bonus != set(bonus_rows):
        raise ValueError(f"附加分 tables for items not tested: {sorted(set(bonus_rows) - scored_with_bonus)}")

    return Nsphs2014Tables(
        item_keys=tuple(item_keys),
        bonus_item_keys=tuple(key for key in item_keys if any(k[0] == key for k in bonus_rows)),
        groups=MappingProxyType(groups),
        levels=_load_levels(rules["year_total"]),
        standard_max=_cap_from(rules["standard_score"]["formula"], r"maximum\s+(\d+)", "标准分"),
        bonus_max=_cap_from(rules["bonus"]["rule"], r"maximum\s+附加分\s*=\s*(\d+)", "附加分"),
        total_max=_cap_from(rules["year_total"]["formula"], r"maximum\s+(\d+)", "学年总分"),
    )


# ==================================================================================================
# Rules shared by both scorers. These helpers work on plain floats and on Polars expressions alike,
# so the vectorised scorer and the reference loop do the same float arithmetic, step for step.
# ==================================================================================================


def _reaches(result, threshold: float, higher_better: bool):
    """Whether ``result`` reaches ``threshold``: ≥ for higher-better, ≤ for times (within FLOAT_GUARD)."""
    if higher_better:
        return result + FLOAT_GUARD >= threshold
    return result - FLOAT_GUARD <= threshold


def _beyond_100(result, rule: ItemRule):
    """How far past the 100-point threshold a result is: extra jumps/reps, or seconds faster."""
    return result - rule.threshold_100 if rule.higher_better else rule.threshold_100 - result


def _bmi(height_cm, weight_kg):
    """BMI = kg / m², unrounded, as kg·10000 / cm²: no division of a Polars column by a constant."""
    return weight_kg * 10000 / (height_cm * height_cm)


def _round_half_up_tenths(points_hundredths):
    """Hundredths of a point (an int) -> tenths, rounded half up (87.25 -> 87.3)."""
    return (points_hundredths + 5) // 10


def _level_of_tenths(total_tenths: int, tables: Nsphs2014Tables) -> Level:
    """The level whose range holds a total given in tenths; levels are best first."""
    for level in tables.levels:
        if level.min_tenths is None or total_tenths >= level.min_tenths:
            return level
    raise ValueError("nsphs2014_rules.json: the lowest level must have no lower limit")


def level_for(total: float, tables: Nsphs2014Tables | None = None) -> Level:
    """The level (优秀/良好/及格/不及格) of a 学年总分 or 毕业成绩, cut-offs from nsphs2014_rules.json.

    The total is taken to one decimal (rounded half up), like the limits 80.0–89.9.
    """
    tables = tables or load_tables()
    return _level_of_tenths(math.floor(total * 10 + 0.5 + FLOAT_GUARD), tables)


def _no_table_reason(grade, sex) -> str:
    return f"no 2014 table for grade={grade!r}, sex={sex!r}"


# ==================================================================================================
# Reference scorer: one student, plain loops
# ==================================================================================================


def _problem(group: GroupRules, column: str, value) -> str | None:
    """Why a required input cannot be scored ("missing", "must be > 0", "must be >= 0"), or None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if column in group.positive_columns and value <= 0:
        return "must be > 0"
    if column not in _MAY_BE_NEGATIVE and value < 0:
        return "must be >= 0"
    return None


def score_one(record: Mapping[str, object], tables: Nsphs2014Tables | None = None) -> dict[str, object]:
    """Score one student-year with plain loops; the reference for :func:`score_students`.

    ``record`` holds ``grade``, ``sex``, ``height_cm``, ``weight_kg`` and item results under the item
    keys (absent keys count as not measured). Returns a dict with exactly the columns of
    ``tables.output_schema``. Same rules and decisions as the module docstring; simple, not fast.
    """
    tables = tables or load_tables()
    out: dict[str, object] = dict.fromkeys(tables.output_schema)
    group = tables.groups.get((record.get(GRADE), record.get(SEX)))
    if group is None:
        out["status"] = "invalid"
        out["reason"] = _no_table_reason(record.get(GRADE), record.get(SEX))
        return out

    problems = {}
    for column in group.required_columns():
        problem = _problem(group, column, record.get(column))
        if problem is not None:
            problems[column] = problem

    points = 0  # Σ score × weight%, i.e. 标准分 in hundredths of a point
    if HEIGHT not in problems and WEIGHT not in problems:
        bmi_tenths = math.floor(_bmi(record[HEIGHT], record[WEIGHT]) * 10 + 0.5 + FLOAT_GUARD)  # half up
        out["bmi"] = bmi_tenths / 10
        for band in group.bmi_bands:
            if (band.min_tenths is None or bmi_tenths >= band.min_tenths) and (
                band.max_tenths is None or bmi_tenths <= band.max_tenths
            ):
                out["bmi_band"], out["bmi_band_en"], out["bmi_score"] = band.band_zh, band.band_en, band.score
                points += band.score * group.bmi_weight_pct

    bonus = 0
    for rule in group.items:
        if rule.key in problems:
            continue
        result = record[rule.key]
        score = 0  # worse than the 10-point row
        for row_score, threshold in rule.rows:  # best row first
            if _reaches(result, threshold, rule.higher_better):
                score = row_score
                break
        out[f"{rule.key}_score"] = score
        points += score * rule.weight_pct
        if rule.bonus_rows:
            item_bonus = 0
            beyond = _beyond_100(result, rule)
            for row_points, required in rule.bonus_rows:  # most points first
                if _reaches(beyond, required, True):
                    item_bonus = row_points
                    break
            out[f"{rule.key}_bonus"] = item_bonus
            bonus += item_bonus

    if problems:
        out["status"] = "incomplete" if set(problems.values()) == {"missing"} else "invalid"
        in_column_order = [c for c in (HEIGHT, WEIGHT, *tables.item_keys) if c in problems]
        out["reason"] = "; ".join(f"{column} {problems[column]}" for column in in_column_order)
        return out

    standard_tenths = min(_round_half_up_tenths(points), tables.standard_max * 10)
    bonus = min(bonus, tables.bonus_max)
    total_tenths = min(standard_tenths + bonus * 10, tables.total_max * 10)
    level = _level_of_tenths(total_tenths, tables)
    out.update(
        standard_score=standard_tenths / 10,
        bonus=bonus,
        total=total_tenths / 10,
        level=level.level_zh,
        level_en=level.level_en,
        status="ok",
    )
    return out


# ==================================================================================================
# Vectorised scorer
# ==================================================================================================

# Helper columns start with "__" and never reach the output.
_CELL = "__cell"
_BMI_TENTHS = "__bmi_tenths"
_OK = "__ok"


def _code(column: str) -> str:
    """Name of the helper column holding the problem code of an input column."""
    return f"__problem_{column}"


def _fine(name: str) -> str:
    """Name of the helper column saying whether an input (or a slot's result) is usable or not needed."""
    return f"__fine_{name}"


def _at(name: str) -> str:
    """Name of the helper column holding each row's position in the lookup tables of ``name``."""
    return f"__at_{name}"


def _points(name: str) -> str:
    """Name of the helper column holding score × weight % of an item (or "bmi")."""
    return f"__points_{name}"


def _first_match(cases: Sequence[tuple[pl.Expr, object]], default: object = None) -> pl.Expr:
    """``when(c1).then(v1).when(c2).then(v2)…otherwise(default)``: the value of the first true case."""
    (condition, value), *rest = cases
    expr = pl.when(condition).then(value)
    for condition, value in rest:
        expr = expr.when(condition).then(value)
    return expr.otherwise(default)


@dataclass(frozen=True)
class _Steps:
    """Step tables that differ by cell (grade × sex), looked up for all rows at once, in row order.

    ``thresholds``: the thresholds of every cell's table, merged, sorted and distinct. For each row,
    ``found`` = how many of them are ≤ the row's key. Each cell's own thresholds are among them, so
    which of its thresholds a key reaches depends only on (cell, found). The answer for every pair
    is worked out here, once, into a flat table that a row reads at ``cell × (len(thresholds) + 1) +
    found``. Exact: the key is compared with the thresholds as they are (nothing is added to either).
    """

    thresholds: tuple[float, ...]
    n_cells: int

    @functools.cached_property
    def _buckets(self) -> tuple[float, float, pl.Series, pl.Series]:
        """(start, 1 / width, below, candidate) of the buckets :meth:`stages` cuts the key line into.

        Width = a quarter of the smallest gap between thresholds. The bucket of a key is computed in
        floats and may be one off at an edge, never more, so a key lies in the window of its bucket and
        both neighbours. That window (¾ of the smallest gap; open-ended at the first and last bucket)
        holds at most one threshold, its ``candidate`` (+∞ if none; only the last window can hold a
        key of +∞, and it always holds a threshold); ``below`` counts the thresholds under the window,
        all of which the key reaches; none above the window is reached.
        """
        thresholds = self.thresholds
        gaps = [high - low for low, high in zip(thresholds, thresholds[1:])]
        width = min(gaps, default=1.0) / 4
        start = thresholds[0] - width
        # The last window must hold the highest threshold (+∞ as a key reaches it, but never the +∞
        # that stands for "no candidate"): it starts at ``start + (count - 2) × width``.
        last_start = math.floor((thresholds[-1] - start) / width)
        if start + last_start * width > thresholds[-1]:  # rounded up
            last_start -= 1
        count = last_start + 2
        below, candidate = [], []
        for bucket in range(count):
            low = -math.inf if bucket == 0 else start + (bucket - 1) * width
            high = math.inf if bucket == count - 1 else start + (bucket + 2) * width
            first, end = bisect.bisect_left(thresholds, low), bisect.bisect_left(thresholds, high)
            if end - first > 1:  # cannot happen: 3 widths < the smallest gap
                raise ValueError(f"bucket window [{low}, {high}) holds {thresholds[first:end]}")
            below.append(first)
            candidate.append(thresholds[first] if end > first else math.inf)
        return start, 1 / width, pl.Series(below, dtype=pl.UInt32), pl.Series(candidate, dtype=pl.Float64)

    def stages(self, name: str, key: pl.Expr, usable: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """Three successive stages that leave each row's position in the flat tables in ``_at(name)``.

        The position is ``cell × (len(thresholds) + 1) + found``; rows that are not ``usable`` read
        an extra cell after the real ones instead (see :meth:`table`). ``found`` is how many thresholds
        are ≤ the key (a null key counts as below them all): the key's bucket gives the count below its
        window, and one exact comparison with the window's candidate adds the rest. The same count as
        ``search_sorted(key, side="right")``, in a few arithmetic passes instead of a binary search
        per row, which takes about three times as long. Key and bucket are columns of their own, so no
        stage computes them twice.
        """
        start, per_width, below, candidate = self._buckets
        key_column, bucket = f"__key_{name}", f"__bucket_{name}"
        reaches_candidate = pl.col(key_column) >= pl.lit(candidate).gather(pl.col(bucket))
        found = pl.lit(below).gather(pl.col(bucket)) + reaches_candidate.cast(pl.UInt32)
        return (
            key.fill_null(-math.inf).alias(key_column),
            # clipped to >= 0 first, the cast to an integer rounds down
            ((pl.col(key_column) - start) * per_width).clip(0, below.len() - 1).cast(pl.UInt32).alias(bucket),
            (pl.when(usable).then(pl.col(_CELL)).otherwise(self.n_cells) * (len(self.thresholds) + 1) + found)
            .alias(_at(name)),
        )

    def table(
        self, value_at: Callable[[int, float | None], object], dtype: pl.DataType, unusable: object = None
    ) -> pl.Series:
        """The flat table of ``value_at(cell, reached)``, ``reached`` being the greatest threshold at or
        below the key (None: below them all), then ``unusable`` for the extra cell read by rows whose
        result is unusable (this spares a mask per output column)."""
        positions = range(len(self.thresholds) + 1)
        values = [
            value_at(cell, self.thresholds[found - 1] if found else None)
            for cell in range(self.n_cells)
            for found in positions
        ]
        return pl.Series([*values, *(unusable for _ in positions)], dtype=dtype)


def _best_score(rows: Sequence[tuple[int, float]], sign: int, reached: float | None) -> int:
    """The highest score of the ``rows`` whose ``sign × threshold`` is reached; 0 when none is."""
    if reached is None:
        return 0
    return max((score for score, threshold in rows if sign * threshold <= reached), default=0)


def _band_at(bands: Sequence[BmiBand], tenths: int) -> BmiBand:
    """The BMI band holding a BMI of ``tenths`` tenths (as score_one picks it)."""
    return next(
        band
        for band in bands
        if (band.min_tenths is None or tenths >= band.min_tenths)
        and (band.max_tenths is None or tenths <= band.max_tenths)
    )


def _level_exprs(
    total_tenths: pl.Expr, levels: Sequence[Level], schema: Mapping[str, pl.DataType]
) -> tuple[pl.Expr, pl.Expr]:
    """(level, level_en) of a total in tenths; levels best first."""
    reached = [pl.lit(True) if lv.min_tenths is None else total_tenths >= lv.min_tenths for lv in levels]
    return (
        _first_match([(r, pl.lit(lv.level_zh, dtype=schema["level"])) for r, lv in zip(reached, levels)]),
        _first_match([(r, pl.lit(lv.level_en, dtype=schema["level_en"])) for r, lv in zip(reached, levels)]),
    )


def _from_tenths(tenths: pl.Expr) -> pl.Expr:
    """Integer tenths -> float, exactly as Python's ``tenths / 10``.

    Polars divides a column by a constant as a multiplication by its reciprocal, which gives
    12.100000000000001 for 121 / 10; rounding to one decimal restores the nearest double, 12.1.
    """
    return (tenths / 10).round(1)


def score_students(frame: pl.DataFrame, tables: Nsphs2014Tables | None = None) -> pl.DataFrame:
    """Score every student-year in ``frame`` by the 2014 standard (教体艺〔2014〕5号).

    Input columns: ``grade`` (1–9), ``sex`` (``"M"``/``"F"``), ``height_cm``, ``weight_kg`` and one
    column per item key — ``vital_capacity`` (ml), ``run_50m`` (s), ``sit_and_reach`` (cm),
    ``rope_skip_1min``, ``sit_up_1min``, ``shuttle_50x8`` (s), ``standing_long_jump`` (cm),
    ``pull_up``, ``run_1000m`` (s), ``run_800m`` (s) — null where not tested; an absent item column
    counts as all null. Other columns pass through; output columns already present are replaced;
    row order is kept.

    Adds the columns of ``tables.output_schema``: ``<item>_score`` (null for items not of the
    student's grade and sex), ``bmi`` (0.1), ``bmi_band``, ``bmi_band_en``, ``bmi_score``,
    ``<item>_bonus``, ``standard_score`` (标准分 = Σ score × weight% ≤ 100), ``bonus``
    (附加分 ≤ 20), ``total`` (学年总分 = 标准分 + 附加分 ≤ 120), ``level``, ``level_en``,
    ``status`` (``ok``/``incomplete``/``invalid``) and ``reason``.

    Vectorised and in row order: each row's (grade, sex) becomes a cell number; items that no cell
    tests together share a slot (:func:`_slots`), and each slot's lookup is one bucketed search over
    all rows followed by a read from a table precomputed per cell (:class:`_Steps`; the expressions
    are built once, ``Nsphs2014Tables.row_stages``). No per-student Python, no grouping by grade and
    sex, no re-sorting. Status and reason of rows that are not "ok" are worked out on those rows.
    """
    tables = tables or load_tables()
    schema = tables.output_schema
    query = _prepare(frame, tables).lazy()
    for stage in tables.row_stages:
        query = query.with_columns(stage)
    # The default (streaming) engine is slower on this wide query.
    scored = query.collect(engine="in-memory")

    # Status and reason of the rows that are not "ok", worked out on those rows alone: building the
    # reason strings is the slowest step here.
    not_ok = scored["status"].is_null().arg_true()
    why = _not_ok(scored.select(GRADE, SEX, _CELL, *tables.input_columns)[not_ok], tables)
    status = scored["status"].scatter(not_ok, why["status"])
    reason = pl.repeat(None, scored.height, dtype=pl.String, eager=True).scatter(not_ok, why["reason"])
    scores = scored.select(
        *(pl.col(c).cast(t) for c, t in schema.items() if c not in ("status", "reason")),
        status.alias("status"),
        reason.alias("reason"),
    )
    return pl.concat([frame.drop([c for c in schema if c in frame.columns]), scores], how="horizontal")


def _not_ok(rows: pl.DataFrame, tables: Nsphs2014Tables) -> pl.DataFrame:
    """``status`` and ``reason`` of rows that are not "ok", as score_one gives them: "incomplete" when
    required values are only missing, else "invalid"; the reason names the problem of every unusable
    input in column order ("run_50m missing; height_cm must be > 0"), or why the row has no table.

    Both depend only on the grade, the sex and the problem code of each input, so they are written
    once per distinct combination (the codes packed two bits each into one integer) and joined back.
    """
    columns = tables.input_columns
    packed = functools.reduce(
        operator.add, (pl.col(_code(c)).fill_null(0).cast(pl.UInt32) * 4**i for i, c in enumerate(columns))
    )
    codes = rows.select(GRADE, SEX, _CELL, *_column_problems(tables))
    keys = codes.select(GRADE, SEX, _CELL, packed.alias("__problems"))

    def status_and_reason(grade: object, sex: object, cell: int | None, problems: int) -> tuple[str, str]:
        if cell is None:
            return "invalid", _no_table_reason(grade, sex)
        named = [(c, PROBLEMS[code - 1]) for i, c in enumerate(columns) if (code := problems >> 2 * i & 3)]
        status = "incomplete" if all(problem == "missing" for _, problem in named) else "invalid"
        return status, "; ".join(f"{column} {problem}" for column, problem in named)

    distinct = keys.unique()
    written = [status_and_reason(*row) for row in distinct.iter_rows()]
    distinct = distinct.with_columns(
        pl.Series("status", [status for status, _ in written], dtype=tables.output_schema["status"]),
        pl.Series("reason", [reason for _, reason in written], dtype=pl.String),
    )
    on = [GRADE, SEX, "__problems"]
    joined = keys.join(distinct.drop(_CELL), on=on, how="left", nulls_equal=True, maintain_order="left")
    return joined.select("status", "reason")


def _prepare(frame: pl.DataFrame, tables: Nsphs2014Tables) -> pl.DataFrame:
    """The columns scoring needs, typed; NaN becomes null; absent item columns become null."""
    absent = [c for c in (GRADE, SEX, HEIGHT, WEIGHT) if c not in frame.columns]
    if absent:
        raise ValueError(f"score_students: the frame lacks column(s) {absent}")
    return frame.select(
        pl.col(GRADE).cast(pl.Int64),
        pl.col(SEX).cast(pl.String),
        *(
            (pl.col(c).cast(pl.Float64) if c in frame.columns else pl.lit(None, dtype=pl.Float64))
            .fill_nan(None)
            .alias(c)
            for c in tables.input_columns
        ),
    )


def _usable(column: str, value: pl.Expr, tables: Nsphs2014Tables) -> pl.Expr:
    """Whether ``value`` is usable as ``column`` (null when it is missing): :func:`_problem_code` is 0."""
    if column in tables.positive_columns:
        return value > 0
    if column in _MAY_BE_NEGATIVE:
        return value.is_not_null()
    return value >= 0


def _problem_code(column: str, value: pl.Expr, tables: Nsphs2014Tables) -> pl.Expr:
    """0 when ``value`` is usable as ``column``, else 1 + the index in PROBLEMS of why not (the same
    checks in the same order as score_one's _problem)."""
    cases = [(value.is_null(), 1 + PROBLEMS.index("missing"))]
    if column in tables.positive_columns:
        cases.append((value <= 0, 1 + PROBLEMS.index("must be > 0")))
    if column not in _MAY_BE_NEGATIVE:
        cases.append((value < 0, 1 + PROBLEMS.index("must be >= 0")))
    return _first_match(cases, default=0)


@dataclass(frozen=True)
class _Cells:
    """The (grade, sex) cells of the tables: cell = (grade - first grade) × number of sexes + sex."""

    groups: tuple[GroupRules | None, ...]  # None where the (grade, sex) has no table
    grades: range
    sexes: tuple[str, ...]

    @classmethod
    def of(cls, tables: Nsphs2014Tables) -> _Cells:
        grades = range(min(g for g, _ in tables.groups), max(g for g, _ in tables.groups) + 1)
        sexes = tuple(sorted({s for _, s in tables.groups}))
        return cls(tuple(tables.groups.get((g, s)) for g in grades for s in sexes), grades, sexes)

    def of_row(self) -> pl.Expr:
        """Each row's cell, null when its grade and sex have no table."""
        ids = pl.Series([i if group else None for i, group in enumerate(self.groups)], dtype=pl.UInt32)
        sex = _first_match([(pl.col(SEX) == s, i) for i, s in enumerate(self.sexes)])
        on_grid = pl.col(GRADE).is_between(self.grades.start, self.grades.stop - 1)
        return pl.lit(ids).gather(pl.when(on_grid).then((pl.col(GRADE) - self.grades.start) * len(self.sexes) + sex))

    def per_row(self, value_of: Callable[[GroupRules], object], dtype: pl.DataType) -> pl.Expr:
        """``value_of(group)`` for each row's cell (null where the row has no table)."""
        values = [None if group is None else value_of(group) for group in self.groups]
        return pl.lit(pl.Series(values, dtype=dtype)).gather(pl.col(_CELL))

    def rule(self, i: int, key: str) -> ItemRule | None:
        """The rule of item ``key`` in cell ``i``; None where the cell does not test it."""
        group = self.groups[i]
        return next((rule for rule in group.items if rule.key == key), None) if group else None


def _slots(cells: _Cells, keys: Sequence[str], tables: Nsphs2014Tables, bonus: bool) -> list[tuple[str, ...]]:
    """Items grouped into slots that one lookup serves: no cell tests two items of a slot (for
    ``bonus``: gives 附加分 for two), and a slot's items share direction and input checks. So a row
    searches its slots (6, and 2 for 附加分), not every item (10 and 5): 一分钟跳绳 (grades 1–6)
    shares with 立定跳远 (7–9), 50米×8往返跑 with 1000 m and 800 m, and so on."""

    def tested(i: int, key: str) -> bool:
        rule = cells.rule(i, key)
        return rule is not None and (bool(rule.bonus_rows) or not bonus)

    def kind(key: str) -> tuple[bool, bool, bool]:
        rule = next(rule for i in range(len(cells.groups)) if (rule := cells.rule(i, key)))
        return rule.higher_better, key in tables.positive_columns, key in _MAY_BE_NEGATIVE

    slots: list[list[str]] = []
    for key in keys:
        fits = (
            slot
            for slot in slots
            if kind(slot[0]) == kind(key)
            and not any(tested(i, key) and tested(i, other) for other in slot for i in range(len(cells.groups)))
        )
        slot = next(fits, None)
        if slot is None:
            slots.append([key])
        else:
            slot.append(key)
    return [tuple(slot) for slot in slots]


def _row_stages(tables: Nsphs2014Tables) -> tuple[tuple[pl.Expr, ...], ...]:
    """The expressions :func:`score_students` applies to all rows, as successive ``with_columns`` stages.

    Each stage names its results and later stages refer to them by name: cell -> slot values (each
    row's result for each slot, see :func:`_slots`) -> usable or not, and lookup keys -> bucket ->
    position (:class:`_Steps`) -> item scores, 附加分 and BMI band -> sums -> 学年总分, level and
    status. Sums skip nothing: a row is only given a total when every required input was usable,
    so the helper columns summed hold 0 for items the cell does not test and any value (even null)
    for unusable inputs; horizontal sums over nulls would be many times slower.
    """
    schema = tables.output_schema
    cells = _Cells.of(tables)
    n_cells = len(cells.groups)
    cell = pl.col(_CELL)
    values, checks, keys, buckets, positions, lookups = [], [], [], [], [], []

    def find(name: str, steps: _Steps, key: pl.Expr) -> None:
        for stage, expr in zip((keys, buckets, positions), steps.stages(name, key, pl.col(_fine(name)))):
            stage.append(expr)

    def slot_value(name: str, slot: Sequence[str], tested: Callable[[GroupRules, str], bool]) -> pl.Expr:
        """Each row's result for the slot: the column of the slot's item its cell tests."""
        *others, last = slot
        cases = [(cells.per_row(lambda g, key=key: tested(g, key), pl.Boolean), pl.col(key)) for key in others]
        return (_first_match(cases, pl.col(last)) if cases else pl.col(last)).alias(f"__value_{name}")

    def direction(slot: Sequence[str]) -> bool:
        return next(rule for i in range(n_cells) if (rule := cells.rule(i, slot[0]))).higher_better

    # 1. Height and weight: usable or not, and BMI in tenths.
    values += [_usable(c, pl.col(c), tables).alias(_fine(c)) for c in (HEIGHT, WEIGHT)]
    bmi_usable = pl.col(_fine(HEIGHT)) & pl.col(_fine(WEIGHT)) & cell.is_not_null()
    bmi = _bmi(pl.col(HEIGHT), pl.col(WEIGHT))
    keys.append(pl.when(bmi_usable).then((bmi * 10 + 0.5 + FLOAT_GUARD).floor().cast(pl.Int64)).alias(_BMI_TENTHS))

    # 2. Item scores. Per slot: the result, whether it is usable (or not needed: the cell tests none
    #    of the slot's items), its position in the lookup tables; then each item's score (null unless
    #    the cell tests it and the input is usable) and score × weight % for the sum. Times are
    #    negated so that better is always larger: -t <= -v + g ⇔ v - g <= t, which is _reaches
    #    (negating a float is exact).
    item_slots = _slots(cells, tables.item_keys, tables, bonus=False)
    for number, slot in enumerate(item_slots):
        name = f"slot{number}"
        sign = 1 if direction(slot) else -1
        value = pl.col(f"__value_{name}")
        rule_of = [next((r for key in slot if (r := cells.rule(i, key))), None) for i in range(n_cells)]
        steps = _Steps(tuple(sorted({sign * t for rule in rule_of if rule for _, t in rule.rows})), n_cells)
        values.append(slot_value(name, slot, lambda g, key: any(r.key == key for r in g.items)))
        not_needed = cells.per_row(lambda g: not any(r.key in slot for r in g.items), pl.Boolean)
        checks.append((_usable(slot[0], value, tables) | not_needed).alias(_fine(name)))
        find(name, steps, (value if sign == 1 else -value) + FLOAT_GUARD)
        at = pl.col(_at(name))
        for key in slot:

            def score_at(i: int, reached: float | None, key: str = key) -> int | None:
                rule = cells.rule(i, key)
                return None if rule is None else _best_score(rule.rows, sign, reached)

            lookups.append(pl.lit(steps.table(score_at, schema[f"{key}_score"])).gather(at).alias(f"{key}_score"))

        def points_at(i: int, reached: float | None, rule_of=rule_of) -> int:
            rule = rule_of[i]
            return 0 if rule is None else rule.weight_pct * _best_score(rule.rows, sign, reached)

        lookups.append(pl.lit(steps.table(points_at, pl.Int64, unusable=0)).gather(at).alias(_points(name)))

    # 3. 附加分, the same way per 附加分 slot, looking up how far the result is past the cell's
    #    100-point threshold (computed as _beyond_100 does).
    bonus_slots = _slots(cells, tables.bonus_item_keys, tables, bonus=True)
    for number, slot in enumerate(bonus_slots):
        name = f"bonus_slot{number}"
        value = pl.col(f"__value_{name}")
        rule_of = [
            next((r for key in slot if (r := cells.rule(i, key)) and r.bonus_rows), None) for i in range(n_cells)
        ]
        threshold_100 = pl.lit(pl.Series([r and r.threshold_100 for r in rule_of], dtype=pl.Float64)).gather(cell)
        beyond = value - threshold_100 if direction(slot) else threshold_100 - value
        steps = _Steps(tuple(sorted({t for rule in rule_of if rule for _, t in rule.bonus_rows})), n_cells)
        values.append(slot_value(name, slot, lambda g, key: any(r.key == key and r.bonus_rows for r in g.items)))
        checks.append(_usable(slot[0], value, tables).alias(_fine(name)))
        find(name, steps, beyond + FLOAT_GUARD)
        at = pl.col(_at(name))
        for key in slot:

            def bonus_at(i: int, reached: float | None, key: str = key) -> int | None:
                rule = cells.rule(i, key)
                return None if rule is None or not rule.bonus_rows else _best_score(rule.bonus_rows, 1, reached)

            lookups.append(pl.lit(steps.table(bonus_at, schema[f"{key}_bonus"])).gather(at).alias(f"{key}_bonus"))

        def points_at(i: int, reached: float | None, rule_of=rule_of) -> int:
            rule = rule_of[i]
            return 0 if rule is None else _best_score(rule.bonus_rows, 1, reached)

        lookups.append(pl.lit(steps.table(points_at, pl.Int64, unusable=0)).gather(at).alias(_points(name)))

    # 4. BMI band (limits inclusive, in tenths), read from a table of every BMI in tenths from just
    #    below the lowest lower limit to the highest one, per cell; BMIs outside are clipped into it.
    bmi_tenths = pl.col(_BMI_TENTHS)
    lower_limits = [b.min_tenths for g in cells.groups if g for b in g.bmi_bands if b.min_tenths is not None]
    bmi_line = range(min(lower_limits) - 1, max(lower_limits) + 1)
    buckets.append(
        (cell * len(bmi_line) + bmi_tenths.clip(bmi_line.start, bmi_line.stop - 1) - bmi_line.start).alias(_at("bmi"))
    )

    def band_field(field: Callable[[BmiBand, GroupRules], object], dtype: pl.DataType) -> pl.Expr:
        table = [None if g is None else field(_band_at(g.bmi_bands, t), g) for g in cells.groups for t in bmi_line]
        return pl.lit(pl.Series(table, dtype=dtype)).gather(pl.col(_at("bmi")))

    positions += [
        _from_tenths(bmi_tenths).alias("bmi"),
        band_field(lambda band, _: band.band_zh, schema["bmi_band"]).alias("bmi_band"),
        band_field(lambda band, _: band.band_en, schema["bmi_band_en"]).alias("bmi_band_en"),
        band_field(lambda band, _: band.score, schema["bmi_score"]).alias("bmi_score"),
        band_field(lambda band, group: band.score * group.bmi_weight_pct, pl.Int64).alias(_points("bmi")),
    ]

    # 5. 标准分 in tenths from Σ score × weight % (hundredths of a point), 附加分, and whether every
    #    input the row needs is usable (false or null when not, or when the row has no table).
    item_names = [f"slot{n}" for n in range(len(item_slots))]
    points = functools.reduce(operator.add, (pl.col(_points(name)) for name in (*item_names, "bmi")))
    bonus = functools.reduce(operator.add, (pl.col(_points(f"bonus_slot{n}")) for n in range(len(bonus_slots))))
    sums = [
        _round_half_up_tenths(points).clip(upper_bound=tables.standard_max * 10).alias("__standard_tenths"),
        bonus.clip(upper_bound=tables.bonus_max).alias("__bonus"),
        functools.reduce(operator.and_, (pl.col(_fine(c)) for c in (HEIGHT, WEIGHT, *item_names)), cell.is_not_null())
        .alias(_OK),
    ]

    # 6. 学年总分 = 标准分 + 附加分 (capped) and its level (read from a table of every possible total),
    #    only when every required input was usable. The status of the other rows (and their reason)
    #    is worked out on those rows alone (_not_ok).
    ok = pl.col(_OK)
    total_tenths = (pl.col("__standard_tenths") + pl.col("__bonus") * 10).clip(upper_bound=tables.total_max * 10)
    levels = [_level_of_tenths(tenths, tables) for tenths in range(tables.total_max * 10 + 1)]
    level_of_total = {
        column: pl.lit(pl.Series([getattr(level, column) for level in levels], dtype=schema[name])).gather(total_tenths)
        for column, name in (("level_zh", "level"), ("level_en", "level_en"))
    }
    totals = [
        pl.when(ok).then(_from_tenths(pl.col("__standard_tenths"))).alias("standard_score"),
        pl.when(ok).then(pl.col("__bonus")).alias("bonus"),
        pl.when(ok).then(_from_tenths(total_tenths)).alias("total"),
        pl.when(ok).then(level_of_total["level_zh"]).alias("level"),
        pl.when(ok).then(level_of_total["level_en"]).alias("level_en"),
        pl.when(ok).then(pl.lit("ok", dtype=schema["status"])).alias("status"),
    ]
    stages = ([cells.of_row().alias(_CELL)], values, checks + keys, buckets, positions, lookups, sums, totals)
    return tuple(tuple(stage) for stage in stages)


def _column_problems(tables: Nsphs2014Tables) -> tuple[pl.Expr, ...]:
    """The problem code of every input column (null where the row's cell does not require it), for
    the reasons of rows that are not "ok"."""
    cells = _Cells.of(tables)
    return tuple(
        pl.when(cells.per_row(lambda g, c=column: c in g.required_columns(), pl.Boolean))
        .then(_problem_code(column, pl.col(column), tables))
        .alias(_code(column))
        for column in tables.input_columns
    )


# ==================================================================================================
# Graduation score
# ==================================================================================================


def graduation_score(
    year_totals: pl.DataFrame,
    *,
    student: str = "student_id",
    grade: str = "grade",
    total: str = "total",
    tables: Nsphs2014Tables | None = None,
) -> pl.DataFrame:
    """毕业成绩 = 毕业当年学年总分 × 50 % + 其他学年学年总分的平均分 × 50 % (教体艺〔2014〕5号).

    ``year_totals``: one row per student and grade with that year's 学年总分 in ``total`` (e.g. the
    ``total`` column of :func:`score_students`). The graduating year is the student's highest grade
    present; the other years are the student's other grades in the same school stage (grades 1–5 for
    a grade-6 graduate, 7–8 for a grade-9 graduate — the interpretation in nsphs2014_rules.json).
    The result is rounded half up to 0.1 (EX5: 85.875 → 85.9) and graded with the 学年总分 levels.

    Returns one row per student, in order of first appearance: ``<student>``, ``final_grade``,
    ``final_total``, ``n_other_years``, ``other_years_mean``, ``graduation_score``, ``level``,
    ``level_en``, ``status`` (``ok``/``incomplete``) and ``reason``. There is no score when a total of
    the stage is null or there is no other year. Raises ``ValueError`` on a repeated (student, grade)
    or a total that is not on the 0.1 grid. Callers pick the graduates (this does not check that the
    final grade is 6 or 9).
    """
    tables = tables or load_tables()
    schema = tables.output_schema
    frame = year_totals.select(
        pl.col(student),
        pl.col(grade).cast(pl.Int64).alias("grade"),
        pl.col(total).cast(pl.Float64).alias("total"),
    )
    if frame.select(pl.struct(student, "grade").is_duplicated().any()).item():
        raise ValueError("graduation_score: more than one total for the same student and grade")
    tenths = (pl.col("total") * 10).round()
    off_grid = frame.filter((pl.col("total") * 10 - tenths).abs() > 1e-6)["total"]
    if off_grid.len():
        raise ValueError(f"graduation_score: totals must have one decimal, got {off_grid.head(5).to_list()}")

    # Keep the years of the same school stage as the final (graduating) year.
    frame = frame.with_columns(tenths=tenths.cast(pl.Int64), final_grade=pl.col("grade").max().over(student))
    frame = frame.filter((pl.col("grade") <= _LAST_PRIMARY_GRADE) == (pl.col("final_grade") <= _LAST_PRIMARY_GRADE))
    is_final = pl.col("grade") == pl.col("final_grade")
    per_student = frame.group_by(student, maintain_order=True).agg(
        pl.col("final_grade").first(),
        final_total=pl.col("total").filter(is_final).first(),
        final_tenths=pl.col("tenths").filter(is_final).first(),
        n_other_years=(~is_final).sum().cast(pl.Int64),
        other_tenths_sum=pl.col("tenths").filter(~is_final).sum(),
        other_nulls=pl.col("tenths").filter(~is_final).null_count(),
        other_years_mean=pl.col("total").filter(~is_final).mean(),
    )

    k = pl.col("n_other_years")
    # (final + mean of k others) / 2 in tenths = (k·final + Σ others) / 2k; adding k first rounds half up.
    graduation_tenths = (k * pl.col("final_tenths") + pl.col("other_tenths_sum") + k) // (2 * k)
    level_zh, level_en = _level_exprs(graduation_tenths, tables.levels, schema)
    reason = _first_match(
        [
            (pl.col("final_tenths").is_null(), pl.lit("final-year total missing")),
            (pl.col("other_nulls") > 0, pl.lit("a total of another year is missing")),
            (k == 0, pl.lit("no other year in this school stage")),
        ]
    )
    ok = reason.is_null()
    return per_student.select(
        student,
        "final_grade",
        "final_total",
        "n_other_years",
        pl.when(k > 0).then(pl.col("other_years_mean")).alias("other_years_mean"),
        pl.when(ok).then(_from_tenths(graduation_tenths)).alias("graduation_score"),
        pl.when(ok).then(level_zh).alias("level"),
        pl.when(ok).then(level_en).alias("level_en"),
        pl.when(ok).then(pl.lit("ok")).otherwise(pl.lit("incomplete")).cast(schema["status"]).alias("status"),
        reason.alias("reason"),
    )
