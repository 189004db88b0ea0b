"""Tests of tisheng.core.fitness, the 2014 National Student Physical Health Standard scorer.

Expected values are the hand-worked examples in nsphs2014_worked_examples.json or were read off the
tables in tisheng/core/data by hand (the row is quoted next to each case). Pure computation: no
database, no Django.
"""

from __future__ import annotations

import ast
import bisect
import json
import math
import random
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisheng.core import fitness
from tisheng.core.fitness import graduation_score, level_for, load_tables, score_one, score_students

DATA = Path(fitness.__file__).parent / "data"
TABLES = load_tables()
WORKED = json.loads((DATA / "nsphs2014_worked_examples.json").read_text(encoding="utf-8"))["examples"]
YEAR_EXAMPLES = [ex for ex in WORKED if "raw" in ex]
GRADUATION_EXAMPLES = [ex for ex in WORKED if "graduation_score" in ex]


def student(grade: int, sex: str, **results: float | None) -> dict:
    """A student-year with plausible defaults for every item of the grade/sex, overridden by ``results``.

    Defaults: height 140 cm and weight 40 kg (BMI 20.4), every item exactly on its 80-point row.
    """
    record: dict = {"grade": grade, "sex": sex, "height_cm": 140.0, "weight_kg": 40.0}
    for rule in TABLES.groups[(grade, sex)].items:
        record[rule.key] = dict(rule.rows)[80]
    record.update(results)
    return record


def score(*records: dict) -> list[dict]:
    """Score records with the vectorised scorer, check score_one agrees, return the output rows."""
    frame = pl.DataFrame(list(records), infer_schema_length=None)
    vectorised = score_students(frame).select(list(TABLES.output_schema)).to_dicts()
    assert vectorised == [score_one(r) for r in records]
    return vectorised


def score1(**kwargs) -> dict:
    return score(student(**kwargs))[0]


def worked_record(example: dict) -> dict:
    """The example's raw results under the scorer's column names (the JSON adds unit suffixes)."""
    record = {"grade": example["grade"], "sex": example["sex"]}
    for key, value in example["raw"].items():
        for suffix in ("_ml", "_s", "_cm"):
            if key.endswith(suffix) and key.removesuffix(suffix) in TABLES.item_keys:
                key = key.removesuffix(suffix)
        record[key] = value
    return record


# ------------------------------------------------------------------------------------------------
# Loading the tables
# ------------------------------------------------------------------------------------------------


class TestTables:
    def test_every_grade_and_sex_has_rules(self):
        assert sorted(TABLES.groups) == [(g, s) for g in range(1, 10) for s in ("F", "M")]

    def test_weights_add_up_to_100(self):
        for group in TABLES.groups.values():
            assert group.bmi_weight_pct + sum(rule.weight_pct for rule in group.items) == 100

    def test_items_by_grade_group(self):
        def keys(grade, sex):
            return [rule.key for rule in TABLES.groups[(grade, sex)].items]

        assert keys(1, "M") == ["vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min"]  # 一、二年级
        primary = ["vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min"]
        assert keys(3, "F") == keys(4, "F") == [*primary, "sit_up_1min"]
        assert keys(6, "M")[-1] == "shuttle_50x8"
        junior = ["vital_capacity", "run_50m", "sit_and_reach", "standing_long_jump"]
        assert keys(8, "M") == [*junior, "pull_up", "run_1000m"]
        assert keys(8, "F") == [*junior, "sit_up_1min", "run_800m"]

    def test_weights_grade_1_2(self):
        group = TABLES.groups[(2, "F")]
        assert group.bmi_weight_pct == 15
        assert {r.key: r.weight_pct for r in group.items} == {
            "vital_capacity": 15, "run_50m": 20, "sit_and_reach": 30, "rope_skip_1min": 20
        }

    def test_caps_and_levels_come_from_rules_json(self):
        assert (TABLES.standard_max, TABLES.bonus_max, TABLES.total_max) == (100, 20, 120)
        assert [(lv.level_zh, lv.level_en, lv.min_tenths) for lv in TABLES.levels] == [
            ("优秀", "excellent", 900), ("良好", "good", 800), ("及格", "pass", 600), ("不及格", "fail", None)
        ]

    def test_directions(self):
        higher = {r.key: r.higher_better for g in TABLES.groups.values() for r in g.items}
        assert {k for k, v in higher.items() if not v} == {"run_50m", "shuttle_50x8", "run_1000m", "run_800m"}

    def test_blank_pull_up_cells_are_left_out(self):
        rule = next(r for r in TABLES.groups[(7, "M")].items if r.key == "pull_up")
        assert [s for s, _ in rule.rows] == [100, 95, 90, 85, 80, 76, 72, 68, 64, 60, 50, 40, 30]

    def test_bonus_tables(self):
        rope = next(r for r in TABLES.groups[(3, "F")].items if r.key == "rope_skip_1min")
        assert rope.bonus_rows[0] == (20, 40) and rope.bonus_rows[-1] == (1, 2)
        sit_up_primary = next(r for r in TABLES.groups[(5, "F")].items if r.key == "sit_up_1min")
        assert sit_up_primary.bonus_rows == ()
        run_800 = next(r for r in TABLES.groups[(9, "F")].items if r.key == "run_800m")
        assert [p for p, _ in run_800.bonus_rows] == list(range(10, 0, -1))

    def test_tables_are_cached_and_read_only(self):
        assert load_tables() is TABLES
        with pytest.raises(TypeError):
            TABLES.groups[(1, "M")] = None  # type: ignore[index]
        with pytest.raises(AttributeError):
            TABLES.total_max = 200  # type: ignore[misc]

    def test_module_has_no_django_import(self):
        tree = ast.parse(Path(fitness.__file__).read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.split(".")[0] == "django"]


