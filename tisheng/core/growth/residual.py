"""Residual-gain value-added: a group's mean residual from a cohort-wide regression on prior scores.

Model (ordinary least squares over every student of the cohort)::

    y_i = x_i'β + e_i,     x_i = (1, prior score(s), optional covariates)

Value-added of group g (class or school): VA_g = ē_g = (1/n_g) Σ_{i∈g} ê_i, with ê_i = y_i − x_i'β̂.
The residuals sum to zero over the cohort, so VA_g is relative to the cohort's expectation for students with the
same priors.  (exam_analysis.md §5; e.g. Goldstein & Spiegelhalter 1996, "League tables and their limitations",
JRSS A 159; Raudenbush & Willms 1995 "type A" effects.)

Standard error of VA_g, with its interval VA_g ± t_{df, 1−α/2}·SE_g:

- ``cluster`` given (e.g. classes within schools) and g has C_g ≥ 2 clusters: the cluster-robust (CR1) standard
  error of a mean, SE² = C/(C − 1) · Σ_c (Σ_{i∈c}(ê_i − ē_g))² / n_g², df = C − 1 (Liang & Zeger 1986;
  Cameron & Miller 2015, "A practitioner's guide to cluster-robust inference", J. Human Resources 50).  Students
  of one class share their teacher and classroom, so their residuals are not independent; this is what the
  student-level formula would ignore.
- otherwise: SE = s_g/√n_g with s_g² = Σ_{i∈g}(ê_i − ē_g)²/(n_g − 1), df = n_g − 1.

SE_g does not include the sampling error of β̂: the regression uses the whole cohort, which is much larger than
any group.  The coefficients themselves are reported with OLS and cluster-robust (CR1, by group) standard errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import polars.selectors as cs
from scipy import stats

from ._common import (
    COLLINEAR,
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
)

__all__ = ["ResidualGainResult", "residual_gain"]


@dataclass(frozen=True)
class ResidualGainResult:
    """``coefficients``: term, estimate, se (OLS), se_cluster (CR1 by group).
    ``groups``: the group label column(s), n, n_clusters, status, estimate (mean residual), se, df, se_method
    (``cluster`` / ``student``), lower, upper, reading.  ``residuals``: the input rows used (row index into the
    input) with fitted value and residual.  ``sigma``: residual standard deviation; ``r2``: R².
    """

    coefficients: pl.DataFrame
    groups: pl.DataFrame
    residuals: pl.DataFrame
    sigma: float
    r2: float
    description: ModelDescription

    def as_dict(self) -> dict[str, Any]:
        return {
            "coefficients": self.coefficients.to_dicts(),
            "groups": self.groups.to_dicts(),
            "sigma": self.sigma,
            "r2": self.r2,
            "description": self.description.as_dict(),
        }


def residual_gain(
    data: pl.DataFrame | Mapping[str, Any],
    outcome: str,
    priors: str | Sequence[str],
    *,
    group: str | Sequence[str],
    covariates: str | Sequence[str] = (),
    cluster: str | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    level: float = DEFAULT_LEVEL,
    as_of: Any = None,
) -> ResidualGainResult:
    """Regress ``outcome`` on ``priors`` (+ ``covariates``) over all rows; report each group's mean residual.

    ``group``: the column(s) defining a group (e.g. ``"school"`` or ``("school", "class")``).
    ``cluster``: optional column of clusters inside groups (e.g. ``"class"`` when groups are schools); the
    cluster is taken within its group, so class labels need only be unique within a school.
    Groups with fewer than ``min_group_size`` students are returned with status ``too_small`` and no estimate.
    """
    frame = as_frame(data).with_row_index("__row")
    priors_t, covs_t, group_t = as_names(priors), as_names(covariates), as_names(group)
    if not priors_t:
        raise ValueError("at least one prior score is needed")
    if not group_t:
        raise ValueError("a group column is needed")
    if min_group_size < 2:
        raise ValueError("min_group_size must be >= 2 (a standard error needs two students)")
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    cols = ["__row", outcome, *priors_t, *covs_t, *group_t] + ([cluster] if cluster else [])
    sub, dropped = drop_incomplete(frame, cols)
    n = sub.height
    X, names = design_matrix(sub, priors_t, covs_t)
    y = sub[outcome].cast(pl.Float64).to_numpy()
    p = X.shape[1]
    if n <= p:
        raise CannotFit(TOO_FEW_STUDENTS, f"too few students ({n}) for the regression", n=n, coefficients=p)
    Q, R = np.linalg.qr(X)
    if np.min(np.abs(np.diag(R))) <= 1e-10 * np.max(np.abs(np.diag(R))):
        raise CannotFit(COLLINEAR, "the design is rank deficient (a prior or covariate is constant or collinear)")
    beta = np.linalg.solve(R, Q.T @ y)
    fitted = X @ beta
    e = y - fitted
    rss = float(e @ e)
    sigma2 = rss / (n - p)
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - rss / tss if tss > 0 else float("nan")
    Rinv = np.linalg.inv(R)
    XtX_inv = Rinv @ Rinv.T

    gcode, glabels = group_codes(sub, group_t)
    G = glabels.height
    # cluster-robust covariance of β̂ by group (CR1)
    scores = np.column_stack([np.bincount(gcode, weights=X[:, j] * e, minlength=G) for j in range(p)])
    meat = scores.T @ scores
    cr1 = G / (G - 1) * (n - 1) / (n - p) if G > 1 else float("nan")
    V_cl = cr1 * XtX_inv @ meat @ XtX_inv
    coefficients = pl.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "se": np.sqrt(sigma2 * np.diag(XtX_inv)),
            "se_cluster": np.sqrt(np.diag(V_cl)) if G > 1 else np.full(p, np.nan),
        }
    ).with_columns(cs.float().fill_nan(None))

    ng = np.bincount(gcode, minlength=G)
    mean_e = np.bincount(gcode, weights=e, minlength=G) / ng
    dev = e - mean_e[gcode]
    ss = np.bincount(gcode, weights=dev * dev, minlength=G)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_student = np.sqrt(ss / (ng - 1)) / np.sqrt(ng)
    df = (ng - 1).astype(float)
    se = se_student.copy()
    method = np.full(G, "student", dtype=object)
    n_clusters = np.ones(G, dtype=np.int64)
    if cluster:
        ccode, clabels = group_codes(sub, [*group_t, cluster])
        C = clabels.height
        c_group = np.empty(C, dtype=np.int64)
        c_group[ccode] = gcode
        n_clusters = np.bincount(c_group, minlength=G)
        csum = np.bincount(ccode, weights=dev, minlength=C)
        meat_g = np.bincount(c_group, weights=csum * csum, minlength=G)
        use = n_clusters >= 2
        with np.errstate(divide="ignore", invalid="ignore"):
            se_cl = np.sqrt(n_clusters / (n_clusters - 1) * meat_g) / ng
        se = np.where(use, se_cl, se_student)
        df = np.where(use, n_clusters - 1.0, df)
        method = np.where(use, "cluster", "student")
    with np.errstate(invalid="ignore"):
        tq = stats.t.ppf(0.5 + level / 2, np.maximum(df, 1.0))
    lo, hi = mean_e - tq * se, mean_e + tq * se
    ok = ng >= min_group_size
    gcols: dict[str, Any] = {c: glabels[c] for c in glabels.columns}
    gcols.update(
        n=ng,
        n_clusters=n_clusters,
        status=np.where(ok, STATUS_OK, STATUS_TOO_SMALL),
        estimate=np.where(ok, mean_e, np.nan),
        se=np.where(ok, se, np.nan),
        df=np.where(ok, df, np.nan),
        se_method=np.where(ok, method, None).tolist(),
        lower=np.where(ok, lo, np.nan),
        upper=np.where(ok, hi, np.nan),
        reading=classify_arrays(mean_e, lo, hi, ok, 0.0),
    )
    groups = pl.DataFrame(gcols).with_columns(cs.float().fill_nan(None))
    residuals = pl.DataFrame({"row": sub["__row"], "fitted": fitted, "residual": e})

    terms = [*priors_t, *covs_t]
    desc = ModelDescription(
        model="residual gain (mean OLS residual per group)",
        formula=f"{outcome} ~ " + " + ".join(terms),
        outcome=outcome,
        priors=priors_t,
        covariates=covs_t,
        groups=group_t,
        n_students=n,
        n_groups={":".join(group_t): G} | ({cluster: int(n_clusters.sum())} if cluster else {}),
        n_dropped_missing=dropped,
        method="OLS over the cohort; group mean residual; SE "
        + ("cluster-robust CR1 over " + cluster + " within group (student-level if < 2 clusters)" if cluster
           else "student-level s/√n")
        + "; t interval",
        estimation="OLS",
        level=level,
        min_group_size=min_group_size,
        date=today(as_of),
        source="exam_analysis.md §5; Goldstein & Spiegelhalter (1996) JRSS A 159; Cameron & Miller (2015)",
        extra={"fixed_terms": names, "cluster": cluster, "sigma": float(np.sqrt(sigma2)), "r2": r2},
    )
    return ResidualGainResult(
        coefficients=coefficients, groups=groups, residuals=residuals, sigma=float(np.sqrt(sigma2)), r2=r2,
        description=desc,
    )
