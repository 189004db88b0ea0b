"""等级制 levels (exam_analysis.md §3): criterion levels, proportional levels, converted scores.

Data in and out: Ibis table expressions (the long scores table of :mod:`tisheng.core.exam_stats`: one row
per student and paper with ``score``, ``status``, ``full_mark``). Every function returns all input rows
with level columns added; rows that did not sit (absent, exempt, cheating, no score) get null levels, so a
report can still list them as 缺考 etc.

Which method and which shares apply is rule-set data (``exam.level.method``,
``exam.level.criterion``, ``exam.level.proportional.scheme``, ``exam.level.scheme.<name>``):
:func:`levels_from_rules` reads them; the other functions take them as arguments.

Conventions where exam_analysis.md is silent (Tisheng's choices)
-----------------------------------------------------------------
* Converted score when every student of a level has the same raw score (Y₁ = Y₂, the linear rule divides
  by zero): the top of the level's range, T₂. A single student alone in level A gets 100, not 93.
* "Rounded to an integer" is round half up (四舍五入): ⌊T + 0.5⌋, the same on every backend (PostgreSQL's
  round() on double precision rounds half to even).
* Levels are computed per paper (``by=("paper",)``); pass e.g. ``("paper", "school")`` to grade within
  each school.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from tisheng.core.exam_stats import EPS, sat_flag
from tisheng.core.rules import RuleSet, default

DEFAULT_CRITERION = default("exam.level.criterion")
DEFAULT_SCHEME = default("exam.level.scheme." + default("exam.level.proportional.scheme"))


def criterion_levels(scores: ir.Table, scheme: Sequence[Mapping[str, Any]] = DEFAULT_CRITERION) -> ir.Table:
    """Fixed-fraction levels (§3): the first level, best first, with score ≥ min·F.

    ``scheme`` is a list of ``{"level": name, "min": fraction of F}``, best first; the default is 优秀 ≥ 0.85,
    良好 ≥ 0.75, 合格 ≥ 0.60, 待合格 below. Adds the column ``level``.
    """
    ordered = sorted(scheme, key=lambda lv: lv["min"], reverse=True)
    sat = sat_flag(scores)
    cases = [(sat & (scores.score >= scores.full_mark * lv["min"] - EPS), lv["level"]) for lv in ordered]
    return scores.mutate(level=ibis.cases(*cases, else_=ibis.null().cast("string")))


def proportional_levels(
    scores: ir.Table,
    scheme: Sequence[Mapping[str, Any]] = DEFAULT_SCHEME,
    by: Sequence[str] = ("paper",),
    *,
    converted: bool = True,
) -> ir.Table:
    """Proportional levels with the rank_min rule, and converted scores (§3).

    ``scheme`` lists the levels best first as ``{"level", "share" (percent), "converted_min",
    "converted_max"}``; shares must add up to 100. Within each group ``by``, over the N students who sat:

    * ``rank_min`` = 1 + #{students with a strictly higher score} (tied students share it);
    * p = rank_min / N; ``level`` = the first level whose cumulative share ≥ p (so ties share a level);
    * with ``converted=True``, ``converted_score`` = T₁ + (T₂ − T₁)(Y − Y₁)/(Y₂ − Y₁) rounded half up,
      where Y₁, Y₂ are the lowest and highest raw score in the student's level (in the group) and
      [T₁, T₂] = [converted_min, converted_max] (T₂ when Y₁ = Y₂, see the module doc).

    Adds ``n``, ``rank_min``, ``level`` and ``converted_score`` (null for rows with a null in a ``by``
    column: they belong to no group).
    """
    total = sum(lv["share"] for lv in scheme)
    if abs(total - 100) > 1e-9:
        raise ValueError(f"level shares add up to {total}, not 100")
    by = list(by)
    sat = scores.filter(sat_flag(scores))
    # Rank, level and converted score depend only on the group and the score: they are computed on one row
    # per distinct score (a few thousand rows, not one per student) and joined back, instead of windows
    # over every student.
    per_score = sat.group_by([*by, "score"]).aggregate(_ties=sat.count())
    # #{X ≥ X_i}: the running count from the top down to this score (the scores of a group are distinct
    # here). Cast: a sum of integers is HUGEINT on DuckDB and NUMERIC on PostgreSQL.
    down_to = per_score._ties.sum().over(
        ibis.cumulative_window(group_by=by, order_by=ibis.desc(per_score.score))
    ).cast("int64")
    n = per_score._ties.sum().over(ibis.window(group_by=by)).cast("int64")
    t = per_score.mutate(n=n, rank_min=down_to - per_score._ties + 1)  # 1 + #{X > X_i}

    # p ≤ cumulative share  ⇔  rank_min·100 ≤ cum·N: integers on both sides for integer shares, no rounding.
    cases, cumulative = [], 0.0
    for lv in scheme:
        cumulative += lv["share"]
        cases.append((t.rank_min * 100 <= t.n * cumulative + EPS, lv["level"]))
    t = t.mutate(level=ibis.cases(*cases, else_=ibis.null().cast("string")))
    new = ["n", "rank_min", "level"]
    if converted:
        # Y1, Y2 (windows) and T1, T2 as columns first: the linear rule refers to each of them several times.
        level_group = ibis.window(group_by=[*by, "level"])
        t = t.mutate(
            _y1=t.score.min().over(level_group),
            _y2=t.score.max().over(level_group),
            _t1=ibis.cases(*[(t.level == lv["level"], lv["converted_min"]) for lv in scheme], else_=ibis.null()),
            _t2=ibis.cases(*[(t.level == lv["level"], lv["converted_max"]) for lv in scheme], else_=ibis.null()),
        )
        raw = ibis.ifelse(t._y2 > t._y1, t._t1 + (t._t2 - t._t1) * (t.score - t._y1) / (t._y2 - t._y1), t._t2)
        t = t.mutate(converted_score=(raw + 0.5).floor().cast("int64"))
        new.append("converted_score")
    # Rows that did not sit match no score row (cheating rows keep a score, hence the _sat key).
    t = t.select(*by, "score", *new, _sat=ibis.literal(True))
    rows = scores.mutate(_sat=sat_flag(scores))
    out = rows.left_join(t, [*by, "score", "_sat"])
    kept = [c for c in scores.columns if c not in new]
    return out.select(*kept, *new)


def levels_from_rules(
    scores: ir.Table,
    rules: RuleSet,
    *,
    grade: int | None = None,
    scope_chain: Sequence[tuple[str, str]] = (),
    on: date | str | None = None,
    by: Sequence[str] = ("paper",),
) -> ir.Table:
    """Levels by the method and shares the rule set gives for this grade, scope and date.

    ``exam.level.method`` = ``"criterion"`` → :func:`criterion_levels` with ``exam.level.criterion``;
    ``"proportional"`` → :func:`proportional_levels` with the scheme named by
    ``exam.level.proportional.scheme`` (e.g. ``a_e`` or ``shandong8``). Adds ``level_method`` and
    ``level_scheme`` so a report can say which rule it used.
    """
    def value(key: str) -> Any:
        return rules.value(key, grade, scope_chain, on)

    method = value("exam.level.method")
    if method == "criterion":
        out = criterion_levels(scores, value("exam.level.criterion"))
        scheme_name = "criterion"
    elif method == "proportional":
        scheme_name = value("exam.level.proportional.scheme")
        out = proportional_levels(scores, value(f"exam.level.scheme.{scheme_name}"), by)
    else:
        raise ValueError(f"unknown level method {method!r}")
    return out.mutate(level_method=ibis.literal(method), level_scheme=ibis.literal(scheme_name))