class TestBrokenTables:
    """load_tables refuses data that contradicts itself (a copy of the data dir, edited)."""

    @pytest.fixture
    def data_copy(self, tmp_path):
        for path in DATA.glob("nsphs2014_*"):
            shutil.copy(path, tmp_path / path.name)
        return tmp_path

    @staticmethod
    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def test_weights_not_100(self, data_copy):
        weights = data_copy / "nsphs2014_items_weights.csv"
        self.edit(weights, "G1-2,1-2,M,run_50m,50米跑,20", "G1-2,1-2,M,run_50m,50米跑,25")
        with pytest.raises(ValueError, match="add up to 100"):
            load_tables(data_copy)

    def test_non_monotone_table(self, data_copy):
        self.edit(data_copy / "nsphs2014_score_tables.csv", "M,1,95,优秀,1600,", "M,1,95,优秀,1800,")
        with pytest.raises(ValueError, match="not monotone"):
            load_tables(data_copy)

    def test_bmi_gap(self, data_copy):
        self.edit(data_copy / "nsphs2014_bmi.csv", "M,1,超重,overweight,80,18.2,", "M,1,超重,overweight,80,18.3,")
        with pytest.raises(ValueError, match="gap or overlap"):
            load_tables(data_copy)

    def test_bonus_for_an_item_not_tested(self, data_copy):
        self.edit(data_copy / "nsphs2014_bonus.csv", "pull_up,引体向上,M,7-9,10,10", "pull_up,引体向上,M,6-9,10,10")
        with pytest.raises(ValueError, match="附加分 tables for items not tested"):
            load_tables(data_copy)

    def test_cap_wording_changed(self, data_copy):
        self.edit(data_copy / "nsphs2014_rules.json", "maximum 120", "at most 120")
        with pytest.raises(ValueError, match="学年总分 cap"):
            load_tables(data_copy)


# ------------------------------------------------------------------------------------------------
# The worked examples
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", YEAR_EXAMPLES, ids=[ex["id"] for ex in YEAR_EXAMPLES])
class TestWorkedExamples:
    def test_item_scores_and_bmi(self, example):
        row = score(worked_record(example))[0]
        for step in example["steps"]:
            assert row[f"{step['item']}_score"] == step["score"], step
        bmi_step = next(s for s in example["steps"] if s["item"] == "bmi")
        assert row["bmi"] == float(bmi_step["value"].rsplit("->", 1)[1])
        assert row["bmi_band"] == bmi_step["band"].split()[0]

    def test_weights_match_the_example(self, example):
        group = TABLES.groups[(example["grade"], example["sex"])]
        weights = {r.key: r.weight_pct for r in group.items} | {"bmi": group.bmi_weight_pct}
        assert {s["item"]: s["weight_pct"] for s in example["steps"]} == weights

    def test_standard_score_bonus_total_level(self, example):
        row = score(worked_record(example))[0]
        assert row["standard_score"] == example["standard_score"]
        assert row["standard_score"] == pytest.approx(sum(s["weighted"] for s in example["steps"]))
        for bonus in example["bonus"]:
            assert row[f"{bonus['item']}_bonus"] == bonus["points"]
        assert row["bonus"] == sum(b["points"] for b in example["bonus"])
        assert row["total"] == example["year_total"]
        assert row["level"] == example["level"]
        assert row["status"] == "ok" and row["reason"] is None


def test_worked_examples_all_in_one_frame():
    frame = pl.DataFrame([worked_record(ex) for ex in YEAR_EXAMPLES], infer_schema_length=None)
    out = score_students(frame)
    assert out["total"].to_list() == [89.1, 84.5, 87.8, 85.8]
    assert out["level_en"].to_list() == ["good"] * 4


@pytest.mark.parametrize("example", GRADUATION_EXAMPLES, ids=[ex["id"] for ex in GRADUATION_EXAMPLES])
def test_worked_graduation_example(example):
    totals = pl.DataFrame(
        {
            "student_id": ["s"] * 3,
            "grade": [int(k.removeprefix("grade")) for k in example["year_totals"]],
            "total": list(example["year_totals"].values()),
        }
    )
    row = graduation_score(totals).row(0, named=True)
    assert row["graduation_score"] == example["graduation_score"] == 85.9
    assert row["level"] == example["level"]
    assert (row["final_grade"], row["final_total"], row["n_other_years"]) == (9, 88.0, 2)
    assert row["other_years_mean"] == 83.75


# ------------------------------------------------------------------------------------------------
# Item lookup: the highest row reached
# ------------------------------------------------------------------------------------------------


