"""Multilevel value-added: nested random intercepts with empirical-Bayes (conditional-mode) estimates.

Model (two levels: pupils i in schools j; three levels: pupils in classes c in schools s)::

    y_i = x_i'β + u_s[i] + u_c[i] + e_i,   u_s ~ N(0, τ_s²),  u_c ~ N(0, τ_c²),  e_i ~ N(0, σ²)

with x_i = (1, prior score(s), optional covariates).  In lme4's notation (Bates, Mächler, Bolker & Walker 2015,
"Fitting Linear Mixed-Effects Models Using lme4", J. Stat. Softw. 67(1), §3) the random effects are b = Λ_θ u with
Λ_θ = diag(θ_k) per level, θ_k = τ_k/σ, and the profiled REML criterion is

    d_R(θ) = log|L_θ|² + log|R_X|² + (n − p)·[1 + log(2π r²(θ)/(n − p))]

where |L_θ|² = |I + Λ'Z'ZΛ| = |B_θ| with B_θ = I + Σ_k θ_k² Z_k Z_k', |R_X|² = |X'B_θ⁻¹X| and
r²(θ) = min_β (y − Xβ)'B_θ⁻¹(y − Xβ) (the penalised residual sum of squares).  ML drops |R_X|² and uses n.
Then σ̂² = r²/(n − p) (REML) or r²/n (ML), τ̂_k² = θ_k² σ̂², β̂ the GLS estimate, vcov(β̂) = σ̂²(X'B⁻¹X)⁻¹.

Nested random intercepts make B_θ block diagonal by top-level unit, and each block is the identity plus nested
rank-one terms, so every quantity follows from per-unit sums by repeated Sherman–Morrison steps, bottom-up
(no N×N matrix, no sparse Cholesky).  For a unit g at level k with children h (pupils at the lowest level,
where m_h = 1 and T_h = (x_i, y_i)):

    m'_g = Σ_h m_h,   T'_g = Σ_h T_h,   f_g = 1/(1 + θ_k² m'_g),   m_g = f_g m'_g,   T_g = f_g T'_g
    log|B| = Σ_g −log f_g,    [X y]'B⁻¹[X y] = [X y]'[X y] − Σ_g θ_k² f_g T'_g T'_g'

Conditional modes and conditional variances (``ranef(condVar = TRUE)``: Var(b | y) at β = β̂, θ = θ̂)::

    û_g = θ_k² · 1_g'B⁻¹r,              Var(u_g | y) = σ̂²(θ_k² − θ_k⁴ · 1_g'B⁻¹1_g),   r = y − Xβ̂

where 1_g'B⁻¹(·) is obtained from g's own sums by walking up its ancestors a (nearest first):
ρ ← ρ − θ_a² f_a μ T'_a, ν ← ν − θ_a² f_a μ², μ ← f_a μ, starting from ρ = T_g, ν = μ = m_g.
For two levels this is the familiar shrinkage (Raudenbush & Bryk 2002, Hierarchical Linear Models, ch. 3):
û_j = λ_j r̄_j with λ_j = τ²/(τ² + σ²/n_j) and Var(u_j | y) = τ²(1 − λ_j) (exam_analysis.md §5).

θ is found by minimising d_R (or the ML deviance) with L-BFGS-B over φ_k = θ_k² ≥ 0 using the analytic gradient
∂d/∂θ_k² = tr(Z_k'PZ_k) − ν‖Z_k'B⁻¹r‖²/r² (P = B⁻¹ − B⁻¹X(X'B⁻¹X)⁻¹X'B⁻¹, ν = n − p; ML: tr(Z_k'B⁻¹Z_k), ν = n).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import polars.selectors as cs
from scipy import linalg, optimize

from ._common import (
    COLLINEAR,
    TOO_FEW_GROUPS,
    TOO_FEW_STUDENTS,
    CannotFit,
    DEFAULT_LEVEL,
    DEFAULT_MIN_GROUP_SIZE,
    STATUS_OK,
    STATUS_TOO_SMALL,
    ModelDescription,
    as_frame,
    as_names,
    classify_arrays,
    design_matrix,
    drop_incomplete,
    group_codes,
    today,
    z_value,
)

__all__ = ["MultilevelResult", "fit_multilevel"]


@dataclass(frozen=True)
class MultilevelResult:
    """Fit of a nested random-intercept model.

    ``fixed``: term, estimate, se (lme4's ``fixef`` and ``sqrt(diag(vcov))``).
    ``variances``: component (each grouping level, then ``Residual``), variance, sd.
    ``groups[level]``: one row per unit of that level: its labels (the grouping columns down to that level),
    n, status (``ok`` / ``too_small``), estimate (the conditional mode, lme4 ``ranef``), condvar
    (lme4 ``postVar``), se, lower, upper, reading (``above`` / ``not_different`` / ``below`` / ``too_small``);
    below the top level also total = the unit's effect plus its ancestors' (its position among all units of the
    district, not only within its parent), with total_se, total_lower, total_upper, total_reading.
    Estimates of too-small units are null; they stay in the fit (they inform the variances) but are not reported.
    ``theta``: τ_k/σ per level (lme4 ``getME(m, "theta")``); ``criterion``: the REML criterion or ML deviance;
    ``description``: the model and data, for reproducing a figure.
    """

    fixed: pl.DataFrame
    variances: pl.DataFrame
    groups: dict[str, pl.DataFrame]
    theta: dict[str, float]
    sigma2: float
    criterion: float
    loglik: float
    converged: bool
    singular: bool
    description: ModelDescription

    def as_dict(self) -> dict[str, Any]:
        return {
            "fixed": self.fixed.to_dicts(),
            "variances": self.variances.to_dicts(),
            "groups": {k: v.to_dicts() for k, v in self.groups.items()},
            "theta": dict(self.theta),
            "sigma2": self.sigma2,
            "criterion": self.criterion,
            "loglik": self.loglik,
            "converged": self.converged,
            "singular": self.singular,
            "description": self.description.as_dict(),
        }


class _Nested:
    """Sufficient statistics of a nested random-intercept model and the profiled criterion."""

    def __init__(self, M: np.ndarray, leaf: np.ndarray, parents: list[np.ndarray], n_units: list[int], p: int):
        # M = [X y] with non-intercept columns centred; leaf = unit code of each row at the lowest level;
        # parents[k] maps units of level k to units of level k-1 (parents[0] unused); levels 0 = top.
        self.p = p
        self.n = M.shape[0]
        self.K = len(n_units)
        self.n_units = n_units
        self.MtM = M.T @ M
        G = n_units[-1]
        self.n_leaf = np.bincount(leaf, minlength=G).astype(float)
        self.T_leaf = np.column_stack([np.bincount(leaf, weights=M[:, j], minlength=G) for j in range(M.shape[1])])
        self.parents = parents
        # anc[k][j]: ancestor at level j of each unit of level k (anc[k][k] = identity)
        anc: list[list[np.ndarray]] = []
        for k in range(self.K):
            row = [np.empty(0, dtype=np.int64)] * (k + 1)
            row[k] = np.arange(n_units[k])
            for j in range(k - 1, -1, -1):
                row[j] = parents[j + 1][row[j + 1]]
            anc.append(row)
        self.anc = anc

    def _aggregate(self, idx: np.ndarray, m: np.ndarray, T: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        m2 = np.bincount(idx, weights=m, minlength=size)
        T2 = np.column_stack([np.bincount(idx, weights=T[:, j], minlength=size) for j in range(T.shape[1])])
        return m2, T2

    def bottom_up(self, theta: np.ndarray) -> dict[str, Any]:
        """Per-level m', T', f and the totals G = [X y]'B⁻¹[X y], log|B|."""
        K = self.K
        mp: list[np.ndarray] = [None] * K  # type: ignore[list-item]
        Tp: list[np.ndarray] = [None] * K  # type: ignore[list-item]
        f: list[np.ndarray] = [None] * K  # type: ignore[list-item]
        G = self.MtM.copy()
        logdet = 0.0
        m_below, T_below = self.n_leaf, self.T_leaf
        for k in range(K - 1, -1, -1):
            if k == K - 1:
                mk, Tk = m_below, T_below
            else:
                mk, Tk = self._aggregate(self.parents[k + 1], m_below, T_below, self.n_units[k])
            t2 = theta[k] ** 2
            fk = 1.0 / (1.0 + t2 * mk)
            ck = t2 * fk
            G -= (Tk * ck[:, None]).T @ Tk
            logdet -= float(np.sum(np.log(fk)))
            mp[k], Tp[k], f[k] = mk, Tk, fk
            m_below, T_below = mk * fk, Tk * fk[:, None]
        return {"mp": mp, "Tp": Tp, "f": f, "G": G, "logdet": logdet}

    def solve(self, theta: np.ndarray, reml: bool) -> dict[str, Any]:
        s = self.bottom_up(theta)
        p = self.p
        G = s["G"]
        A = G[:p, :p]
        b = G[:p, p]
        cho = linalg.cho_factor(A, lower=True)
        beta = linalg.cho_solve(cho, b)
        r2 = float(G[p, p] - b @ beta)
        logdetA = 2.0 * float(np.sum(np.log(np.diag(cho[0]))))
        n = self.n
        if reml:
            dfree = n - p
            crit = s["logdet"] + logdetA + dfree * (1.0 + math.log(2.0 * math.pi * r2 / dfree))
        else:
            dfree = n
            crit = s["logdet"] + n * (1.0 + math.log(2.0 * math.pi * r2 / n))
        s.update(cho=cho, beta=beta, r2=r2, crit=crit, dfree=dfree, logdetA=logdetA)
        return s

    def unit_quantities(self, theta: np.ndarray, s: dict[str, Any], k: int) -> tuple[np.ndarray, np.ndarray]:
        """For units of level k: Z_g'B⁻¹[X y] (rows) and 1_g'B⁻¹1_g."""
        mp, Tp, f = s["mp"], s["Tp"], s["f"]
        rho = Tp[k] * f[k][:, None]
        mu = mp[k] * f[k]
        nu = mu.copy()
        for a in range(k - 1, -1, -1):
            idx = self.anc[k][a]
            ca = theta[a] ** 2 * f[a][idx]
            rho = rho - (ca * mu)[:, None] * Tp[a][idx]
            nu = nu - ca * mu * mu
            mu = mu * f[a][idx]
        return rho, nu

    def value_and_grad(self, theta: np.ndarray, reml: bool) -> tuple[float, np.ndarray]:
        """The criterion and its gradient with respect to the variance ratios φ_k = θ_k²."""
        s = self.solve(theta, reml)
        p = self.p
        w = np.append(-s["beta"], 1.0)
        grad = np.zeros(self.K)
        for k in range(self.K):
            rho, nu = self.unit_quantities(theta, s, k)
            zr = rho @ w
            tr = float(np.sum(nu))
            if reml:
                RX = rho[:, :p]
                Ainv_RX = linalg.cho_solve(s["cho"], RX.T)
                tr -= float(np.sum(RX.T * Ainv_RX))
            dphi = tr - s["dfree"] * float(zr @ zr) / s["r2"]
            grad[k] = dphi
        return s["crit"], grad

    def chain_kappa(self, theta: np.ndarray, s: dict[str, Any], k: int) -> np.ndarray:
        """κ[i, j] = 1_{x_i}'B⁻¹1_{x_j} for each unit g of level k and its chain x_0 … x_k = g (shape U×(k+1)×(k+1))."""
        mp, f = s["mp"], s["f"]
        anc = self.anc[k]
        U = self.n_units[k]
        # mu[i][l] = 1_{x_i}'B_{x_l}⁻¹1 for l <= i
        mu = [[None] * (i + 1) for i in range(k + 1)]
        for i in range(k + 1):
            mu[i][i] = mp[i][anc[i]] * f[i][anc[i]]
            for l in range(i - 1, -1, -1):
                mu[i][l] = mu[i][l + 1] * f[l][anc[l]]
        kap = np.empty((U, k + 1, k + 1))
        for i in range(k + 1):
            for j in range(i + 1):
                v = mu[i][j].copy()
                for b in range(j - 1, -1, -1):
                    cb = theta[b] ** 2 * f[b][anc[b]]
                    v -= cb * mu[i][b + 1] * mu[j][b + 1]
                kap[:, i, j] = v
                kap[:, j, i] = v
        return kap


def _newton_polish(fun: Any, phi: np.ndarray, max_iter: int = 8) -> tuple[np.ndarray, int, float]:
    """A few safeguarded Newton steps on the profiled criterion (Hessian by differences of the analytic gradient).

    L-BFGS-B stops where its relative tolerance on d is met; Newton from there reaches the optimum to rounding
    error in one or two steps, so estimates do not depend on optimiser tolerances.  Components at the boundary
    φ_k = 0 whose gradient points outward stay there.  Returns φ, the evaluations used, and the largest
    gradient component that is not held by the boundary.
    """
    K = phi.size
    nfev = 0
    f0, g0 = fun(phi)
    nfev += 1
    for _ in range(max_iter):
        free = ~((phi <= 0.0) & (g0 >= 0.0))
        if not np.any(free):
            break
        H = np.empty((K, K))
        for k in range(K):
            h = 1e-5 * max(abs(phi[k]), 1e-3)
            tp, tm = phi.copy(), phi.copy()
            tp[k] += h
            tm[k] = max(tm[k] - h, 0.0)
            gp = fun(tp)[1]
            gm = fun(tm)[1]
            nfev += 2
            H[:, k] = (gp - gm) / (tp[k] - tm[k])
        H = 0.5 * (H + H.T)
        idx = np.flatnonzero(free)
        Hf = H[np.ix_(idx, idx)]
        try:
            if np.any(np.linalg.eigvalsh(Hf) <= 0):
                break
            step = np.zeros(K)
            step[idx] = -np.linalg.solve(Hf, g0[idx])
        except np.linalg.LinAlgError:
            break
        cand = np.maximum(phi + step, 0.0)
        f1, g1 = fun(cand)
        nfev += 1
        if not f1 <= f0 + 1e-12 * max(1.0, abs(f0)):
            break
        small = np.max(np.abs(cand - phi)) <= 1e-12 * max(1.0, float(np.max(phi)))
        phi, f0, g0 = cand, f1, g1
        if small:
            break
    free = ~((phi <= 0.0) & (g0 >= 0.0))
    grad_norm = float(np.max(np.abs(g0[free]))) if np.any(free) else 0.0
    return phi, nfev, grad_norm


def _formula(outcome: str, terms: Sequence[str], groups: Sequence[str]) -> str:
    rhs = " + ".join(terms) if terms else "1"
    re = []
    for k in range(len(groups)):
        re.append("(1 | " + ":".join(groups[: k + 1]) + ")")
    return f"{outcome} ~ {rhs} + " + " + ".join(re)


def fit_multilevel(
    data: pl.DataFrame | Mapping[str, Any],
    outcome: str,
    priors: str | Sequence[str],
    *,
    groups: str | Sequence[str],
    covariates: str | Sequence[str] = (),
    reml: bool = True,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    level: float = DEFAULT_LEVEL,
    as_of: Any = None,
    theta_start: Sequence[float] | None = None,
) -> MultilevelResult:
    """Fit ``outcome ~ 1 + priors + covariates + (1 | g_1) + (1 | g_1:g_2) + …`` by REML (default) or ML.

    ``groups`` lists the grouping columns from the outermost down, e.g. ``("school", "class")``: classes are
    taken as nested in schools (a class label need only be unique within its school), exactly as lme4's
    ``(1 | school/class)``.  Rows with a missing value in any used column are dropped (counted in the
    description).  Categorical covariates get R's treatment coding (see ``design_matrix``).

    Every unit gets its conditional mode (empirical-Bayes estimate) and conditional variance as lme4's
    ``ranef(condVar = TRUE)``; the interval is estimate ± z·√condvar (z = 1.96 for ``level=0.95``).
    Units with fewer than ``min_group_size`` students are returned with status ``too_small`` and no estimate.
    """
    frame = as_frame(data)
    priors_t, covs_t, groups_t = as_names(priors), as_names(covariates), as_names(groups)
    if not priors_t:
        raise ValueError("at least one prior score is needed")
    if not groups_t:
        raise ValueError("at least one grouping column is needed")
    if min_group_size < 1:
        raise ValueError("min_group_size must be >= 1")
    sub, dropped = drop_incomplete(frame, [outcome, *priors_t, *covs_t, *groups_t])
    n = sub.height
    X, names = design_matrix(sub, priors_t, covs_t)
    y = sub[outcome].cast(pl.Float64).to_numpy()
    p = X.shape[1]
    if n <= p + 1:
        raise CannotFit(TOO_FEW_STUDENTS, f"too few students ({n}) for the model", n=n, coefficients=p)
    rank = np.linalg.matrix_rank(X)
    if rank < p:
        raise CannotFit(COLLINEAR, "the fixed-effects design is rank deficient (a prior or covariate is constant "
                                   "or collinear)")

    # unit codes per level (level k = combination of groups[0..k]) and parent maps
    K = len(groups_t)
    codes: list[np.ndarray] = []
    labels: list[pl.DataFrame] = []
    for k in range(K):
        c, lab = group_codes(sub, groups_t[: k + 1])
        codes.append(c)
        labels.append(lab)
    n_units = [lab.height for lab in labels]
    parents: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    for k in range(1, K):
        par = np.empty(n_units[k], dtype=np.int64)
        par[codes[k]] = codes[k - 1]
        parents.append(par)
    for k in range(K):
        if n_units[k] < 2:
            raise CannotFit(TOO_FEW_GROUPS, f"grouping level {groups_t[k]!r} has fewer than 2 units",
                            group=groups_t[k], units=n_units[k])

    # centre the non-intercept columns and y: the fit is invariant, the arithmetic better conditioned
    xbar = X[:, 1:].mean(axis=0)
    ybar = float(y.mean())
    M = np.column_stack([X[:, :1], X[:, 1:] - xbar, y - ybar])
    model = _Nested(M, codes[-1], parents, n_units, p)

    # optimise over the variance ratios φ_k = θ_k² = τ_k²/σ² ≥ 0: at the boundary φ_k = 0 the gradient is the
    # one-sided derivative (in θ it would vanish there and leave the optimiser stuck at a false stationary point)
    def fun(phi: np.ndarray) -> tuple[float, np.ndarray]:
        return model.value_and_grad(np.sqrt(np.maximum(np.asarray(phi, dtype=float), 0.0)), reml)

    phi0 = np.ones(K) if theta_start is None else np.asarray(theta_start, dtype=float) ** 2
    res = optimize.minimize(
        fun, phi0, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * K,
        options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000, "maxcor": 20},
    )
    phi, nfev, grad_norm = _newton_polish(fun, np.asarray(res.x, dtype=float))
    theta = np.sqrt(phi)
    converged = grad_norm < 1e-4
    s = model.solve(theta, reml)
    sigma2 = s["r2"] / (n - p if reml else n)

    # fixed effects back on the original (uncentred) scale: X = Xc·T⁻¹ with Xc = [1, X₁ − x̄]
    beta_c = s["beta"]
    Ainv = linalg.cho_solve(s["cho"], np.eye(p))
    Tm = np.eye(p)
    Tm[0, 1:] = -xbar
    beta = Tm @ beta_c
    beta[0] += ybar
    vcov = sigma2 * (Tm @ Ainv @ Tm.T)
    fixed = pl.DataFrame({"term": names, "estimate": beta, "se": np.sqrt(np.diag(vcov))})

    var_rows = [(groups_t[k] if k == 0 else ":".join(groups_t[: k + 1]), theta[k] ** 2 * sigma2) for k in range(K)]
    var_rows.append(("Residual", sigma2))
    variances = pl.DataFrame(
        {"component": [r[0] for r in var_rows], "variance": [r[1] for r in var_rows],
         "sd": [math.sqrt(r[1]) for r in var_rows]}
    )

    z = z_value(level)
    w = np.append(-beta_c, 1.0)
    out_groups: dict[str, pl.DataFrame] = {}
    modes: list[np.ndarray] = []
    for k in range(K):
        rho, nu = model.unit_quantities(theta, s, k)
        t2 = theta[k] ** 2
        mode = t2 * (rho @ w)
        condvar = sigma2 * (t2 - t2 * t2 * nu)
        condvar = np.maximum(condvar, 0.0)
        modes.append(mode)
        nk = np.bincount(codes[k], minlength=n_units[k])
        ok = nk >= min_group_size
        se = np.sqrt(condvar)
        lo, hi = mode - z * se, mode + z * se
        cols: dict[str, Any] = {c: labels[k][c] for c in labels[k].columns}
        cols.update(
            n=nk,
            status=np.where(ok, STATUS_OK, STATUS_TOO_SMALL),
            estimate=np.where(ok, mode, np.nan),
            condvar=np.where(ok, condvar, np.nan),
            se=np.where(ok, se, np.nan),
            lower=np.where(ok, lo, np.nan),
            upper=np.where(ok, hi, np.nan),
            reading=classify_arrays(mode, lo, hi, ok, 0.0),
        )
        if k > 0:
            kap = model.chain_kappa(theta, s, k)
            t2v = theta[: k + 1] ** 2
            tvar = sigma2 * (t2v.sum() - np.einsum("i,uij,j->u", t2v, kap, t2v))
            tvar = np.maximum(tvar, 0.0)
            total = sum(modes[j][model.anc[k][j]] for j in range(k + 1))
            tse = np.sqrt(tvar)
            tlo, thi = total - z * tse, total + z * tse
            cols.update(
                total=np.where(ok, total, np.nan),
                total_se=np.where(ok, tse, np.nan),
                total_lower=np.where(ok, tlo, np.nan),
                total_upper=np.where(ok, thi, np.nan),
                total_reading=classify_arrays(total, tlo, thi, ok, 0.0),
            )
        frame_k = pl.DataFrame(cols).with_columns(cs.float().fill_nan(None))
        out_groups[groups_t[k]] = frame_k

    loglik = -0.5 * s["crit"]
    singular = bool(np.any(theta < 1e-4))
    terms = [*priors_t, *covs_t]
    desc = ModelDescription(
        model="multilevel value-added (nested random intercepts, empirical-Bayes conditional modes)",
        formula=_formula(outcome, terms, groups_t),
        outcome=outcome,
        priors=priors_t,
        covariates=covs_t,
        groups=groups_t,
        n_students=n,
        n_groups={groups_t[k]: n_units[k] for k in range(K)},
        n_dropped_missing=dropped,
        method="linear mixed model, profiled criterion over φ = τ²/σ² (L-BFGS-B, analytic gradient, Newton polish), as lme4::lmer",
        estimation="REML" if reml else "ML",
        level=level,
        min_group_size=min_group_size,
        date=today(as_of),
        source="Bates, Mächler, Bolker & Walker (2015) J. Stat. Softw. 67(1); Raudenbush & Bryk (2002) ch. 3",
        extra={
            "fixed_terms": names,
            "interval": f"conditional mode ± {z:.4f}·sqrt(conditional variance), as lme4 ranef(condVar = TRUE)",
            "theta": theta.tolist(),
            "converged": converged,
            "optimizer_message": str(res.message),
            "n_evaluations": int(res.nfev) + nfev,
            "gradient_norm": grad_norm,
            "singular": singular,
        },
    )
    return MultilevelResult(
        fixed=fixed,
        variances=variances,
        groups=out_groups,
        theta={var_rows[k][0]: float(theta[k]) for k in range(K)},
        sigma2=float(sigma2),
        criterion=float(s["crit"]),
        loglik=float(loglik),
        converged=converged,
        singular=singular,
        description=desc,
    )
