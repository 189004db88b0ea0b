"""三率一分, distributions, relative standing, standard scores and change over time.

Formulas: ``tisheng/core/data/exam_analysis.md`` (cited below as §1, §2 …). Thresholds and other numbers are
arguments whose defaults come from the rule set (``tisheng_defaults.json`` via :mod:`tisheng.core.rules`).

Data in and out
---------------
Every function takes Ibis table expressions and returns an Ibis table expression; nothing runs until the
caller executes it (``engine.to_polars(con, expr)``). Load Polars/Arrow data with :mod:`tisheng.core.engine`.

The *long scores table* has one row per student and paper:

=============  ==========================================================================================
``student_id``  any type
``paper``       the exam paper (one subject of one assessment); a total (总分) is just another paper
``score``       the student's score, null when there is none
``status``      ``"sat"`` (参考), ``"absent"`` (缺考), ``"exempt"`` (免考) or ``"cheating"`` (作弊)
``full_mark``   the paper's full mark F (满分)
grouping        any further columns: ``district``, ``school``, ``grade``, ``class``, ``teacher``, ``subject``,
                ``sex``, ``boarding``, ``left_behind`` …
=============  ==========================================================================================

A row *sat* when ``status == "sat"`` and ``score`` is not null. Only rows that sat enter means, rates and
distributions (N = 参考人数, §1); absent, exempt and cheating rows are counted, never treated as 0. A
``"sat"`` row with a null score is counted as absent (import_layouts.md: a blank cell means absent).

Conventions where exam_analysis.md is silent (Tisheng's choices)
-----------------------------------------------------------------
* Lines c·F are compared with a tolerance of ``EPS`` = 1e-6 points, so that 70 counts as ≥ 0.7 × 100
  although 0.7 × 100 is 70.00000000000001 in floating point. Scores are never finer than 0.01.
* Statistics are always per paper (thresholds are fractions of that paper's F); ``paper`` is added to every
  grouping.
* Percentiles interpolate linearly (Excel PERCENTILE.INC, DuckDB ``quantile_cont``, PostgreSQL
  ``percentile_cont``).
* Ratios against a zero or missing reference are null, never infinite.
* An empty group (everybody absent) has N = 0 and null mean, SD and rates; its counts are still reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from tisheng.core.rules import default

SAT = "sat"
ABSENT = "absent"
EXEMPT = "exempt"
CHEATING = "cheating"

# Scores are recorded to 0.01 at most; this absorbs binary floating-point error in c·F (see module doc).
EPS = 1e-6

#: Metrics that :func:`relative_to` compares with the reference group by default.
RELATIVE_METRICS = ("mean", "score_rate", "pass_rate", "excellent_rate", "good_rate", "low_rate")


def scope_name(keys: Sequence[str]) -> str:
    """Label of a grouping, used in the ``scope`` column: ``"all"`` for (), else the keys joined by ``+``."""
    return "+".join(keys) if keys else "all"


def percentile_column(q: float) -> str:
    """Column name of quantile ``q``: 0.25 → ``p25``, 0.5 → ``p50``, 0.975 → ``p97_5``."""
    return "p" + f"{q * 100:g}".replace(".", "_")


def sat_flag(t: ir.Table) -> ir.BooleanValue:
    """True for rows that sat the paper (status ``"sat"`` and a score)."""
    return (t.status == SAT) & t.score.notnull()


def std_dev(x: ir.NumericColumn, ddof: int) -> ir.FloatingScalar:
    """Standard deviation of ``x``: population (÷N) for ``ddof=0``, sample (÷(N−1)) for ``ddof=1`` (§1)."""
    if ddof not in (0, 1):
        raise ValueError("ddof must be 0 (population, ÷N) or 1 (sample, ÷(N−1))")
    return x.std(how="pop" if ddof == 0 else "sample")


def _safe_div(num: ir.NumericValue, den: ir.NumericValue) -> ir.NumericValue:
    return num / den.nullif(0)


def score_stats(
    scores: ir.Table,
    by: Sequence[Sequence[str]] = ((),),
    *,
    pass_line: float = default("exam.rate.pass.line"),
    excellent_line: float = default("exam.rate.excellent.line"),
    good_line: float = default("exam.rate.good.line"),
    low_line: float = default("exam.rate.low.line"),
    bands: int = default("exam.bands.count"),
    ddof: int = default("exam.sd.ddof"),
    percentiles: Sequence[float] = tuple(default("exam.percentiles")),
) -> ir.Table:
    """Counts, 三率一分, spread and score bands for every grouping in ``by``, per paper (§1).

    ``by`` lists groupings, e.g. ``[(), ("school",), ("school", "class"), ("school", "sex")]``; ``()`` is
    the whole table (the district). One call serves every scope: the result is the union of all groupings,
    with a ``scope`` column (:func:`scope_name`) and the grouping columns of the other scopes null.

    Per group and paper, over the N rows that sat (§1):

    * ``n_rows`` (all rows), ``n_sat`` = N, ``n_absent``, ``n_exempt``, ``n_cheating``;
    * ``mean`` X̄ = ΣX_i / N; ``score_rate`` 得分率 = X̄ / F;
    * ``sd`` population (÷N, Excel STDEVP) when ``ddof=0`` (default), sample (÷(N−1)) when ``ddof=1``;
      the ``sd_ddof`` column says which. The sample SD of one student is null;
    * ``min``, ``max``, one column per quantile in ``percentiles`` (``p50`` is the median);
    * ``pass_rate`` #{X ≥ pass_line·F}/N, ``excellent_rate`` #{X ≥ excellent_line·F}/N, ``good_rate``
      #{X ≥ good_line·F}/N, ``low_rate`` #{X < low_line·F}/N, ``full_mark_rate`` #{X = F}/N;
    * ``band_1`` … ``band_<bands>``: counts in [0, F/bands), [F/bands, 2F/bands) … [(bands−1)F/bands, F],
      the last band closed on the right.
    """
    all_keys: list[str] = []
    for keys in by:
        all_keys += [k for k in keys if k not in all_keys]
    percentiles = list(percentiles)
    f = _prepared(
        scores,
        all_keys,
        lines={
            "pass_rate": (pass_line, ">="),
            "excellent_rate": (excellent_line, ">="),
            "good_rate": (good_line, ">="),
            "low_rate": (low_line, "<"),
            "full_mark_rate": (1.0, ">="),
        },
        bands=bands,
    )
    metrics = {
        "n_rows": f.count(),
        "n_sat": f._sat.sum(),
        "n_absent": f._absent.sum(),
        "n_exempt": f._exempt.sum(),
        "n_cheating": f._cheating.sum(),
        "full_mark": f.full_mark.max(),
        # _x is the score of rows that sat and null otherwise; aggregates skip nulls, so no FILTER needed.
        "mean": f._x.mean(),
        "sd": std_dev(f._x, ddof),
        "min": f._x.min(),
        "max": f._x.max(),
        **({"_q": f._x.quantile(percentiles)} if percentiles else {}),
        **{name: f[f"_{name}"].mean() for name in ("pass_rate", "excellent_rate", "good_rate", "low_rate",
                                                    "full_mark_rate")},
        **{f"band_{b + 1}": f[f"_band_{b + 1}"].sum() for b in range(bands)},
    }
    columns = [
        "scope", *all_keys, "paper", "n_rows", "n_sat", "n_absent", "n_exempt", "n_cheating", "full_mark",
        "mean", "sd", "sd_ddof", "min", "max", *map(percentile_column, percentiles), "score_rate",
        "pass_rate", "excellent_rate", "good_rate", "low_rate", "full_mark_rate",
        *(f"band_{b + 1}" for b in range(bands)),
    ]
    parts = []
    for keys in by:
        agg = f.group_by([*keys, "paper"]).aggregate(**metrics)
        agg = agg.mutate(
            scope=ibis.literal(scope_name(keys)),
            sd_ddof=ibis.literal(ddof),
            score_rate=agg["mean"] / agg.full_mark,
            **{percentile_column(q): agg._q[i] for i, q in enumerate(percentiles)},
            **{k: ibis.null().cast(scores[k].type()) for k in all_keys if k not in keys},
        )
        parts.append(agg.select(*columns))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def _prepared(scores: ir.Table, keys: Sequence[str], *, lines: Mapping[str, tuple[float, str]], bands: int) -> ir.Table:
    """One row per input row with what the aggregates need, computed once for every grouping.

    ``_x`` the score when the row sat, else null; ``_sat``, ``_absent``, ``_exempt``, ``_cheating`` 0/1;
    one 0/1 float per line (null when the row did not sit) so that its mean is the rate over N (§1);
    ``_band_1`` … 0/1 for the row's score band (0 when the row did not sit). Every flag is computed here,
    once, rather than in each grouping's aggregates.
    """
    sat = sat_flag(scores)
    score, full = scores.score, scores.full_mark

    def indicator(cond: ir.BooleanValue) -> ir.IntegerValue:
        return ibis.ifelse(cond, 1, 0)

    def line_flag(line: float, op: str) -> ir.FloatingValue:
        # The line c·F minus EPS: 70 must count as ≥ 0.7·100 = 70.00000000000001 (module doc).
        cond = score >= full * line - EPS if op == ">=" else score < full * line - EPS
        # Integer literals, then the cast: with 1.0/0.0 Ibis drops the (no-op) cast and PostgreSQL reads the
        # literals as NUMERIC, so the rates came back as NUMERIC (the trap noted in engine's module doc).
        return ibis.ifelse(sat, indicator(cond), ibis.null()).cast("float64")

    # floor(score·bands/F) is exact when the quotient is an integer; least() closes the last band on the
    # right (a full mark falls in band bands−1, not in a band of its own).
    band = ibis.ifelse(sat, ibis.least((score * bands / full + EPS).floor(), bands - 1).cast("int64"), -1)
    return scores.select(
        *keys,
        "paper",
        "full_mark",
        _x=ibis.ifelse(sat, score, ibis.null()).cast("float64"),
        _sat=indicator(sat),
        _absent=indicator((scores.status == ABSENT) | ((scores.status == SAT) & score.isnull())),
        _exempt=indicator(scores.status == EXEMPT),
        _cheating=indicator(scores.status == CHEATING),
        **{f"_band_{b + 1}": indicator(band == b) for b in range(bands)},
        **{f"_{name}": line_flag(line, op) for name, (line, op) in lines.items()},
    )


def relative_to(
    stats: ir.Table,
    *,
    scope: Sequence[str],
    reference: Sequence[str],
    metrics: Sequence[str] = RELATIVE_METRICS,
) -> ir.Table:
    """超均率 and 比均率 of each group of ``scope`` against its ``reference`` group (§2).

    ``stats`` is the output of :func:`score_stats` holding both groupings; ``reference`` must be a subset of
    ``scope`` (class ``("school", "class")`` against school ``("school",)``, school ``("school",)`` against
    the district ``()``). For each metric m:

    * ``m_ref`` the reference group's value;
    * ``m_ratio`` 比均率 = m_g / m_ref;
    * ``m_excess`` 超均率 = (m_g − m_ref) / m_ref;

    and ``mean_std`` = (X̄_g − X̄_ref) / S_ref, the group's mean in reference standard deviations (used to
    compare groups across papers whose raw scores are not comparable). Ratios are null when the reference
    is 0 or missing.
    """
    scope, reference = list(scope), list(reference)
    if not set(reference) <= set(scope):
        raise ValueError("reference keys must be a subset of scope keys")
    child = stats.filter(stats.scope == scope_name(scope))
    ref = stats.filter(stats.scope == scope_name(reference))
    ref = ref.select(
        *reference,
        "paper",
        sd_ref=ref.sd,
        # mean_ref always: mean_std needs it
        **{f"{m}_ref": ref[m] for m in dict.fromkeys(["mean", *metrics])},
    )
    joined = child.left_join(ref, [*reference, "paper"])
    joined = joined.drop(*[c for c in joined.columns if c.endswith("_right")])
    return joined.mutate(
        **{f"{m}_ratio": _safe_div(joined[m], joined[f"{m}_ref"]) for m in metrics},
        **{f"{m}_excess": _safe_div(joined[m] - joined[f"{m}_ref"], joined[f"{m}_ref"]) for m in metrics},
        mean_std=_safe_div(joined["mean"] - joined["mean_ref"], joined.sd_ref),
    )


def combined_index(
    relative: ir.Table,
    weights: Mapping[str, float] = default("exam.combined_index.weights"),
) -> ir.Table:
    """Combined index for comparing parallel classes: Σ_m w_m · 比均率_m (§1, §2).

    ``relative`` is the output of :func:`relative_to` (it needs the ``m_ratio`` columns of the weighted
    metrics). With weights summing to 1, an index of 1.0 means "as good as the reference group". Default
    weights 0.4·mean + 0.4·pass + 0.2·excellent. Null when any weighted component is null.
    """
    index = sum((relative[f"{m}_ratio"] * w for m, w in weights.items()), ibis.literal(0.0))
    return relative.mutate(combined_index=index)


def standard_scores(
    scores: ir.Table,
    by: Sequence[str] = ("paper",),
    *,
    ddof: int = default("exam.sd.ddof"),
) -> ir.Table:
    """Standard scores and percentile ranks of each student within the groups ``by`` (§2).

    One row per row of ``scores`` that sat, with the input columns and, with N, X̄, S over the group:

    * ``z`` = (X_i − X̄)/S (S population by default, ``ddof=1`` for sample; null when S = 0);
    * ``t`` = 50 + 10·Z; ``score_500`` = 500 + 100·Z (the "标准分" form);
    * ``percentile_rank`` PR = 100·(#{X < X_i} + 0.5·#{X = X_i}) / N;
    * ``normal_t`` = 50 + 10·Φ⁻¹((R_i − 0.5)/N), R_i the ascending rank with ties given their mean rank.
      Since R_i − 0.5 = #{X < X_i} + 0.5·#{X = X_i}, this is 50 + 10·Φ⁻¹(PR/100);
    * ``rank`` the competition rank, best = 1 (1, 2, 2, 4, as in import_layouts.md §4);
    * ``n`` N of the group.

    Rows with a null in a ``by`` column are left out (they belong to no group).

    For staff analysis only: students and parents are shown levels, not ranks (§2).
    """
    sat = scores.filter(sat_flag(scores))
    by = list(by)
    # Everything but the student's columns depends only on the group and the score, so it is computed on
    # one row per distinct score (a few thousand rows, not one per student) and joined back: no window
    # over every student, and Φ⁻¹ (a long polynomial) is evaluated once per score.
    moments = {"n": sat.score.count(), "_mean": sat.score.mean(), "_sd": std_dev(sat.score, ddof)}
    moments = sat.group_by(by).aggregate(**moments) if by else sat.aggregate(**moments)
    per_score = sat.group_by([*by, "score"]).aggregate(_ties=sat.count())  # #{X = X_i}
    # #{X ≤ X_i}: the running count up to this score (the scores of a group are distinct here). Cast: a
    # sum of integers is HUGEINT on DuckDB and NUMERIC on PostgreSQL.
    upto = per_score._ties.sum().over(ibis.cumulative_window(group_by=by, order_by=per_score.score)).cast("int64")
    per_score = per_score.mutate(_below=upto - per_score._ties).join(moments, by)  # _below = #{X < X_i}
    # Z and the share as columns first: the formulas below refer to them many times (Φ⁻¹ is a long
    # polynomial), and a column reference keeps the SQL short where an inlined formula would be repeated.
    per_score = per_score.mutate(
        _z=_safe_div(per_score.score - per_score._mean, per_score._sd),
        _share=(per_score._below + per_score._ties * 0.5) / per_score.n,
    )
    per_score = per_score.select(
        *by,
        "score",
        "n",
        z=per_score._z,
        t=50 + 10 * per_score._z,
        score_500=500 + 100 * per_score._z,
        percentile_rank=100 * per_score._share,
        normal_t=50 + 10 * norm_ppf(per_score._share),
        rank=per_score.n - per_score._below - per_score._ties + 1,  # 1 + #{X > X_i}
    )
    out = sat.join(per_score, [*by, "score"])
    return out.select(*scores.columns, "n", "z", "t", "score_500", "percentile_rank", "normal_t", "rank")


def change_since(
    current: ir.Table,
    previous: ir.Table,
    *,
    on: Sequence[str],
    metrics: Sequence[str],
) -> ir.Table:
    """Change of ``metrics`` since the previous comparable assessment, matched on the keys ``on``.

    ``current`` and ``previous`` are two tables of the same shape, e.g. two :func:`relative_to` outputs for
    classes (``on=("school", "class", "subject")``, metrics ``mean``, ``pass_rate``, ``mean_std`` …) or two
    :func:`standard_scores` outputs for students (``on=("student_id", "subject")``, metrics ``z``,
    ``percentile_rank``, ``normal_t``). Raw scores of different papers are not comparable, so read raw
    differences with care and prefer standardised ones (``mean_std``, ``z``, ``percentile_rank``).

    Returns the rows of ``current`` (left join) with ``m``, ``m_prev`` and ``m_change`` = m − m_prev; the
    change is null when there is no previous value.
    """
    on = list(on)
    cur = current.select(*on, *metrics)
    prev = previous.select(*on, **{f"{m}_prev": previous[m] for m in metrics})
    joined = cur.left_join(prev, on)
    joined = joined.drop(*[c for c in joined.columns if c.endswith("_right")])
    return joined.mutate(**{f"{m}_change": joined[m] - joined[f"{m}_prev"] for m in metrics})


def total_scores(
    scores: ir.Table,
    *,
    keep: Sequence[str],
    papers: Sequence | None = None,
    paper: str = "总分",
) -> ir.Table:
    """A 总分 paper: each student's sum over ``papers`` (default all), as rows of the long scores table.

    ``keep`` are the per-student columns to carry over (``student_id`` is always kept), e.g. ``("school",
    "grade", "class", "sex")``; per-paper columns such as ``teacher`` or ``subject`` cannot be kept. The
    total's full mark is the sum of the papers' full marks.

    Convention (exam_analysis.md is silent): a student *sat* the total only when they sat every paper;
    otherwise the total's status is ``cheating`` if any paper is, else ``absent`` if any paper is, else
    ``exempt``, and the score is null (a partial sum is not a total; this is how marking systems mark a
    student "不计排名").
    """
    if papers is not None:
        scores = scores.filter(scores.paper.isin(list(papers)))
    keys = ["student_id", *[k for k in keep if k != "student_id"]]
    sat = sat_flag(scores)
    g = scores.group_by(keys).aggregate(
        _sum=scores.score.sum(where=sat),
        _n=scores.count(),
        _n_sat=sat.sum(),
        _cheat=(scores.status == CHEATING).sum(),
        _absent=((scores.status == ABSENT) | ((scores.status == SAT) & scores.score.isnull())).sum(),
        full_mark=scores.full_mark.sum(),
    )
    all_sat = g._n_sat == g._n
    status = (
        ibis.cases(
            (all_sat, SAT),
            (g._cheat > 0, CHEATING),
            (g._absent > 0, ABSENT),
            else_=EXEMPT,
        )
    )
    return g.mutate(
        paper=ibis.literal(paper),
        score=ibis.ifelse(all_sat, g._sum, ibis.null()).cast("float64"),
        status=status,
    ).select(*keys, "paper", "score", "status", "full_mark")


# Φ⁻¹ by Wichura's algorithm AS241 (PPND16, Applied Statistics 37(3), 1988), as in Python's
# statistics.NormalDist.inv_cdf and R's qnorm: relative error about 1e-16. Written as an Ibis expression so
# normalised T runs inside the backend (neither DuckDB nor PostgreSQL has an inverse normal CDF).
_AS241_CENTRAL = (
    (3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
     45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727),
    (1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
     21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852545925),
)
_AS241_INTERMEDIATE = (
    (1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
     1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4),
    (1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
     0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9),
)
_AS241_TAIL = (
    (6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
     0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7),
    (1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
     7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15),
)


def _poly(coefs: Sequence[float], x: ir.NumericValue) -> ir.NumericValue:
    # Horner's rule, coefficients from the constant term up.
    result = ibis.literal(coefs[-1])
    for c in reversed(coefs[:-1]):
        result = result * x + c
    return result


def norm_ppf(p: ir.NumericValue) -> ir.FloatingValue:
    """Φ⁻¹(p) for 0 < p < 1 as an Ibis expression (AS241, see above)."""
    q = p - 0.5
    r_central = 0.180625 - q * q
    central = q * _poly(_AS241_CENTRAL[0], r_central) / _poly(_AS241_CENTRAL[1], r_central)
    # Tails: r = sqrt(−ln min(p, 1−p)); min(p, 1−p) > 0, so ln is defined on every row.
    r = (-(ibis.least(p, 1 - p).ln())).sqrt()
    mid = _poly(_AS241_INTERMEDIATE[0], r - 1.6) / _poly(_AS241_INTERMEDIATE[1], r - 1.6)
    far = _poly(_AS241_TAIL[0], r - 5.0) / _poly(_AS241_TAIL[1], r - 5.0)
    tail = ibis.ifelse(r <= 5.0, mid, far)
    return ibis.ifelse(q.abs() <= 0.425, central, ibis.ifelse(q < 0, -tail, tail))