class TestHigherBetter:
    # 二年级男 肺活量: 100=2000, 95=1900, 80=1500, 78=1430, 76=1360, 10=550
    @pytest.mark.parametrize(
        "ml, expected",
        [(2000, 100), (1999, 95), (1500, 80), (1499, 78), (1430, 78), (1429, 76),
         (550, 10), (549, 0), (0, 0), (9000, 100)],
    )
    def test_vital_capacity_grade_2_boys(self, ml, expected):
        assert score1(grade=2, sex="M", vital_capacity=ml)["vital_capacity_score"] == expected

    # 一年级女 坐位体前屈: 100=18.6, 30=0.0, 20=-0.8, 10=-1.6 (the table goes below zero)
    @pytest.mark.parametrize(
        "cm, expected",
        [(18.6, 100), (18.5, 95), (0.0, 30), (-0.1, 20), (-0.8, 20), (-1.6, 10), (-1.7, 0), (-15.0, 0)],
    )
    def test_sit_and_reach_negative_results(self, cm, expected):
        row = score1(grade=1, sex="F", sit_and_reach=cm)
        assert row["sit_and_reach_score"] == expected
        assert row["status"] == "ok"  # a negative reach is a valid result


class TestLowerBetter:
    # 二年级男 50米跑: 100=9.6, 80=10.0, 78=10.2, 76=10.4, 10=13.0
    @pytest.mark.parametrize(
        "seconds, expected",
        [(9.6, 100), (9.0, 100), (9.7, 95), (10.0, 80), (10.1, 78), (10.2, 78), (10.3, 76),
         (13.0, 10), (13.1, 0), (30.0, 0)],
    )
    def test_run_50m_grade_2_boys(self, seconds, expected):
        assert score1(grade=2, sex="M", run_50m=seconds)["run_50m_score"] == expected

    # 五年级男 50米×8往返跑 in seconds: 100=96, 78=111, 76=114, 10=158
    @pytest.mark.parametrize("seconds, expected", [(96, 100), (97, 95), (111, 78), (112, 76), (158, 10), (159, 0)])
    def test_shuttle_grade_5_boys(self, seconds, expected):
        assert score1(grade=5, sex="M", shuttle_50x8=seconds)["shuttle_50x8_score"] == expected

    def test_float_noise_does_not_cost_a_row(self):
        # 10.2 arriving one float step too high (10.200000000000001) still reaches the 78-point row.
        assert score1(grade=2, sex="M", run_50m=math.nextafter(10.2, math.inf))["run_50m_score"] == 78
        assert score1(grade=2, sex="M", vital_capacity=1430 - 1e-12)["vital_capacity_score"] == 78


class TestPullUpBlankCells:
    # 九年级男 引体向上: 100=15, 80=11, [78 blank], 76=10, [74 blank], 72=9, …, 60=6, 50=5, 10=1
    @pytest.mark.parametrize(
        "reps, expected",
        [(15, 100), (11, 80), (10, 76), (9, 72), (8, 68), (7, 64), (6, 60), (5, 50), (1, 10), (0, 0)],
    )
    def test_grade_9(self, reps, expected):
        assert score1(grade=9, sex="M", pull_up=reps)["pull_up_score"] == expected

    # 七年级男: 30=1, the 20 and 10 cells are blank, so 0 pull-ups score 0
    def test_grade_7_no_20_or_10_row(self):
        assert score1(grade=7, sex="M", pull_up=1)["pull_up_score"] == 30
        assert score1(grade=7, sex="M", pull_up=0)["pull_up_score"] == 0


# ------------------------------------------------------------------------------------------------
# 附加分
# ------------------------------------------------------------------------------------------------


class TestBonus:
    # 二年级 一分钟跳绳 100 = 117 (EX1); +1 per 2 jumps beyond, max +20 at 40 beyond
    @pytest.mark.parametrize(
        "jumps, score, points",
        [(116, 95, 0), (117, 100, 0), (118, 100, 0), (119, 100, 1), (125, 100, 4),
         (156, 100, 19), (157, 100, 20), (300, 100, 20)],
    )
    def test_rope_skip(self, jumps, score, points):
        row = score1(grade=2, sex="M", rope_skip_1min=jumps)
        assert (row["rope_skip_1min_score"], row["rope_skip_1min_bonus"]) == (score, points)
        assert row["bonus"] == points

    # 九年级男 1000米 100 = 220 s: 4 s faster -> 1, 35 s faster -> 10
    @pytest.mark.parametrize(
        "seconds, points", [(221, 0), (220, 0), (217, 0), (216, 1), (212, 2), (186, 9), (185, 10), (150, 10)]
    )
    def test_run_1000m(self, seconds, points):
        row = score1(grade=9, sex="M", run_1000m=seconds)
        assert row["run_1000m_bonus"] == points
        assert row["run_1000m_score"] == (100 if seconds <= 220 else 95)

    # 七年级女 800米 100 = 215 s: 5 s faster per point up to 50 s
    @pytest.mark.parametrize("seconds, points", [(211, 0), (210, 1), (205, 2), (166, 9), (165, 10)])
    def test_run_800m(self, seconds, points):
        assert score1(grade=7, sex="F", run_800m=seconds)["run_800m_bonus"] == points

    # 七年级女 一分钟仰卧起坐 100 = 50 (EX4): 2,4,6,7,…,13 beyond -> 1…10
    @pytest.mark.parametrize(
        "reps, points", [(51, 0), (52, 1), (54, 2), (56, 3), (57, 4), (62, 9), (63, 10), (80, 10)]
    )
    def test_sit_up_girls_junior(self, reps, points):
        assert score1(grade=7, sex="F", sit_up_1min=reps)["sit_up_1min_bonus"] == points

    # 九年级男 引体向上 100 = 15: +1 per rep beyond, max 10
    @pytest.mark.parametrize("reps, points", [(15, 0), (16, 1), (24, 9), (25, 10), (40, 10)])
    def test_pull_up(self, reps, points):
        assert score1(grade=9, sex="M", pull_up=reps)["pull_up_bonus"] == points

    def test_no_bonus_for_primary_sit_ups_or_boys_sit_ups(self):
        row = score1(grade=5, sex="F", sit_up_1min=200)
        assert row["sit_up_1min_score"] == 100 and row["sit_up_1min_bonus"] is None

    def test_two_maximal_bonuses_make_20(self):
        row = score1(grade=9, sex="M", pull_up=40, run_1000m=150)
        assert (row["pull_up_bonus"], row["run_1000m_bonus"], row["bonus"]) == (10, 10, 20)
        assert row["total"] == row["standard_score"] + 20

    def test_level_counts_the_bonus(self):
        # EX1 with 10 more jumps: 135 = 18 beyond 117 -> +9; 85.1 + 9 = 94.1 优秀 (良好 without it)
        row = score(worked_record(YEAR_EXAMPLES[0]) | {"rope_skip_1min": 135})[0]
        assert (row["standard_score"], row["bonus"], row["total"], row["level"]) == (85.1, 9, 94.1, "优秀")


