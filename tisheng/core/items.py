"""Item analysis (试题分析), reliability and knowledge-point mastery (exam_analysis.md §4).

Data in and out: Ibis table expressions in, Ibis table expressions out (see :mod:`tisheng.core.engine`).

The *item scores table* has one row per student, paper and item:

=============  ==========================================================================================
``student_id``  any type (also the tie-breaker of the 27 % groups, so it must be sortable)
``paper``       the exam paper
``item``        the item; its sort order is its position in the paper (odd–even split half), so use
                integers or zero-padded strings
``score``       x_ij, the student's score on the item
``full_mark``   f_j, the item's full mark
``status``      optional: only rows with ``"sat"`` are used (as in :mod:`tisheng.core.exam_stats`)
grouping        optional further columns (``school``, ``class`` …) for ``by=``
=============  ==========================================================================================

Rows with a null score are left out. The formulas assume a complete matrix — every student who sat has a
score (0 for an unanswered item) on every item — which is what importers produce; with holes, α and the
split half are computed from the rows that are there and are only approximate.

Conventions where exam_analysis.md is silent (Tisheng's choices)
-----------------------------------------------------------------
* Variances in α, KR-20 and Flanagan–Rulon are population variances (÷N). These formulas are ratios of
  variances, so ÷N or ÷(N−1) gives the same value; KR-20's p_j(1−p_j) is the population variance of a 0/1
  item, which is why KR-20 equals α exactly for 0/1 items. SEM = s_X·√(1−α) uses s_X with ``ddof``
  (population by default, as everywhere in Tisheng).
* A correlation with a constant variable (an item everybody got right, all-equal totals) is undefined and
  returned as null, not NaN and not an error. So are α etc. when s_X = 0, and D when N < 2 (k = 0).
* KR-20 is reported only when every item of the paper is a 0/1 item (full mark 1 and only scores 0 and 1);
  otherwise it is null and α is the coefficient to read.
* Cut-offs (Ebel bands, difficulty reading) compare with a tolerance of 1e-9 so that a D of exactly 0.40
  computed in floating point as 0.39999999999999997 is still "very good".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from tisheng.core.exam_stats import std_dev
from tisheng.core.rules import default

_TOL = 1e-9


def counted(item_scores: ir.Table) -> ir.Table:
    """``item_scores`` with ``_x`` = the score of rows that count, null for the others.

    A row counts when it has a score and, if the table has a ``status`` column, its status is ``"sat"``.
    The functions below aggregate ``_x`` (and ``_f``, the full mark of rows that count) instead of filtering
    rows: SQL aggregates skip nulls, and DuckDB scans an Arrow table registered with
    ``engine.register`` much faster without a WHERE clause pushed into the scan.
    """
    keep = item_scores.score.notnull()
    if "status" in item_scores.columns:
        keep &= item_scores.status == "sat"
        x = ibis.ifelse(keep, item_scores.score, ibis.null())
    else:
        x = item_scores.score  # already null exactly when the row does not count
    f = ibis.ifelse(keep, item_scores.full_mark, ibis.null())
    return item_scores.mutate(_x=x.cast("float64"), _f=f.cast("float64"))


def _safe_div(num: ir.NumericValue, den: ir.NumericValue) -> ir.NumericValue:
    return num / den.nullif(0)


def _corr(cov: ir.NumericValue, var_x: ir.NumericValue, var_y: ir.NumericValue) -> ir.NumericValue:
    # Pearson r from population moments; null (not NaN) when either variable is constant.
    return ibis.ifelse((var_x > 0) & (var_y > 0), cov / (var_x * var_y).sqrt(), ibis.null())


def student_totals(
    item_scores: ir.Table,
    by: Sequence[str] = (),
    *,
    upper_lower: float = default("exam.items.upper_lower.fraction"),
) -> ir.Table:
    """Each student's total X on each paper, odd/even half totals and upper–lower group (§4).

    One row per (``by``…, paper, student_id) with:

    * ``total`` X_i = Σ_j x_ij, ``full_mark`` F = Σ_j f_j, ``n_items``;
    * ``odd``, ``even``: sums over items at odd and even positions (1st, 3rd … by the sort order of
      ``item``) for the odd–even split half;
    * ``position``: 1-based place after sorting by total, highest first, ties broken by student id
      ascending; ``n`` = N of the group; ``k`` = ⌊upper_lower·N + 0.5⌋;
    * ``ul_group``: ``"H"`` for the first k, ``"L"`` for the last k, null otherwise.
    """
    by = list(by)
    rows = counted(item_scores)
    # Item positions come from the (small) list of distinct items, then a hash join: cheaper than a window
    # over every item score.
    positions = rows.select("paper", "item").distinct()
    positions = positions.mutate(_pos=ibis.dense_rank().over(group_by="paper", order_by="item"))
    rows = rows.join(positions, ["paper", "item"])
    is_odd = rows._pos % 2 == 0  # dense_rank is 0-based: 0, 2, 4 … are the 1st, 3rd, 5th items
    totals = rows.group_by([*by, "paper", "student_id"]).aggregate(
        total=rows._x.sum(),
        full_mark=rows._f.sum(),
        n_items=rows._x.count(),
        # A paper with one item has no even half: 0, not null, keeps the sums consistent.
        odd=ibis.ifelse(is_odd, rows._x, 0).sum(),
        even=ibis.ifelse(is_odd, 0, rows._x).sum(),
    )
    # Students none of whose rows count (absent) are not in the paper's N.
    totals = totals.filter(totals.n_items > 0)
    group = [*by, "paper"]
    n = totals.count().over(ibis.window(group_by=group))
    position = ibis.row_number().over(group_by=group, order_by=[ibis.desc(totals.total), totals.student_id]) + 1
    totals = totals.mutate(n=n, position=position)
    # k = ⌊0.27·N + 0.5⌋ (§4); the tolerance keeps an exact .5 from rounding down in binary floating point.
    k = (totals.n * upper_lower + 0.5 + _TOL).floor().cast("int64")
    ul = ibis.cases(
        (totals.position <= k, "H"),
        (totals.position > totals.n - k, "L"),
        else_=ibis.null().cast("string"),
    )
    return totals.mutate(k=k, ul_group=ul)


def item_stats(
    item_scores: ir.Table,
    totals: ir.Table | None = None,
    by: Sequence[str] = (),
    *,
    upper_lower: float = default("exam.items.upper_lower.fraction"),
    ebel_cuts: Mapping[str, float] = default("exam.items.ebel.cuts"),
    difficulty_cuts: Mapping[str, float] = default("exam.items.difficulty.cuts"),
    ddof: int = default("exam.sd.ddof"),
) -> ir.Table:
    """Difficulty, discrimination and item–total correlations of every item (§4).

    ``totals`` is :func:`student_totals` of the same data (computed when not given; pass it to share one
    computation between :func:`item_stats` and :func:`paper_stats`). One row per (``by``…, paper, item):

    * ``n``, ``full_mark`` f_j, ``mean`` x̄_j, ``sd`` (``ddof`` as in exam_stats), ``var_pop`` (÷N);
    * ``difficulty`` P_j = x̄_j / f_j (for 0/1 items the share correct) and ``difficulty_band``
      ``easy`` (P > 0.7), ``medium``, ``hard`` (P < 0.4);
    * ``mean_upper``, ``mean_lower`` x̄_j over the upper and lower 27 % groups, ``discrimination``
      D_j = (x̄_j,H − x̄_j,L) / f_j; ``ebel`` band ``very_good`` (≥ 0.40), ``good`` (0.30–0.39),
      ``revise`` (0.20–0.29), ``poor`` (≤ 0.19); ``poor_discrimination`` true for ``poor``;
    * ``r_item_total`` r_pb = corr(x_·j, X), ``r_item_rest`` corr(x_·j, X − x_·j) (corrected, preferred
      for short papers); null when undefined;
    * ``is_binary``: the item is a 0/1 item (f_j = 1, scores 0 or 1).
    """
    by = list(by)
    if totals is None:
        totals = student_totals(item_scores, by, upper_lower=upper_lower)
    rows = counted(item_scores)
    t = totals.select(*by, "paper", "student_id", "total", "ul_group")
    j = rows.join(t, [*by, "paper", "student_id"])
    x = j._x
    total = ibis.ifelse(x.isnull(), ibis.null(), j.total)  # X only where x_ij counts
    rest = total - x
    agg = j.group_by([*by, "paper", "item"]).aggregate(
        n=x.count(),
        full_mark=j._f.max(),
        mean=x.mean(),
        var_pop=x.var(how="pop"),
        sd=std_dev(x, ddof),
        mean_upper=ibis.ifelse(j.ul_group == "H", x, ibis.null()).mean(),
        mean_lower=ibis.ifelse(j.ul_group == "L", x, ibis.null()).mean(),
        _cov_total=x.cov(total, how="pop"),
        _var_total=total.var(how="pop"),
        _cov_rest=x.cov(rest, how="pop"),
        _var_rest=rest.var(how="pop"),
        _non_binary=ibis.ifelse((x != 0) & (x != 1), 1, 0).sum(),
    )
    d = (agg.mean_upper - agg.mean_lower) / agg.full_mark
    p = agg.mean / agg.full_mark
    ebel = ibis.cases(
        (d >= ebel_cuts["very_good"] - _TOL, "very_good"),
        (d >= ebel_cuts["good"] - _TOL, "good"),
        (d >= ebel_cuts["revise"] - _TOL, "revise"),
        (d.notnull(), "poor"),
        else_=ibis.null().cast("string"),
    )
    difficulty_band = ibis.cases(
        (p > difficulty_cuts["easy_above"] + _TOL, "easy"),
        (p < difficulty_cuts["hard_below"] - _TOL, "hard"),
        else_="medium",
    )
    out = agg.mutate(
        difficulty=p,
        difficulty_band=difficulty_band,
        discrimination=d,
        ebel=ebel,
        poor_discrimination=ebel == "poor",
        r_item_total=_corr(agg._cov_total, agg.var_pop, agg._var_total),
        r_item_rest=_corr(agg._cov_rest, agg.var_pop, agg._var_rest),
        is_binary=(agg.full_mark == 1) & (agg._non_binary == 0),
    )
    return out.drop("_cov_total", "_var_total", "_cov_rest", "_var_rest", "_non_binary")


def paper_stats(
    item_scores: ir.Table,
    totals: ir.Table | None = None,
    items: ir.Table | None = None,
    by: Sequence[str] = (),
    *,
    upper_lower: float = default("exam.items.upper_lower.fraction"),
    ddof: int = default("exam.sd.ddof"),
) -> ir.Table:
    """Paper difficulty, discrimination and reliability (§4). One row per (``by``…, paper).

    ``totals`` = :func:`student_totals`, ``items`` = :func:`item_stats` of the same data (computed when
    not given). Columns:

    * ``n`` students, ``n_items`` k, ``full_mark`` F = Σ f_j, ``mean`` X̄, ``sd`` s_X (``ddof``);
    * ``difficulty`` P = X̄ / F; ``discrimination`` Σ f_j·D_j / F;
    * ``alpha`` Cronbach's α = k/(k−1)·(1 − Σ s_j² / s_X²);
    * ``kr20`` = k/(k−1)·(1 − Σ p_j(1−p_j) / s_X²), only when every item is 0/1 (then = α);
    * ``split_half_r`` r between odd and even half totals, ``spearman_brown`` 2r/(1+r),
      ``flanagan_rulon`` 2(1 − (s_a² + s_b²)/s_X²);
    * ``sem`` = s_X·√(1 − α).
    """
    by = list(by)
    if totals is None:
        totals = student_totals(item_scores, by, upper_lower=upper_lower)
    if items is None:
        items = item_stats(item_scores, totals, by, upper_lower=upper_lower, ddof=ddof)
    keys = [*by, "paper"]
    per_item = items.group_by(keys).aggregate(
        n_items=items.count(),
        full_mark=items.full_mark.sum(),
        _sum_var=items.var_pop.sum(),
        _sum_pq=(items.difficulty * (1 - items.difficulty)).sum(),
        _sum_fd=(items.full_mark * items.discrimination).sum(),
        _all_binary=items.is_binary.cast("int64").min(),
    )
    per_student = totals.group_by(keys).aggregate(
        n=totals.count(),
        mean=totals.total.mean(),
        sd=std_dev(totals.total, ddof),
        _var=totals.total.var(how="pop"),
        _var_odd=totals.odd.var(how="pop"),
        _var_even=totals.even.var(how="pop"),
        _cov_halves=totals.odd.cov(totals.even, how="pop"),
    )
    p = per_item.join(per_student, keys)
    k = p.n_items
    factor = _safe_div(k, (k - 1).cast("float64"))
    alpha = factor * (1 - _safe_div(p._sum_var, p._var))
    kr20 = ibis.ifelse(p._all_binary == 1, factor * (1 - _safe_div(p._sum_pq, p._var)), ibis.null())
    r = _corr(p._cov_halves, p._var_odd, p._var_even)
    out = p.mutate(
        difficulty=p["mean"] / p.full_mark,
        discrimination=p._sum_fd / p.full_mark,
        alpha=alpha,
        kr20=kr20,
        split_half_r=r,
        spearman_brown=_safe_div(2 * r, 1 + r),
        flanagan_rulon=2 * (1 - _safe_div(p._var_odd + p._var_even, p._var)),
        sem=p.sd * (1 - alpha).sqrt(),
    )
    return out.select(
        *keys, "n", "n_items", "full_mark", "mean", "sd", "difficulty", "discrimination", "alpha", "kr20",
        "split_half_r", "spearman_brown", "flanagan_rulon", "sem",
    )


def item_score_distribution(item_scores: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """How many students got each score on each item (§4): (``by``…, paper, item, score, count, share)."""
    by = list(by)
    rows = counted(item_scores)
    dist = rows.group_by([*by, "paper", "item", "score"]).aggregate(count=rows._x.count())
    dist = dist.filter(dist["count"] > 0)  # the null-score group, rows of absent students
    total = dist["count"].sum().over(ibis.window(group_by=[*by, "paper", "item"]))
    return dist.mutate(share=dist["count"].cast("float64") / total)


def kp_mastery(item_scores: ir.Table, item_kp: ir.Table, by: Sequence[str] = ("class",)) -> ir.Table:
    """Knowledge-point mastery (知识点掌握率) of each group (§4).

    mastery = Σ scores on the point's items / Σ full marks of those items, over the group's students who
    sat. ``item_kp`` maps items to knowledge points: columns ``paper``, ``item``, ``kp`` (an item may
    belong to several points). ``by`` is the group, e.g. ``("school", "class")`` or ``("student_id",)``
    for each student. One row per (``by``…, paper, kp) with ``points``, ``possible``, ``mastery``,
    ``n_items`` and ``n_students`` (students who sat).
    """
    by = list(by)
    rows = counted(item_scores)
    if "student_id" in by:
        pre = rows.filter(rows._x.notnull())
        pre = pre.mutate(points=pre._x, possible=pre._f, _n=ibis.literal(1, type="int64"))
    else:
        # Add up per group and item first, then join the (small) result to the mapping: far fewer rows to
        # join than one per student and item.
        pre = rows.group_by([*by, "paper", "item"]).aggregate(
            points=rows._x.sum(), possible=rows._f.sum(), _n=rows._x.count()
        )
        pre = pre.filter(pre._n > 0)
    # A mapping row listed twice must not count its item twice; with distinct rows, each (group, item) row
    # meets a point once, so counting rows counts the point's items (no COUNT(DISTINCT) pass needed).
    j = pre.join(item_kp.select("paper", "item", "kp").distinct(), ["paper", "item"])
    out = j.group_by([*by, "paper", "kp"]).aggregate(
        points=j.points.sum(),
        possible=j.possible.sum(),
        n_items=j.count(),
        n_students=j._n.max().cast("int64"),
    )
    return out.mutate(mastery=_safe_div(out.points, out.possible))
