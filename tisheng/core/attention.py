"""Students who need attention across consecutive assessments (R-ASM-5).

A student is put in a group on evidence from several assessments, not one exam: within each cohort and
subject, look at the last N assessments (``window``) and count the ones in which the student was in the
group (``hits``); the student belongs to the group when hits ≥ m (``min_hits``).

Groups (lines are fractions of the paper's full mark F, exam_analysis.md §1; PR is §2):

=========================  =====================================================================
``struggling`` 学困生       X < low·F (the 低分 line, default 0.40)
``borderline_pass`` 临界及格 (pass − margin)·F ≤ X < pass·F (default [0.55 F, 0.60 F))
``borderline_excellent``    (excellent − margin)·F ≤ X < excellent·F (default [0.80 F, 0.85 F))
临界优生
``strong`` 持续优秀          percentile rank PR ≥ strong_pr (default 90) within the cohort's sitting of
                            the paper — a rank, because raw scores of different papers are not comparable
=========================  =====================================================================

Data in and out: Ibis table expressions. Input is the long scores table of :mod:`tisheng.core.exam_stats`
with three more columns: ``assessment`` (id), ``assessment_date`` (anything that sorts in time) and
``subject`` (stable across assessments, unlike ``paper``). Optional cohort columns (e.g. ``cohort`` = 届,
or ``school`` + ``entry_year``) are named in ``cohort``; the whole table is one cohort by default.

Conventions (Tisheng's, exam_analysis.md has no attention rule):

* An assessment in the window that the student did not sit (absent, exempt …) counts as "not in the group"
  but still counts in N: missing exams do not make a student look consistent.
* The window is the cohort's last N assessments *of that subject*, latest ``assessment_date`` first (ties
  broken by ``assessment`` descending), whether or not a given student sat them.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from tisheng.core.exam_stats import EPS, sat_flag
from tisheng.core.rules import default

GROUPS = ("struggling", "borderline_pass", "borderline_excellent", "strong")


def attention_groups(
    scores: ir.Table,
    cohort: Sequence[str] = (),
    *,
    window: int = default("exam.attention.window"),
    min_hits: int = default("exam.attention.min_hits"),
    low_line: float = default("exam.rate.low.line"),
    pass_line: float = default("exam.rate.pass.line"),
    excellent_line: float = default("exam.rate.excellent.line"),
    borderline_pass_margin: float = default("exam.attention.borderline_pass.margin"),
    borderline_excellent_margin: float = default("exam.attention.borderline_excellent.margin"),
    strong_pr: float = default("exam.attention.strong.percentile_rank"),
) -> ir.Table:
    """Evidence rows for every student in an attention group (see the module doc for the rules).

    One row per (cohort…, subject, student_id, group, assessment in the window) for the students with
    ``hits ≥ min_hits``, with ``hits``, ``window_n`` (assessments in the window, ≤ ``window``),
    ``assessment``, ``assessment_date``, ``paper``, ``status``, ``score``, ``full_mark``, ``score_rate``
    (X/F), ``percentile_rank`` and ``in_group`` (this assessment counted as a hit). A student can be in
    several groups (e.g. ``struggling`` in two exams and ``borderline_pass`` in two others).
    """
    if not 1 <= min_hits <= window:
        raise ValueError("need 1 <= min_hits <= window")
    cohort = list(cohort)
    series = [*cohort, "subject"]

    # The last `window` assessments of each cohort and subject.
    sittings = scores.select(*series, "assessment", "assessment_date").distinct()
    recency = ibis.row_number().over(
        group_by=series, order_by=[ibis.desc(sittings.assessment_date), ibis.desc(sittings.assessment)]
    )
    sittings = sittings.mutate(_recency=recency).filter(lambda s: s._recency < window)
    sittings = sittings.mutate(window_n=sittings.count().over(ibis.window(group_by=series))).drop("_recency")
    t = scores.join(sittings, [*series, "assessment", "assessment_date"])

    # PR = 100·(#{X < X_i} + 0.5·#{X = X_i}) / N among those who sat this paper in this cohort (§2).
    sat = sat_flag(t)
    t = t.mutate(_sat=sat)
    sitting = [*series, "assessment", "_sat"]
    below = ibis.rank().over(group_by=sitting, order_by=t.score)
    ties = t.score.count().over(ibis.window(group_by=[*sitting, "score"]))
    n = t.score.count().over(ibis.window(group_by=sitting))
    pr = ibis.ifelse(t._sat, 100 * (below + 0.5 * ties) / n, ibis.null())
    t = t.mutate(percentile_rank=pr, score_rate=t.score / t.full_mark)

    def below_line(line: float) -> ir.BooleanValue:
        return t.score < t.full_mark * line - EPS

    conditions = {
        "struggling": below_line(low_line),
        "borderline_pass": ~below_line(pass_line - borderline_pass_margin) & below_line(pass_line),
        "borderline_excellent": ~below_line(excellent_line - borderline_excellent_margin)
        & below_line(excellent_line),
        "strong": t.percentile_rank >= strong_pr - EPS,
    }
    long = ibis.union(
        *[
            t.mutate(group=ibis.literal(name), in_group=(t._sat & cond).fill_null(False))
            for name, cond in conditions.items()
        ]
    )
    student_group = [*series, "student_id", "group"]
    hits = long.in_group.cast("int64").sum().over(ibis.window(group_by=student_group))
    long = long.mutate(hits=hits).filter(lambda r: r.hits >= min_hits)
    return long.select(
        *series, "student_id", "group", "hits", "window_n", "assessment", "assessment_date", "paper",
        "status", "score", "full_mark", "score_rate", "percentile_rank", "in_group",
    )