# ------------------------------------------------------------------------------------------------
# BMI
# ------------------------------------------------------------------------------------------------


class TestBmi:
    # 一年级男: 低体重 ≤13.4 (80), 正常 13.5–18.1 (100), 超重 18.2–20.3 (80), 肥胖 ≥20.4 (60).
    # Height 100 cm makes BMI = weight.
    @pytest.mark.parametrize(
        "kg, bmi, band, points",
        [
            (10.0, 10.0, "underweight", 80),
            (13.4, 13.4, "underweight", 80),
            (13.44, 13.4, "underweight", 80),
            (13.45, 13.5, "normal", 100),  # rounded half up
            (13.5, 13.5, "normal", 100),
            (18.1, 18.1, "normal", 100),
            (18.2, 18.2, "overweight", 80),
            (20.3, 20.3, "overweight", 80),
            (20.35, 20.4, "obese", 60),
            (35.0, 35.0, "obese", 60),
        ],
    )
    def test_bands_grade_1_boys(self, kg, bmi, band, points):
        row = score1(grade=1, sex="M", height_cm=100.0, weight_kg=kg)
        assert (row["bmi"], row["bmi_band_en"], row["bmi_score"]) == (bmi, band, points)

    def test_bmi_formula(self):
        # 62.0 / 1.65² = 22.77 -> 22.8 (EX3); 40 / 1.4² = 20.408 -> 20.4
        assert score1(grade=8, sex="M", height_cm=165.0, weight_kg=62.0)["bmi"] == 22.8
        assert score1(grade=8, sex="M")["bmi"] == 20.4

    def test_bmi_weight_in_standard_score(self):
        # 一年级男, every item exactly 80 points: obese (60) vs normal (100) differs by 40 × 15 % = 6.0
        normal = score1(grade=1, sex="M", height_cm=100.0, weight_kg=15.0)
        obese = score1(grade=1, sex="M", height_cm=100.0, weight_kg=25.0)
        assert (normal["standard_score"], obese["standard_score"]) == (83.0, 77.0)


# ------------------------------------------------------------------------------------------------
# 标准分, 学年总分, levels
# ------------------------------------------------------------------------------------------------


class TestTotals:
    def test_standard_score_is_weighted_sum(self):
        # 二年级男, items on the 80 row, BMI normal: 100×15 + 80×(15+20+30+20) = 8300 -> 83.0
        row = score1(grade=2, sex="M", height_cm=125.0, weight_kg=24.0)
        assert (row["standard_score"], row["bonus"], row["total"], row["level"]) == (83.0, 0, 83.0, "良好")

    def test_two_decimal_sum_rounds_half_up(self):
        # vital capacity 95 (1900 ml), others 100, BMI normal: 1500 + 95×15 + 2000 + 3000 + 2000 = 99.25 -> 99.3
        row = score1(
            grade=2, sex="M", height_cm=125.0, weight_kg=24.0,
            vital_capacity=1900, run_50m=9.6, sit_and_reach=20.0, rope_skip_1min=117,
        )
        assert row["standard_score"] == 99.3
        assert row["total"] == 99.3 and row["level_en"] == "excellent"

    def test_maximum_is_100_plus_20(self):
        row = score1(
            grade=2, sex="F", height_cm=125.0, weight_kg=24.0,
            vital_capacity=5000, run_50m=7.0, sit_and_reach=40.0, rope_skip_1min=400,
        )
        assert (row["standard_score"], row["bonus"], row["total"]) == (100.0, 20, 120.0)

    def test_everything_zero_is_bmi_only(self):
        # BMI normal 100 × 15 % = 15.0, every item worse than its 10-point row
        row = score1(
            grade=2, sex="M", height_cm=125.0, weight_kg=24.0,
            vital_capacity=10, run_50m=60.0, sit_and_reach=-30.0, rope_skip_1min=0,
        )
        assert (row["standard_score"], row["total"], row["level"]) == (15.0, 15.0, "不及格")

    @pytest.mark.parametrize(
        "total, zh, en",
        [
            (120, "优秀", "excellent"), (90.0, "优秀", "excellent"), (89.95, "优秀", "excellent"),
            (89.9, "良好", "good"), (80.0, "良好", "good"),
            (79.9, "及格", "pass"), (60.0, "及格", "pass"),
            (59.9, "不及格", "fail"), (0, "不及格", "fail"),
        ],
    )
    def test_level_cut_offs(self, total, zh, en):
        level = level_for(total)
        assert (level.level_zh, level.level_en) == (zh, en)


