"""The rule-set loader: base files, overrides by scope and date, grades, provenance."""

import json
from datetime import date

import pytest

from tisheng.core import rules
from tisheng.core.rules import AmbiguousRule, RuleSet


def test_tisheng_defaults_match_exam_analysis():
    rs = RuleSet.load()
    assert rs.value("exam.rate.pass.line") == 0.60
    assert rs.value("exam.rate.excellent.line") == 0.85
    assert rs.value("exam.rate.good.line") == 0.80
    assert rs.value("exam.rate.low.line") == 0.40
    assert rs.value("exam.bands.count") == 10
    assert rs.value("exam.sd.ddof") == 0
    assert rs.value("exam.combined_index.weights") == {"mean": 0.4, "pass_rate": 0.4, "excellent_rate": 0.2}
    assert [lv["share"] for lv in rs.value("exam.level.scheme.a_e")] == [15, 35, 35, 13, 2]
    assert [lv["share"] for lv in rs.value("exam.level.scheme.shandong8")] == [3, 7, 16, 24, 24, 16, 7, 3]
    assert rs.value("exam.items.upper_lower.fraction") == 0.27
    r = rs.resolve("exam.rate.pass.line")
    assert r.layer == "tisheng" and "exam_analysis.md §1" in r.source and r.origin == "tisheng default"


def test_every_default_says_where_it_comes_from():
    with rules.TISHENG_FILE.open(encoding="utf-8") as f:
        data = json.load(f)
    for rule in data["rules"]:
        assert "exam_analysis.md" in rule["source"] or any(s in rule["source"] for s in data["sources"]), rule["key"]
        assert rule["key"].startswith(("exam.", "homework.", "vision.", "wellbeing."))


def test_national_rules_by_grade():
    rs = RuleSet.load()
    r = rs.resolve("sleep.daily_hours.min", grade=8)
    assert (r.value, r.layer) == (9, "national")
    assert "SLEEP_NOTICE_2021" in r.source
    assert rs.value("homework.written.daily_avg_minutes.max", grade=4) == 60
    # no grade, values differ by grade -> refuse to guess
    with pytest.raises(AmbiguousRule):
        rs.resolve("sleep.daily_hours.min")
    # a rule for every grade resolves without a grade
    assert rs.value("pe.big_break_minutes_daily.min") == 30
    with pytest.raises(KeyError):
        rs.resolve("homework.written_home.allowed", grade=5)  # only grades 1-2
    with pytest.raises(KeyError):
        rs.resolve("no.such.rule")


OVERRIDES = [
    # Shandong: excellent at 0.90 for grades 1-2 from 2024-09-01
    {"key": "exam.rate.excellent.line", "value": 0.90, "scope": ["province", "37"], "grades": [1, 2],
     "effective_from": "2024-09-01", "note": "省教研室"},
    # District 371102: low-score line 0.30 from 2025-02-01 until 2025-09-01, then 0.35
    {"key": "exam.rate.low.line", "value": 0.30, "scope": ["district", "371102"], "effective_from": "2025-02-01",
     "effective_to": "2025-09-01"},
    {"key": "exam.rate.low.line", "value": 0.35, "scope": ["district", "371102"], "effective_from": "2025-09-01"},
    # School S01 in that district: excellent 0.80 (all grades) from 2025-03-01
    {"key": "exam.rate.excellent.line", "value": 0.80, "scope": ["school", "S01"], "effective_from": "2025-03-01"},
    # Another district's override must never leak
    {"key": "exam.rate.low.line", "value": 0.20, "scope": ["district", "999999"], "effective_from": "2020-01-01"},
]
CHAIN = [("province", "37"), ("district", "371102"), ("school", "S01")]


def test_overrides_by_scope_date_and_grade():
    rs = RuleSet.load(OVERRIDES)
    # before anything is in force: the default
    assert rs.value("exam.rate.low.line", 5, CHAIN, date(2025, 1, 31)) == 0.40
    # dated replacement in the district: 0.30 in spring, 0.35 from the effective_to on
    r = rs.resolve("exam.rate.low.line", 5, CHAIN, date(2025, 2, 1))
    assert (r.value, r.layer, r.scope, r.effective_from) == (0.30, "override", ("district", "371102"), date(2025, 2, 1))
    assert r.origin == "district 371102 since 2025-02-01"
    assert rs.value("exam.rate.low.line", 5, CHAIN, "2025-09-01") == 0.35
    # the province's grade 1-2 override applies to grade 1 only, and not to a chain without the province
    assert rs.value("exam.rate.excellent.line", 1, CHAIN[:2], "2024-10-01") == 0.90
    assert rs.value("exam.rate.excellent.line", 3, CHAIN[:2], "2024-10-01") == 0.85
    assert rs.value("exam.rate.excellent.line", 1, [], "2024-10-01") == 0.85
    # the narrowest scope wins: school S01 beats the province for grade 1 once in force
    assert rs.value("exam.rate.excellent.line", 1, CHAIN, "2025-02-28") == 0.90
    r = rs.resolve("exam.rate.excellent.line", 1, CHAIN, "2025-03-01")
    assert (r.value, r.scope) == (0.80, ("school", "S01"))
    # other districts' overrides do not apply
    assert rs.value("exam.rate.low.line", 5, [("district", "371103")], "2025-10-01") == 0.40


def test_latest_override_in_one_scope_wins():
    rs = RuleSet.load(
        [
            {"key": "exam.bands.count", "value": 5, "scope": ["school", "S"], "effective_from": "2024-01-01"},
            {"key": "exam.bands.count", "value": 20, "scope": ["school", "S"], "effective_from": "2025-01-01"},
        ]
    )
    assert rs.value("exam.bands.count", scope_chain=[("school", "S")], on="2024-06-01") == 5
    assert rs.value("exam.bands.count", scope_chain=[("school", "S")], on="2025-06-01") == 20


def test_override_of_unknown_key_is_refused():
    with pytest.raises(KeyError):
        RuleSet.load([{"key": "exam.rate.pas.line", "value": 0.5, "scope": ["school", "S"],
                       "effective_from": "2025-01-01"}])


def test_a_key_in_two_base_files_is_refused():
    rec = {"key": "x", "value": 1, "grades": []}
    with pytest.raises(ValueError):
        RuleSet({"national": [rec], "tisheng": [rec]})


def test_values_are_copies():
    rs = RuleSet.load()
    rs.value("exam.level.scheme.a_e")[0]["share"] = 99
    assert rs.value("exam.level.scheme.a_e")[0]["share"] == 15
    assert rules.default("exam.level.scheme.a_e")[0]["share"] == 15


def test_core_defaults_come_from_the_rule_set():
    # The default arguments of the analysis functions are the rule set's values, not literals.
    import inspect

    from tisheng.core import attention, exam_stats, items

    sig = inspect.signature(exam_stats.score_stats).parameters
    assert sig["pass_line"].default == rules.default("exam.rate.pass.line")
    assert sig["low_line"].default == rules.default("exam.rate.low.line")
    assert tuple(sig["percentiles"].default) == tuple(rules.default("exam.percentiles"))
    assert inspect.signature(items.item_stats).parameters["ebel_cuts"].default == rules.default("exam.items.ebel.cuts")
    att = inspect.signature(attention.attention_groups).parameters
    assert att["window"].default == rules.default("exam.attention.window")
