"""Vision screening: every figure below is worked out by hand in the comments."""

import polars as pl
import pytest

from tisheng.core import vision
from tisheng.core.rules import RuleSet

KEYS = ("sex", "va_right", "va_left", "sphere_right", "cylinder_right", "sphere_left", "cylinder_left", "ok_lens")


def pupils(*rows):
    return pl.DataFrame([dict(zip(KEYS, r, strict=True)) for r in rows],
                        schema={"sex": pl.String, **vision.SCREENING_SCHEMA})


CLASS = pupils(
    ("M", 4.8, 5.0, -1.00, -0.50, None, None, False),  # right: VA 4.8 < 5.0, SE −1.25 < −0.50 → myopic
    ("F", 4.9, 4.9, -0.25, -0.25, -0.25, -0.25, False),  # SE −0.375 ≥ −0.50 → not myopic, but poor vision
    ("M", 5.0, 5.1, -1.00, 0.0, -1.00, 0.0, False),  # SE −1 but acuity normal → not myopic
    ("F", 4.6, 4.7, None, None, None, None, False),  # no refraction: acuity < 5.0 → suspected myopia
    ("F", 5.0, 5.0, None, None, None, None, True),  # OK lenses → myopic whatever the acuity
    ("M", 5.2, 5.2, None, None, None, None, False),  # nothing
)


def test_the_criterion_is_read_from_the_rule_set():
    rule = vision.criterion(RuleSet.load())
    assert rule == vision.Criterion(acuity_below=5.0, se_below=-0.5)
    override = {"key": vision.SE_RULE, "value": -0.75, "scope": ["district", "D1"], "effective_from": "2026-01-01"}
    stricter = vision.criterion(RuleSet.load([override]), scope_chain=[("district", "D1")], on="2026-09-01")
    assert stricter.se_below == -0.75


def test_each_pupil_is_classified_by_refraction_acuity_or_ok_lenses():
    out = vision.classify(CLASS, vision.criterion())
    assert out["se_right"].to_list() == [-1.25, -0.375, -1.0, None, None, None]
    assert out["myopia"].to_list() == [True, False, False, True, True, False]
    assert out["poor_vision"].to_list() == [True, True, False, True, False, False]
    assert out["basis"].to_list() == ["refraction", "refraction", "refraction", "acuity", "ok_lens", "acuity"]


def test_rates_of_a_class_by_sex_say_which_figure_they_are():
    row = vision.rates(vision.classify(CLASS, vision.criterion())).row(0, named=True)
    # 3 of 6 myopic (pupils 1, 4, 5); 3 of 6 with poor vision (1, 2, 4)
    assert (row["screened"], row["myopic"], row["rate"], row["poor"], row["poor_rate"]) == (6, 3, 50.0, 3, 50.0)
    # boys 1, 3, 6: one myopic → 33.3 %; girls 2, 4, 5: two → 66.7 %
    assert (row["screened_m"], row["rate_m"], row["screened_f"], row["rate_f"]) == (3, 33.3, 3, 66.7)
    assert row["basis"] == "mixed"  # two pupils judged by acuity only
    only_acuity = vision.rates(vision.classify(CLASS[3:4], vision.criterion()))
    assert only_acuity["basis"].to_list() == ["acuity"] and only_acuity["rate"].to_list() == [100.0]


def flags(group, year, myopic, screened):
    return [{"group": group, "year": year, "sex": "M", "myopia": i < myopic, "poor_vision": i < myopic,
             "basis": "refraction"} for i in range(screened)]


def test_the_trend_compares_each_year_with_the_last_against_the_target():
    frame = pl.DataFrame([
        *flags("A", 2025, 2, 5),  # 40 %
        *flags("A", 2026, 39, 100),  # 39 %: down exactly 1 point → target of 1 point met
        *flags("B", 2024, 1, 4),  # 25 %
        *flags("B", 2026, 1, 5),  # 20 %: down 5 points since its last screening
        *flags("C", 2025, 1, 4),  # 25 %
        *flags("C", 2026, 1, 4),  # 25 %: no change → not met
    ])
    out = vision.trend(frame, 1.0, by=["group"])
    assert out.select("group", "year", "rate", "change_pp", "target_met").rows() == [
        ("A", 2025, 40.0, None, None), ("A", 2026, 39.0, -1.0, True),
        ("B", 2024, 25.0, None, None), ("B", 2026, 20.0, -5.0, True),
        ("C", 2025, 25.0, None, None), ("C", 2026, 25.0, 0.0, False),
    ]
    whole = vision.trend(frame, 1.0)  # all groups together: 2024 1/4, 2025 3/9, 2026 41/109
    assert whole["rate"].to_list() == [25.0, 33.3, 37.6]
    assert whole["change_pp"].to_list() == [None, pytest.approx(8.3), pytest.approx(4.3)]
    assert whole["target_met"].to_list() == [None, False, False]


def test_a_class_is_compared_with_its_own_pupils_last_year():
    def pupil(student, year, cls, myopic):
        return {"student_id": student, "year": year, "class": cls, "sex": "M", "myopia": myopic, "poor_vision": myopic,
                "basis": "refraction"}

    frame = pl.DataFrame([
        # last year pupils 1–4 were in 六年级1班 and 5–6 in 六年级2班: 1 of 4 and 1 of 2 myopic
        pupil(1, 2025, "六1", True), pupil(2, 2025, "六1", False), pupil(3, 2025, "六1", False),
        pupil(4, 2025, "六1", False), pupil(5, 2025, "六2", True), pupil(6, 2025, "六2", False),
        # this year 七年级1班 has pupils 1, 2 and 5 (two myopic) and a newcomer 7 (not screened last year)
        pupil(1, 2026, "七1", True), pupil(2, 2026, "七1", True), pupil(5, 2026, "七1", True), pupil(7, 2026, "七1", False),
        # 七年级2班: pupils 3 and 4, both still not myopic; 七年级3班: only newcomers
        pupil(3, 2026, "七2", False), pupil(4, 2026, "七2", False), pupil(8, 2026, "七3", True),
    ])
    out = {r["class"]: r for r in vision.cohort_change(frame, ["class"], 1.0).to_dicts()}
    # 七1 now 3 of 4 = 75 %; its pupils screened last year (1, 2, 5) were 2 of 3 = 66.7 % → +8.3 points, target missed
    assert (out["七1"]["rate"], out["七1"]["before_screened"], out["七1"]["before_rate"]) == (75.0, 3, 66.7)
    assert (out["七1"]["change_pp"], out["七1"]["target_met"]) == (8.3, False)
    # 七2: 0 of 2, and 0 of 2 last year → no change, a fall of 1 point not reached
    assert (out["七2"]["change_pp"], out["七2"]["target_met"]) == (0.0, False)
    # 七3: nobody to compare with
    assert (out["七3"]["before_screened"], out["七3"]["change_pp"], out["七3"]["target_met"]) == (None, None, None)
    assert list(out) == ["七1", "七2", "七3"]