# ------------------------------------------------------------------------------------------------
# Missing, impossible and foreign inputs
# ------------------------------------------------------------------------------------------------


class TestMissingAndInvalid:
    def test_missing_item_means_no_total(self):
        row = score1(grade=8, sex="M", run_1000m=None)
        assert row["run_1000m_score"] is None
        assert row["vital_capacity_score"] == 80  # what was measured is still scored
        assert (row["standard_score"], row["bonus"], row["total"], row["level"]) == (None, None, None, None)
        assert (row["status"], row["reason"]) == ("incomplete", "run_1000m missing")

    def test_missing_height_means_no_bmi(self):
        row = score1(grade=3, sex="F", height_cm=None, sit_up_1min=None)
        assert (row["bmi"], row["bmi_band"], row["bmi_score"]) == (None, None, None)
        assert row["reason"] == "height_cm missing; sit_up_1min missing"

    def test_nan_counts_as_missing(self):
        row = score1(grade=4, sex="M", run_50m=math.nan)
        assert (row["status"], row["reason"], row["run_50m_score"]) == ("incomplete", "run_50m missing", None)

    @pytest.mark.parametrize(
        "column, value, reason",
        [
            ("run_50m", 0.0, "run_50m must be > 0"),
            ("run_1000m", -200, "run_1000m must be > 0"),
            ("height_cm", 0.0, "height_cm must be > 0"),
            ("weight_kg", -3.0, "weight_kg must be > 0"),
            ("pull_up", -1, "pull_up must be >= 0"),
            ("vital_capacity", -10, "vital_capacity must be >= 0"),
        ],
    )
    def test_impossible_values_are_invalid(self, column, value, reason):
        row = score1(grade=9, sex="M", **{column: value})
        assert (row["status"], row["reason"], row["total"]) == ("invalid", reason, None)

    def test_invalid_and_missing_together(self):
        row = score1(grade=9, sex="M", run_50m=None, pull_up=-2)
        assert (row["status"], row["reason"]) == ("invalid", "run_50m missing; pull_up must be >= 0")

    def test_zero_counts_are_valid(self):
        row = score1(grade=9, sex="M", pull_up=0)
        assert (row["status"], row["pull_up_score"]) == ("ok", 0)

    def test_items_of_other_grades_are_ignored(self):
        plain = score1(grade=2, sex="M")
        extra = score1(grade=2, sex="M", pull_up=30, run_1000m=180, sit_up_1min=-5)
        assert extra["pull_up_score"] is None and extra["run_1000m_bonus"] is None
        assert extra == plain

    @pytest.mark.parametrize("grade, sex", [(10, "M"), (0, "F"), (3, "男"), (3, "m"), (None, "F"), (5, None)])
    def test_no_table_for_grade_or_sex(self, grade, sex):
        record = student(grade=3, sex="M") | {"grade": grade, "sex": sex}
        row = score(record)[0]
        assert row["status"] == "invalid"
        assert row["reason"] == f"no 2014 table for grade={grade!r}, sex={sex!r}"
        assert row["vital_capacity_score"] is None and row["total"] is None


