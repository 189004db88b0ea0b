"""Student growth percentiles (SGP, Betebenner 2009) by quantile regression on B-splines of prior scores.

For τ = 0.005, 0.015, …, 0.995 (100 quantiles) the conditional τ-quantile of the current score y given prior
scores p_1 … p_K is modelled additively on cubic B-splines (Betebenner 2009, "Norm- and criterion-referenced
student growth", Educational Measurement: Issues and Practice 28(4); R package SGP, studentGrowthPercentiles)::

    Q_y(τ | p) = β_0(τ) + Σ_k Σ_j β_kj(τ) B_j(p_k; knots_k, boundaries_k)

knots_k = the 20/40/60/80th percentiles of p_k (R quantile type 7, rounded to 3 decimals), boundaries_k = the range
of p_k extended by 10 % at each end (R ``extendrange(f = 0.1)``, rounded to 3 decimals); B_j are the 7 columns of
R's ``splines::bs(p, knots, Boundary.knots)`` (cubic, no intercept column).

β(τ) minimises Σ_i ρ_τ(y_i − x_i'β), ρ_τ(u) = u(τ − 1[u < 0]) (Koenker & Bassett 1978; Koenker 2005, Quantile
Regression, ch. 6).  The linear programme is solved by the Frisch–Newton interior-point method with Mehrotra's
predictor-corrector steps (Portnoy & Koenker 1997, Statistical Science 12(4); quantreg ``rq.fit.fnb``), and the
interior solution is then moved to the optimal vertex (the basic solution through p observations that the simplex
method ``br`` of quantreg/SGP returns) and checked for optimality.

The 100 predicted quantiles of each student are sorted (isotonised: quantile curves may cross), rounded to 5
decimals as in SGP, and

    SGP_i = #{τ : Q̂_i(τ) < y_i},  then 0 → 1 and 100 → 99  (SGP's ``convert.0and100``).

A group's median SGP has the distribution-free interval of a median from order statistics (Conover 1999,
Practical Nonparametric Statistics §3.2): [SGP_(k), SGP_(n−k+1)] with k the largest integer such that
P(Bin(n, ½) < k) ≤ α/2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import polars.selectors as cs
from scipy import interpolate, linalg, stats

from ._common import (
    TOO_FEW_STUDENTS,
    TOO_FEW_VALUES,
    CannotFit,
    DEFAULT_LEVEL,
    DEFAULT_MIN_GROUP_SIZE,
    STATUS_OK,
    STATUS_TOO_SMALL,
    ModelDescription,
    as_frame,
    as_names,
    classify_arrays,
    drop_incomplete,
    group_codes,
    today,
)

__all__ = [
    "SGP_TAUS",
    "GrowthPercentiles",
    "bspline_basis",
    "group_median_sgp",
    "isotonise",
    "knots_boundaries",
    "percentile_from_quantiles",
    "quantile_regression",
    "student_growth_percentiles",
]

#: τ = (1 … 100 − 0.5)/100, SGP's ``PERCENTILES``.
SGP_TAUS = (np.arange(1, 101) - 0.5) / 100


def _r_round(x: np.ndarray | float, digits: int) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float), digits)


def knots_boundaries(prior: np.ndarray, *, knot_probs: Sequence[float] = (0.2, 0.4, 0.6, 0.8),
                     extend: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """SGP's knots (type-7 percentiles, 3 decimals) and boundaries (range extended by ``extend``, 3 decimals)."""
    v = np.asarray(prior, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("no prior scores")
    knots = _r_round(np.quantile(v, knot_probs, method="linear"), 3)
    lo, hi = float(v.min()), float(v.max())
    d = extend * (hi - lo)
    bounds = _r_round(np.array([lo - d, hi + d]), 3)
    return knots, bounds


def bspline_basis(x: np.ndarray, knots: Sequence[float], boundaries: Sequence[float]) -> np.ndarray:
    """Cubic B-spline basis without intercept column, as R ``splines::bs(x, knots=, Boundary.knots=)``.

    Values outside the boundaries are refused (R extrapolates them; SGP's boundaries are the data range plus
    10 %, so its own data never fall outside).
    """
    x = np.asarray(x, dtype=float)
    b0, b1 = float(boundaries[0]), float(boundaries[1])
    if np.any((x < b0) | (x > b1)):
        raise ValueError("prior scores outside the spline boundaries")
    t = np.concatenate([[b0] * 4, np.asarray(knots, dtype=float), [b1] * 4])
    B = interpolate.BSpline.design_matrix(x, t, 3, extrapolate=False).toarray()
    return B[:, 1:]


# ---------------------------------------------------------------------------------------------------------------
# quantile regression


def _row_step(v: np.ndarray, dv: np.ndarray) -> np.ndarray:
    """Per row, the largest t with v + t·dv ≥ 0 (1e20 when no component decreases)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.divide(v, -dv, out=np.full(v.shape, np.inf), where=dv < 0)
    m = t.min(axis=1)
    return np.where(np.isfinite(m), m, 1e20)


def _row_step_pair(x: np.ndarray, s: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """Per row, the largest t with x + t·dx ≥ 0 and s − t·dx ≥ 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(dx < 0, x, s) / np.abs(dx)
    m = t.min(axis=1)
    return np.where(np.isfinite(m), m, 1e20)


def _fnb(X: np.ndarray, y: np.ndarray, taus: np.ndarray, *, beta: float = 0.99995, eps: float = 1e-9,
         max_it: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Frisch–Newton interior point for min Σρ_τ(y − Xb), for several τ at once (one row of state per τ).

    As quantreg's ``rqfnb`` (Portnoy & Koenker 1997): the dual max y'a s.t. X'a = (1 − τ)X'1, 0 ≤ a ≤ 1 is
    solved as min c'x, Ax = b, 0 ≤ x ≤ u with A = X', c = −y, u = 1, by a primal–dual log-barrier method with
    Mehrotra predictor–corrector steps (Lustig, Marsten & Shanno 1992); the coefficients are minus the dual
    variables of Ax = b.  A τ stops when its complementarity gap z'x + w's is below ``eps`` (y on a unit
    scale).  Returns coefficients (len(taus) × p) and iteration counts.
    """
    n, p = X.shape
    T = taus.size
    iu, ju = np.triu_indices(p)
    XX = X[:, iu] * X[:, ju]  # n × p(p+1)/2: X'DX for every τ is one product d @ XX
    c = -y
    yd0 = np.linalg.lstsq(X, c, rcond=None)[0]
    r0 = c - X @ yd0
    small = np.abs(r0) < eps
    z = np.tile(np.maximum(r0, 0.0) + eps * small, (T, 1))
    w = np.tile(np.maximum(-r0, 0.0) + eps * small, (T, 1))
    x = np.repeat((1.0 - taus)[:, None], n, axis=1)
    s = 1.0 - x
    b = x @ X
    yd = np.tile(yd0, (T, 1))
    coef = np.empty((T, p))
    its = np.zeros(T, dtype=np.int64)
    idx = np.arange(T)
    it = 0
    Q = np.empty((T, p, p))
    while True:
        gap = np.einsum("tn,tn->t", z, x) + np.einsum("tn,tn->t", w, s)
        done = (gap <= eps) | (it >= max_it)
        if done.any():
            coef[idx[done]] = -yd[done]
            its[idx[done]] = it
            keep = ~done
            idx, x, s, z, w, yd, b = idx[keep], x[keep], s[keep], z[keep], w[keep], yd[keep], b[keep]
            if idx.size == 0:
                break
        it += 1
        A = idx.size
        d = 1.0 / (z / x + w / s)
        ds = z - w
        rhs = b - x @ X + (d * ds) @ X
        Qu = d @ XX
        Qa = Q[:A]
        Qa[:, iu, ju] = Qu
        Qa[:, ju, iu] = Qu
        try:
            dy = np.linalg.solve(Qa, rhs[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            it = max_it
            continue
        dx = d * (dy @ X.T - ds)
        ds = -dx
        dz = -z * (dx / x + 1.0)
        dw = -w * (ds / s + 1.0)
        fp = np.minimum(beta * _row_step_pair(x, s, dx), 1.0)
        fd = np.minimum(beta * np.minimum(_row_step(z, dz), _row_step(w, dw)), 1.0)
        corr = np.minimum(fp, fd) < 1.0
        if corr.any():
            # Mehrotra corrector (all rows computed, used where the affine step was not a full one)
            mu = np.einsum("tn,tn->t", z, x) + np.einsum("tn,tn->t", w, s)
            g = (np.einsum("tn,tn->t", z + fd[:, None] * dz, x + fp[:, None] * dx)
                 + np.einsum("tn,tn->t", w + fd[:, None] * dw, s + fp[:, None] * ds))
            mu = (mu * (g / mu) ** 3 / (2.0 * n))[:, None]
            dxdz = dx * dz
            dsdw = ds * dw
            dr = d * (mu * (1.0 / s - 1.0 / x) + dxdz / x - dsdw / s)
            dy2 = np.linalg.solve(Qa, (rhs + dr @ X)[:, :, None])[:, :, 0]
            dx2 = d * (dy2 @ X.T - z + w) - dr
            ds2 = -dx2
            dz2 = -z + (mu - z * dx2 - dxdz) / x
            dw2 = -w + (mu - w * ds2 - dsdw) / s
            fp2 = np.minimum(beta * _row_step_pair(x, s, dx2), 1.0)
            fd2 = np.minimum(beta * np.minimum(_row_step(z, dz2), _row_step(w, dw2)), 1.0)
            cc = corr[:, None]
            dx, ds, dz, dw = (np.where(cc, dx2, dx), np.where(cc, ds2, ds), np.where(cc, dz2, dz),
                              np.where(cc, dw2, dw))
            dy = np.where(cc, dy2, dy)
            fp, fd = np.where(corr, fp2, fp), np.where(corr, fd2, fd)
        fpc, fdc = fp[:, None], fd[:, None]
        x = x + fpc * dx
        s = s + fpc * ds
        yd = yd + fdc * dy
        z = z + fdc * dz
        w = w + fdc * dw
    return coef, its


def _check_loss(res: np.ndarray, tau: float) -> float:
    return float(np.sum(res * (tau - (res < 0))))


def _vertex(X: np.ndarray, y: np.ndarray, tau: float, b_ip: np.ndarray) -> tuple[np.ndarray, bool]:
    """Move an interior-point solution to the optimal vertex it approximates.

    A quantile-regression optimum is attained at a basic solution b_h = X_h⁻¹y_h through p observations h
    (Koenker 2005 §2.2).  Take the observations nearest the interior fit, in order of |residual|, skipping rows
    that add nothing to the span; accept b_h when it is optimal: its subgradient condition
    τ − 1 ≤ ξ_h ≤ τ with X_h'ξ_h = −Σ_{i∉h} x_i(τ − 1[r_i < 0]) holds (up to rounding).  Otherwise keep b_ip.
    """
    n, p = X.shape
    res = y - X @ b_ip
    order = np.argsort(np.abs(res), kind="stable")
    chosen: list[int] = []
    basis = np.zeros((0, p))
    for i in order[: max(20 * p, 200)]:
        v = X[i]
        if basis.shape[0]:
            v = v - basis.T @ (basis @ v)
        nv = np.linalg.norm(v)
        if nv > 1e-8 * max(1.0, np.linalg.norm(X[i])):
            basis = np.vstack([basis, v / nv])
            chosen.append(int(i))
            if len(chosen) == p:
                break
    if len(chosen) < p:
        return b_ip, False
    h = np.array(chosen)
    Xh = X[h]
    try:
        b = np.linalg.solve(Xh, y[h])
    except np.linalg.LinAlgError:
        return b_ip, False
    r = y - X @ b
    scale = max(1.0, float(np.max(np.abs(y))))
    zero = np.abs(r) <= 1e-9 * scale
    zero[h] = True
    psi = tau - (r < 0)
    psi[zero] = 0.0
    # rows with zero residual outside h (ties) are free too: they can take any ξ in [τ−1, τ];
    # the condition is then a feasibility check, which for the usual case (only h on the fit) is exact.
    g = -(X.T @ psi)
    extra = np.flatnonzero(zero)
    extra = extra[~np.isin(extra, h)]
    try:
        xi = np.linalg.solve(Xh.T, g)
    except np.linalg.LinAlgError:
        return b_ip, False
    tol = 1e-8
    if extra.size == 0:
        ok = bool(np.all(xi >= tau - 1 - tol) & np.all(xi <= tau + tol))
    else:
        ok = _check_loss(r, tau) <= _check_loss(y - X @ b_ip, tau) + 1e-9 * scale
    return (b, True) if ok else (b_ip, False)


def quantile_regression(X: np.ndarray, y: np.ndarray, taus: Sequence[float] = SGP_TAUS, *,
                        vertex: bool = True, block: int = 25) -> tuple[np.ndarray, dict[str, Any]]:
    """Coefficients (p × len(taus)) of the linear quantile regressions of y on X (X includes the intercept).

    Frisch–Newton interior point, ``block`` values of τ solved together (vectorised), then (``vertex=True``)
    the optimal basic solution, as the simplex method would return it; info has the iteration counts and how
    many τ ended at a verified vertex.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] != y.size:
        raise ValueError("X must be n × p with n = len(y)")
    taus = np.asarray(taus, dtype=float)
    if np.any((taus <= 0) | (taus >= 1)):
        raise ValueError("taus must be in (0, 1)")
    # centre and scale y for the solver (quantile regression is equivariant): better conditioned gaps
    e0 = np.linalg.lstsq(X, np.ones(X.shape[0]), rcond=None)[0]  # coefficients reproducing the constant 1
    has_const = bool(np.allclose(X @ e0, 1.0, atol=1e-9))
    shift = float(np.median(y)) if has_const else 0.0
    scl = float(np.std(y)) or 1.0
    yc = (y - shift) / scl
    coef = np.empty((X.shape[1], taus.size))
    its = np.empty(taus.size, dtype=np.int64)
    vert = 0
    for lo in range(0, taus.size, block):
        sl = slice(lo, min(lo + block, taus.size))
        cb, its[sl] = _fnb(X, yc, taus[sl])
        for k, tau in zip(range(sl.start, sl.stop), taus[sl]):
            b = cb[k - sl.start]
            if vertex:
                b, ok = _vertex(X, yc, float(tau), b)
                vert += ok
            coef[:, k] = b
    # back to the original scale: y = shift + scl·yc, intercept column first
    coef *= scl
    if has_const:
        coef += shift * e0[:, None]
    return coef, {"iterations": its.tolist(), "vertices": vert, "n_taus": int(taus.size)}


# ---------------------------------------------------------------------------------------------------------------
# percentiles


def isotonise(Q: np.ndarray) -> np.ndarray:
    """Sort each student's predicted quantiles (rows) so they increase with τ (SGP's isotonize)."""
    return np.sort(np.asarray(Q, dtype=float), axis=1)


def percentile_from_quantiles(Q: np.ndarray, y: np.ndarray, *, clamp: bool = True) -> np.ndarray:
    """SGP_i = #{τ : Q_i(τ) < y_i} (Q rounded to 5 decimals first, as SGP does), 0 → 1 and 100 → 99."""
    Qr = np.round(np.asarray(Q, dtype=float), 5)
    sgp = np.sum(Qr < np.asarray(y, dtype=float)[:, None], axis=1).astype(np.int64)
    if clamp:
        sgp = np.clip(sgp, 1, Qr.shape[1] - 1)
    return sgp


class TooFewStudents(CannotFit):
    """The cohort is too small for the quantile regressions: ``n`` students for ``coefficients`` coefficients
    per percentile (at least ten students per coefficient are asked for)."""

    def __init__(self, n: int, coefficients: int):
        super().__init__(TOO_FEW_STUDENTS, f"too few students ({n}) for {coefficients} coefficients per quantile",
                         n=n, coefficients=coefficients)
        self.n, self.coefficients = n, coefficients


@dataclass(frozen=True)
class GrowthPercentiles:
    """``students``: the input row index, the ID column if given, the score, ``sgp``, and the percentile cuts
    (the predicted scores at the 1st/35th/65th/99th percentiles by default, columns ``cut_<k>``).
    ``coefficients``: p × 100 quantile-regression coefficients; ``knots``/``boundaries`` per prior."""

    students: pl.DataFrame
    coefficients: np.ndarray
    terms: list[str]
    knots: dict[str, list[float]]
    boundaries: dict[str, list[float]]
    description: ModelDescription

    def as_dict(self, *, students: bool = True) -> dict[str, Any]:
        return {
            "students": self.students.to_dicts() if students else None,
            "coefficients": self.coefficients.tolist(),
            "terms": list(self.terms),
            "knots": dict(self.knots),
            "boundaries": dict(self.boundaries),
            "description": self.description.as_dict(),
        }


def student_growth_percentiles(
    data: pl.DataFrame | Mapping[str, Any],
    outcome: str,
    priors: str | Sequence[str],
    *,
    id_column: str | None = None,
    knots: Mapping[str, Sequence[float]] | None = None,
    boundaries: Mapping[str, Sequence[float]] | None = None,
    loss_hoss: tuple[float, float] | None = None,
    percentile_cuts: Sequence[int] = (1, 35, 65, 99),
    as_of: Any = None,
) -> GrowthPercentiles:
    """SGPs of every complete row of ``data``: 100 quantile regressions of ``outcome`` on B-splines of ``priors``.

    ``knots``/``boundaries`` default to SGP's rule computed from these data; pass the state's (or district's)
    stored ones to reproduce an existing norm.  ``loss_hoss`` bounds the predicted quantiles to the lowest and
    highest obtainable scores (SGP's ``sgp.loss.hoss.adjustment``) before sorting.
    """
    frame = as_frame(data).with_row_index("__row")
    priors_t = as_names(priors)
    if not priors_t:
        raise ValueError("at least one prior score is needed")
    cols = ["__row", outcome, *priors_t] + ([id_column] if id_column else [])
    sub, dropped = drop_incomplete(frame, cols)
    n = sub.height
    y = sub[outcome].cast(pl.Float64).to_numpy()
    blocks = [np.ones((n, 1))]
    terms = ["(Intercept)"]
    kn: dict[str, list[float]] = {}
    bd: dict[str, list[float]] = {}
    for pr in priors_t:
        v = sub[pr].cast(pl.Float64).to_numpy()
        k_def, b_def = knots_boundaries(v)
        k_use = np.asarray(knots[pr], dtype=float) if knots and pr in knots else k_def
        b_use = np.asarray(boundaries[pr], dtype=float) if boundaries and pr in boundaries else b_def
        B = bspline_basis(v, k_use, b_use)
        blocks.append(B)
        terms += [f"bs({pr}){j + 1}" for j in range(B.shape[1])]
        kn[pr], bd[pr] = k_use.tolist(), b_use.tolist()
    X = np.hstack(blocks)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise CannotFit(TOO_FEW_VALUES, "the spline design is rank deficient (a prior score takes too few distinct "
                                        "values)")
    if n < 10 * X.shape[1]:
        raise TooFewStudents(n, X.shape[1])
    coef, info = quantile_regression(X, y, SGP_TAUS)
    Q = X @ coef
    if loss_hoss is not None:
        Q = np.clip(Q, loss_hoss[0], loss_hoss[1])
    Q = isotonise(Q)
    sgp = percentile_from_quantiles(Q, y)
    cols_out: dict[str, Any] = {"row": sub["__row"]}
    if id_column:
        cols_out[id_column] = sub[id_column]
    cols_out[outcome] = y
    cols_out["sgp"] = sgp
    Qr = np.round(Q, 5)
    for c in percentile_cuts:
        if not 1 <= c <= 99:
            raise ValueError("percentile cuts must be in 1..99")
        # percentile cut c: the predicted score at τ = (c + 0.5)/100, column c + 1 as SGP's percentile.cuts
        cols_out[f"cut_{c}"] = Qr[:, c]
    students = pl.DataFrame(cols_out)
    desc = ModelDescription(
        model="student growth percentiles (Betebenner)",
        formula=f"Q_{outcome}(tau) ~ " + " + ".join(f"bs({p}, knots, Boundary.knots)" for p in priors_t)
        + ", tau = (1..100 - 0.5)/100",
        outcome=outcome,
        priors=priors_t,
        covariates=(),
        groups=(),
        n_students=n,
        n_groups={},
        n_dropped_missing=dropped,
        method="linear quantile regression, Frisch–Newton interior point then optimal vertex (as quantreg br);"
        " predictions isotonised, rounded to 5 decimals; SGP = #{Q < y}, clamped to 1..99",
        estimation="quantile regression",
        level=None,
        min_group_size=None,
        date=today(as_of),
        source="Betebenner (2009) EM:IP 28(4); R package SGP; Koenker (2005); Portnoy & Koenker (1997)",
        extra={"knots": kn, "boundaries": bd, "loss_hoss": list(loss_hoss) if loss_hoss else None,
               "vertex_solutions": info["vertices"], "n_taus": info["n_taus"],
               "solver_iterations": int(np.sum(info["iterations"]))},
    )
    return GrowthPercentiles(students=students, coefficients=coef, terms=terms, knots=kn, boundaries=bd,
                             description=desc)


def _median_interval(v: np.ndarray, level: float) -> tuple[float, float, float]:
    v = np.sort(v)
    n = v.size
    med = float(np.median(v))
    alpha = 1 - level
    # largest k with P(Bin(n, 1/2) <= k - 1) <= alpha/2; interval [v_(k), v_(n-k+1)] (1-based)
    k = int(stats.binom.ppf(alpha / 2, n, 0.5))
    if stats.binom.cdf(k, n, 0.5) > alpha / 2:
        k -= 1
    k = k + 1  # number of points excluded on each side + 1
    if k < 1:
        return med, float(v[0]), float(v[-1])
    return med, float(v[k - 1]), float(v[n - k])


def group_median_sgp(
    students: pl.DataFrame,
    group: str | Sequence[str],
    *,
    sgp_column: str = "sgp",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    level: float = DEFAULT_LEVEL,
    as_of: Any = None,
    description: ModelDescription | None = None,
) -> tuple[pl.DataFrame, ModelDescription]:
    """Median SGP per group with its distribution-free interval, and the reading against 50.

    ``students`` must hold the group column(s) and the SGPs (join :func:`student_growth_percentiles`'
    ``students`` to the roster on ``row`` or the ID first).  Groups under ``min_group_size`` are ``too_small``.
    """
    group_t = as_names(group)
    sub, dropped = drop_incomplete(students, [*group_t, sgp_column])
    codes, labels = group_codes(sub, group_t)
    G = labels.height
    v = sub[sgp_column].cast(pl.Float64).to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(G + 1))
    med = np.full(G, np.nan)
    lo = np.full(G, np.nan)
    hi = np.full(G, np.nan)
    mean = np.full(G, np.nan)
    ng = np.diff(bounds)
    for g in range(G):
        vals = v[order[bounds[g]:bounds[g + 1]]]
        med[g], lo[g], hi[g] = _median_interval(vals, level)
        mean[g] = vals.mean()
    ok = ng >= min_group_size
    cols: dict[str, Any] = {c: labels[c] for c in labels.columns}
    cols.update(
        n=ng,
        status=np.where(ok, STATUS_OK, STATUS_TOO_SMALL),
        median_sgp=np.where(ok, med, np.nan),
        lower=np.where(ok, lo, np.nan),
        upper=np.where(ok, hi, np.nan),
        mean_sgp=np.where(ok, mean, np.nan),
        reading=classify_arrays(med, lo, hi, ok, 50.0),
    )
    out = pl.DataFrame(cols).with_columns(cs.float().fill_nan(None))
    base = description
    desc = ModelDescription(
        model="median student growth percentile per group",
        formula=(base.formula if base else f"median({sgp_column}) by " + ", ".join(group_t)),
        outcome=base.outcome if base else sgp_column,
        priors=base.priors if base else (),
        covariates=(),
        groups=group_t,
        n_students=sub.height,
        n_groups={":".join(group_t): G},
        n_dropped_missing=dropped,
        method="median SGP; distribution-free order-statistic interval for the median (binomial)",
        estimation="nonparametric",
        level=level,
        min_group_size=min_group_size,
        date=today(as_of),
        source="Betebenner (2009); Conover (1999) §3.2",
        extra={"sgp_model": base.as_dict() if base else None},
    )
    return out, desc