class TestFrameHandling:
    def test_row_order_and_other_columns_are_kept(self):
        records = [student(9, "M"), student(1, "F"), student(9, "M", run_1000m=None), student(5, "M")]
        frame = pl.DataFrame(records, infer_schema_length=None).with_columns(student_id=pl.Series(list("abcd")))
        out = score_students(frame)
        assert out["student_id"].to_list() == ["a", "b", "c", "d"]
        assert out["grade"].to_list() == [9, 1, 9, 5]
        assert out["status"].to_list() == ["ok", "ok", "incomplete", "ok"]
        assert out.columns[: frame.width] == frame.columns

    def test_absent_item_columns_count_as_not_measured(self):
        frame = pl.DataFrame([worked_record(YEAR_EXAMPLES[0])])  # grade 2 only: no pull_up, run_800m… columns
        assert "pull_up" not in frame.columns
        assert score_students(frame)["total"].to_list() == [89.1]

    def test_missing_base_column_raises(self):
        with pytest.raises(ValueError, match="height_cm"):
            score_students(pl.DataFrame({"grade": [1], "sex": ["M"], "weight_kg": [20.0]}))

    def test_rescoring_replaces_output_columns(self):
        frame = pl.DataFrame([worked_record(ex) for ex in YEAR_EXAMPLES], infer_schema_length=None)
        once = score_students(frame)
        assert score_students(once).equals(once)

    def test_empty_frame(self):
        frame = pl.DataFrame([student(1, "M")]).clear()
        out = score_students(frame)
        assert out.height == 0
        assert list(out.schema.items())[frame.width:] == list(TABLES.output_schema.items())

    def test_output_types(self):
        out = score_students(pl.DataFrame([student(8, "F")]))
        assert out.schema["total"] == pl.Float64 and out.schema["run_800m_score"] == pl.Int16
        assert out.schema["level"] == pl.Enum(["优秀", "良好", "及格", "不及格"])
        assert out.schema["status"] == pl.Enum(["ok", "incomplete", "invalid"])

    def test_integer_and_float_inputs_agree(self):
        as_int = pl.DataFrame(
            {"grade": [8], "sex": ["M"], "height_cm": [165], "weight_kg": [62], "vital_capacity": [3300]}
        )
        as_float = as_int.with_columns(pl.col("height_cm", "weight_kg", "vital_capacity").cast(pl.Float64))
        assert score_students(as_int).drop("height_cm", "weight_kg", "vital_capacity").equals(
            score_students(as_float).drop("height_cm", "weight_kg", "vital_capacity")
        )


# ------------------------------------------------------------------------------------------------
# Monotonicity: a better result never scores lower (hypothesis)
# ------------------------------------------------------------------------------------------------

ITEMS_BY_GROUP = [(g, s, rule.key) for (g, s), group in TABLES.groups.items() for rule in group.items]


def _rule(grade: int, sex: str, key: str) -> fitness.ItemRule:
    return next(r for r in TABLES.groups[(grade, sex)].items if r.key == key)


@st.composite
def improvements(draw):
    """(record, better record): one item of a complete student made better by a non-negative step."""
    grade, sex, key = draw(st.sampled_from(ITEMS_BY_GROUP))
    rule = _rule(grade, sex, key)
    thresholds = [t for _, t in rule.rows]
    low, high = min(thresholds), max(thresholds)
    span = high - low
    value = draw(st.floats(low - span / 2, high + span / 2, allow_nan=False))
    if key not in ("sit_and_reach",):  # only sit-and-reach may be negative
        value = max(value, 0.0)
    step = draw(st.floats(0, span, allow_nan=False))
    if not rule.higher_better:
        value, step = max(value, 1.0), -step
    better = value + step
    if not rule.higher_better:
        better = max(better, 0.5)
    record = student(grade, sex)
    for other in TABLES.groups[(grade, sex)].items:  # random levels on the other items too
        other_thresholds = [t for _, t in other.rows]
        record[other.key] = draw(st.sampled_from(other_thresholds))
    return record | {key: value}, record | {key: better}, key


class TestMonotone:
    @settings(max_examples=300, deadline=None)
    @given(improvements())
    def test_reference_never_scores_a_better_result_lower(self, case):
        worse, better, key = case
        a, b = score_one(worse), score_one(better)
        assert b[f"{key}_score"] >= a[f"{key}_score"]
        if f"{key}_bonus" in a and a[f"{key}_bonus"] is not None:
            assert b[f"{key}_bonus"] >= a[f"{key}_bonus"]
        assert b["standard_score"] >= a["standard_score"]
        assert b["total"] >= a["total"]
        rank = TABLES.levels.index  # best first
        assert rank(level_for(b["total"])) <= rank(level_for(a["total"]))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.data_too_large])
    @given(st.lists(improvements(), min_size=1, max_size=40))
    def test_vectorised_never_scores_a_better_result_lower(self, cases):
        # one frame: the worse records, then the better ones
        out = score_students(pl.DataFrame([c[0] for c in cases] + [c[1] for c in cases], infer_schema_length=None))
        worse, better = out.head(len(cases)), out.tail(len(cases))
        for i, (_, _, key) in enumerate(cases):
            assert better[f"{key}_score"][i] >= worse[f"{key}_score"][i]
            assert better["total"][i] >= worse["total"][i]

    @pytest.mark.parametrize("grade, sex, key", ITEMS_BY_GROUP, ids=[f"{g}{s}-{k}" for g, s, k in ITEMS_BY_GROUP])
    def test_whole_table_sweep(self, grade, sex, key):
        """Walk each table from far worse to far better in 0.1 steps (1 for wide tables): scores never go down."""
        rule = _rule(grade, sex, key)
        thresholds = [t for _, t in rule.rows]
        low, high = min(thresholds) - 5, max(thresholds) + 60
        tenths = 1 if high - low < 200 else 10
        values = [round(v / 10, 1) for v in range(round(low * 10), round(high * 10), tenths)]
        if not rule.higher_better:
            values.reverse()  # slowest to fastest
        if key != "sit_and_reach":
            values = [v for v in values if v > 0]  # the others cannot be negative (and times not 0)
        frame = pl.DataFrame([student(grade, sex)] * len(values), infer_schema_length=None).with_columns(
            pl.Series(key, values)
        )
        out = score_students(frame)
        scores = out[f"{key}_score"].to_list()
        assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 100
        assert set(scores) == {0, *(s for s, _ in rule.rows)}  # every row (blank cells excepted) is reachable
        totals = out["total"].to_list()
        assert totals == sorted(totals)


# ------------------------------------------------------------------------------------------------
# The row-order lookup machinery of the vectorised scorer
# ------------------------------------------------------------------------------------------------

CELLS = fitness._Cells.of(TABLES)


def steps_found(thresholds: list[float], keys: list[float | None]) -> list[int]:
    """``found`` (how many thresholds are <= each key) as _Steps computes it, read back from cell 0."""
    steps = fitness._Steps(tuple(thresholds), n_cells=1)
    frame = pl.DataFrame({fitness._CELL: pl.Series([0] * len(keys), dtype=pl.UInt32), "key": keys})
    for stage in steps.stages("t", pl.col("key"), usable=pl.lit(True)):
        frame = frame.with_columns(stage)
    return frame[fitness._at("t")].to_list()


def awkward_keys(thresholds: list[float]) -> list[float | None]:
    """Every threshold, its neighbouring doubles, ± the guard, midpoints, far outside, ±inf and null."""
    keys: list[float | None] = [None, -math.inf, math.inf, -1e300, 1e300, 0.0, -0.0]
    for low, high in zip(thresholds, [*thresholds[1:], thresholds[-1] + 1]):
        for t in (low, low + fitness.FLOAT_GUARD, low - fitness.FLOAT_GUARD, (low + high) / 2):
            keys += [t, math.nextafter(t, -math.inf), math.nextafter(t, math.inf)]
    return keys


class TestRowLookups:
    @pytest.mark.parametrize(
        "thresholds",
        [[5.0], [-3.4, -0.1, 0.0, 0.1, 12.9], [0.1 * k for k in range(1, 400)], [500.0, 501.0, 4100.0]],
        ids=["one", "negative", "dense", "wide"],
    )
    def test_bucketed_count_equals_a_binary_search(self, thresholds):
        keys = awkward_keys(thresholds)
        expected = [0 if key is None else bisect.bisect_right(thresholds, key) for key in keys]
        assert steps_found(thresholds, keys) == expected

    def test_bucketed_count_on_every_real_table(self):
        for group in TABLES.groups.values():
            for rule in group.items:
                sign = 1 if rule.higher_better else -1
                thresholds = sorted({sign * t for _, t in rule.rows})
                keys = awkward_keys(thresholds)
                expected = [0 if key is None else bisect.bisect_right(thresholds, key) for key in keys]
                assert steps_found(thresholds, keys) == expected, (group.grade, group.sex, rule.key)

    @pytest.mark.parametrize("bonus", [False, True])
    def test_slots_never_hold_two_items_of_one_cell(self, bonus):
        keys = TABLES.bonus_item_keys if bonus else TABLES.item_keys
        slots = fitness._slots(CELLS, keys, TABLES, bonus=bonus)
        assert sorted(key for slot in slots for key in slot) == sorted(keys)
        for group in TABLES.groups.values():
            tested = {r.key for r in group.items if r.bonus_rows or not bonus}
            for slot in slots:
                assert len(tested & set(slot)) <= 1, (group.grade, group.sex, slot)
                directions = {next(r for g in TABLES.groups.values() for r in g.items if r.key == k).higher_better for k in slot}
                assert len(directions) == 1
        assert len(slots) < len(keys)  # fewer lookups than items

    def test_cells_map_grade_and_sex(self):
        frame = pl.DataFrame({"grade": [1, 1, 9, 10, 0, None, 5], "sex": ["F", "M", "M", "M", "F", "F", None]})
        cells = frame.select(CELLS.of_row().alias(fitness._CELL))[fitness._CELL].to_list()
        assert [None if c is None else (CELLS.groups[c].grade, CELLS.groups[c].sex) for c in cells] == [
            (1, "F"), (1, "M"), (9, "M"), None, None, None, None
        ]


# ------------------------------------------------------------------------------------------------
# The vectorised scorer equals the reference loop
# ------------------------------------------------------------------------------------------------


def random_students(n: int, seed: int) -> list[dict]:
    """Students of every grade and sex with results anywhere in (and beyond) their tables,
    on-threshold values, float noise, blanks, NaN, impossible values and foreign grades/sexes."""
    rng = random.Random(seed)
    groups = sorted(TABLES.groups)
    thresholds_by_key = {
        key: [[t for _, t in r.rows] for g in TABLES.groups.values() for r in g.items if r.key == key]
        for key in TABLES.item_keys
    }
    records = []
    for _ in range(n):
        grade, sex = rng.choice(groups)
        if rng.random() < 0.01:
            grade, sex = rng.choice([10, 0, 3]), rng.choice(["M", "X"])
        record = {"grade": grade, "sex": sex, "height_cm": round(rng.gauss(140, 20), 1)}
        record["weight_kg"] = round(record["height_cm"] ** 2 / 10000 * rng.gauss(18, 4), 1)
        for key in TABLES.item_keys:
            thresholds = rng.choice(thresholds_by_key[key])  # this item's table for some grade and sex
            if rng.random() < 0.3:  # exactly on a row, or just off it
                value = rng.choice(thresholds) + rng.choice([0, 0, 0, 0.1, -0.1, 1, -1, 1e-12])
            else:
                low, high = min(thresholds), max(thresholds)
                value = round(rng.uniform(low - (high - low) * 0.3, high + (high - low) * 0.5), rng.randrange(3))
            record[key] = value
        for key in ["height_cm", "weight_kg", *TABLES.item_keys]:
            roll = rng.random()
            if roll < 0.02:
                record[key] = None
            elif roll < 0.03:
                record[key] = math.nan
            elif roll < 0.035:
                record[key] = -abs(record[key] or 1.0)
            elif roll < 0.04:
                record[key] = 0.0
        records.append(record)
    return records


def test_vectorised_equals_reference_on_random_students():
    records = random_students(4000, seed=2014)
    frame = pl.DataFrame(records, infer_schema_length=None)
    vectorised = score_students(frame).select(list(TABLES.output_schema))
    reference = pl.DataFrame([score_one(r) for r in records], schema=TABLES.output_schema)
    assert vectorised.equals(reference)
    statuses = set(vectorised["status"].to_list())
    assert statuses == {"ok", "incomplete", "invalid"}  # every path was exercised
    assert vectorised.filter(pl.col("status") == "ok").height > 1000


# ------------------------------------------------------------------------------------------------
# 毕业成绩
# ------------------------------------------------------------------------------------------------


def totals_frame(rows: list[tuple[str, int, float | None]]) -> pl.DataFrame:
    schema = {"student_id": pl.String, "grade": pl.Int64, "total": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


class TestGraduation:
    def test_primary_graduate(self):
        # 78.0 × 50 % + mean(70.0, 72.0, 74.0, 76.0, 80.0) = 74.4 × 50 % -> 39.0 + 37.2 = 76.2
        totals = [70.0, 72.0, 74.0, 76.0, 80.0, 78.0]
        row = graduation_score(totals_frame([("p", g, t) for g, t in zip(range(1, 7), totals)])).row(0, named=True)
        assert (row["final_grade"], row["n_other_years"], row["graduation_score"], row["level"]) == (6, 5, 76.2, "及格")

    def test_half_up_rounding(self):
        # (80.1 + 80.0) / 2 = 80.05 -> 80.1; (90.0 + 89.9) / 2 = 89.95 -> 90.0 优秀
        out = graduation_score(totals_frame([("a", 8, 80.0), ("a", 9, 80.1), ("b", 8, 89.9), ("b", 9, 90.0)]))
        assert out["graduation_score"].to_list() == [80.1, 90.0]
        assert out["level"].to_list() == ["良好", "优秀"]

    def test_only_the_final_stage_counts(self):
        # grades 5–6 are primary: a grade-9 graduate averages grades 7 and 8 only
        rows = [("j", 5, 50.0), ("j", 6, 50.0), ("j", 7, 80.0), ("j", 8, 90.0), ("j", 9, 100.0)]
        row = graduation_score(totals_frame(rows)).row(0, named=True)
        assert (row["n_other_years"], row["other_years_mean"], row["graduation_score"]) == (2, 85.0, 92.5)

    def test_order_of_rows_does_not_matter(self):
        rows = [("x", 9, 88.0), ("y", 6, 70.0), ("x", 7, 82.0), ("y", 5, 60.0), ("x", 8, 85.5)]
        out = graduation_score(totals_frame(rows))
        assert out.select("student_id", "graduation_score").rows() == [("x", 85.9), ("y", 65.0)]

    def test_no_other_year(self):
        row = graduation_score(totals_frame([("t", 9, 88.0)])).row(0, named=True)
        assert (row["graduation_score"], row["status"]) == (None, "incomplete")
        assert row["reason"] == "no other year in this school stage"
        assert row["other_years_mean"] is None

    def test_missing_year_total(self):
        rows = [("a", 7, None), ("a", 8, 80.0), ("a", 9, 85.0), ("b", 8, 80.0), ("b", 9, None)]
        out = graduation_score(totals_frame(rows))
        assert out["graduation_score"].to_list() == [None, None]
        assert out["reason"].to_list() == ["a total of another year is missing", "final-year total missing"]

    def test_duplicate_year_raises(self):
        with pytest.raises(ValueError, match="more than one total"):
            graduation_score(totals_frame([("a", 9, 80.0), ("a", 9, 81.0)]))

    def test_totals_must_have_one_decimal(self):
        with pytest.raises(ValueError, match="one decimal"):
            graduation_score(totals_frame([("a", 8, 80.05), ("a", 9, 81.0)]))

    def test_from_scored_years_with_custom_column_names(self):
        # EX4's results scored as grades 7, 8 and 9: 学年总分 85.8, 84.1, 81.9
        # -> 81.9 × 50 % + (85.8 + 84.1) / 2 × 50 % = 40.95 + 42.475 = 83.425 -> 83.4
        years = [worked_record(YEAR_EXAMPLES[3]) | {"grade": g} for g in (7, 8, 9)]
        scored = score_students(pl.DataFrame(years).with_columns(pupil=pl.lit("z")))
        assert scored["total"].to_list() == [85.8, 84.1, 81.9]
        renamed = scored.rename({"grade": "year", "total": "score"})
        out = graduation_score(renamed, student="pupil", grade="year", total="score")
        assert out.select("pupil", "graduation_score", "level").rows() == [("z", 83.4, "良好")]
