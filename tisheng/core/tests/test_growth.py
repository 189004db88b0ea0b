"""Value-added and growth core (tisheng.core.growth): hand-computed cases, stored R references, safeguards.

References (tisheng/core/tests/fixtures/, made by the R scripts in bench/r/):
- growth_lme4.json: lme4 1.1-31 on jsp728 (two levels) and on a synthetic three-level set stored in the fixture;
- growth_sgp.json: quantreg 5.94 ``rq(method = "br")`` SGPs for two grade transitions of the SGPdata set.
The data sets jsp728.csv and SGPdata_sgpData_wide.csv are read from ../shared/datasets (GPL; not copied here).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import optimize, stats

from tisheng.core.growth import (
    CannotFit,
    TooFewStudents,
    SGP_TAUS,
    add_reading_text,
    bspline_basis,
    fit_multilevel,
    group_median_sgp,
    isotonise,
    knots_boundaries,
    percentile_from_quantiles,
    quantile_regression,
    reading,
    residual_gain,
    student_growth_percentiles,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]
DATASETS = REPO.parent / "shared" / "datasets"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _dataset(name: str) -> Path:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} not available (shared/ beside the repository)")
    return path


@pytest.fixture(scope="module")
def lme4_ref() -> dict:
    return _fixture("growth_lme4.json")


@pytest.fixture(scope="module")
def jsp() -> pl.DataFrame:
    return pl.read_csv(_dataset("jsp728.csv")).with_columns(pl.col("school").cast(pl.String))


# --------------------------------------------------------------------------------------------------------------
# residual gain


def _hand_data() -> pl.DataFrame:
    # Group A: y = x + 1 + (−.5, +.5, −.5, +.5); group B: y = x + 3 + (+.5, −.5, +.5, −.5).
    # Pooled OLS: slope 1, intercept 2 (the noise is orthogonal to x); residuals A = (−1.5, −.5, −1.5, −.5),
    # B = (1.5, .5, 1.5, .5).
    return pl.DataFrame(
        {
            "x": [1.0, 2, 3, 4, 1, 2, 3, 4],
            "y": [1.5, 3.5, 3.5, 5.5, 4.5, 4.5, 6.5, 6.5],
            "school": ["A"] * 4 + ["B"] * 4,
            "klass": ["a1", "a2", "a1", "a2", "b1", "b2", "b1", "b2"],
        }
    )


def test_residual_gain_hand_computed():
    res = residual_gain(_hand_data(), "y", "x", group="school", min_group_size=2, as_of="2025-07-01")
    coef = dict(zip(res.coefficients["term"], res.coefficients["estimate"]))
    assert coef["(Intercept)"] == pytest.approx(2.0, abs=1e-12)
    assert coef["x"] == pytest.approx(1.0, abs=1e-12)
    g = {r["school"]: r for r in res.groups.to_dicts()}
    assert g["A"]["estimate"] == pytest.approx(-1.0, abs=1e-12)
    assert g["B"]["estimate"] == pytest.approx(1.0, abs=1e-12)
    # s² = 4·0.25/3 = 1/3; SE = sqrt(1/3)/2; t(3, .975) = 3.182446305
    se = math.sqrt(1 / 3) / 2
    assert g["A"]["se"] == pytest.approx(se, abs=1e-12)
    assert g["A"]["df"] == 3
    assert g["A"]["se_method"] == "student"
    half = 3.182446305284263 * se
    assert g["A"]["lower"] == pytest.approx(-1 - half, abs=1e-9)
    assert g["A"]["upper"] == pytest.approx(-1 + half, abs=1e-9)
    assert g["A"]["reading"] == "below" and g["B"]["reading"] == "above"
    # residuals come back per input row
    assert res.residuals["residual"].to_list() == pytest.approx([-1.5, -0.5, -1.5, -0.5, 1.5, 0.5, 1.5, 0.5])
    d = res.description.as_dict()
    assert d["formula"] == "y ~ x" and d["n_students"] == 8 and d["n_groups"] == {"school": 2}
    assert d["date"] == "2025-07-01" and d["estimation"] == "OLS"


def test_residual_gain_cluster_standard_error():
    # Classes inside school A: a1 = rows 1, 3 (residuals −1.5, −1.5), a2 = rows 2, 4 (−.5, −.5).
    # Deviations from the mean −1 summed by class: −1, +1.  CR1: 2/(2−1)·(1 + 1)/4² = 0.25 → SE 0.5, df 1.
    res = residual_gain(_hand_data(), "y", "x", group="school", cluster="klass", min_group_size=2)
    g = {r["school"]: r for r in res.groups.to_dicts()}
    assert g["A"]["se"] == pytest.approx(0.5, abs=1e-12)
    assert g["A"]["df"] == 1 and g["A"]["n_clusters"] == 2 and g["A"]["se_method"] == "cluster"
    assert g["A"]["lower"] == pytest.approx(-1 - 12.706204736174707 * 0.5, abs=1e-9)
    assert g["A"]["reading"] == "not_different"
    # coefficients: OLS and cluster-robust standard errors are both reported
    assert set(res.coefficients.columns) >= {"se", "se_cluster"}


def test_residual_gain_too_small_groups_flagged():
    rng = np.random.default_rng(1)
    n = 60
    school = np.array(["big"] * 50 + ["tiny"] * 9 + ["one"])
    x = rng.normal(50, 10, n)
    y = 5 + 0.9 * x + rng.normal(0, 5, n)
    res = residual_gain({"x": x, "y": y, "school": school}, "y", "x", group="school")
    g = {r["school"]: r for r in res.groups.to_dicts()}
    assert g["big"]["status"] == "ok" and g["big"]["estimate"] is not None
    for s, n_s in (("tiny", 9), ("one", 1)):
        assert g[s]["status"] == "too_small" and g[s]["n"] == n_s
        assert g[s]["estimate"] is None and g[s]["lower"] is None and g[s]["upper"] is None
        assert g[s]["reading"] == "too_small"
    assert res.description.min_group_size == 10


def test_residual_gain_drops_incomplete_rows():
    df = _hand_data().with_columns(pl.Series("y", [1.5, 3.5, 3.5, 5.5, 4.5, 4.5, 6.5, None]))
    res = residual_gain(df, "y", "x", group="school", min_group_size=2)
    assert res.description.n_students == 7 and res.description.n_dropped_missing == 1
    assert res.residuals["row"].to_list() == [0, 1, 2, 3, 4, 5, 6]


# --------------------------------------------------------------------------------------------------------------
# multilevel vs lme4


def _compare_lme4(res, ref: dict, levels: dict[str, str], tol: float) -> None:
    fixef = dict(zip(res.fixed["term"], res.fixed["estimate"]))
    se = dict(zip(res.fixed["term"], res.fixed["se"]))
    assert set(fixef) == set(ref["fixef"])
    for t, v in ref["fixef"].items():
        assert fixef[t] == pytest.approx(v, abs=tol, rel=tol), t
        assert se[t] == pytest.approx(ref["fixef_se"][t], abs=tol, rel=tol), t
    assert res.sigma2 == pytest.approx(ref["sigma2"], abs=tol, rel=tol)
    var = dict(zip(res.variances["component"], res.variances["variance"]))
    for ours, theirs in levels.items():
        comp = [c for c in var if c.split(":")[-1] == ours][0]
        assert var[comp] == pytest.approx(ref["variances"][theirs], abs=tol, rel=tol), ours
    assert res.criterion == pytest.approx(ref["criterion"], abs=1e-6)
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-6)
    for ours, theirs in levels.items():
        g = res.groups[ours]
        mode = dict(zip(g[ours].cast(pl.String), g["estimate"]))
        cv = dict(zip(g[ours].cast(pl.String), g["condvar"]))
        rg = ref["groups"][theirs]
        assert len(rg["level"]) == g.height
        for lab, m, v in zip(rg["level"], rg["condmode"], rg["condvar"]):
            assert mode[lab] == pytest.approx(m, abs=tol), (ours, lab)
            assert cv[lab] == pytest.approx(v, abs=tol), (ours, lab)


@pytest.mark.parametrize(
    ("key", "covariates"),
    [("school_reml", ()), ("school_ml", ()), ("school_covariates_reml", ("gender", "class"))],
)
def test_multilevel_reproduces_lme4_on_jsp728(lme4_ref, jsp, key, covariates):
    ref = lme4_ref["jsp728"][key]
    res = fit_multilevel(jsp, "mathAge11", "mathAge8", groups="school", covariates=covariates, reml=ref["reml"],
                         min_group_size=1)
    assert res.converged
    # lme4 with its default optimiser settings, and lme4 converged to ~1e-10 ("tight")
    _compare_lme4(res, ref["default"], {"school": "school"}, tol=1e-5)
    _compare_lme4(res, ref["tight"], {"school": "school"}, tol=1e-6)
    assert res.theta["school"] == pytest.approx(ref["tight"]["theta"]["school.(Intercept)"], abs=1e-7)
    d = res.description.as_dict()
    assert d["formula"].startswith("mathAge11 ~ mathAge8") and d["formula"].endswith("(1 | school)")
    assert d["estimation"] == ("REML" if ref["reml"] else "ML")
    assert d["n_students"] == 728 and d["n_groups"] == {"school": 48}


@pytest.mark.parametrize("key", ["nested_reml", "nested_ml"])
def test_multilevel_reproduces_lme4_three_levels(lme4_ref, key):
    syn = lme4_ref["synthetic3"]
    ref = syn[key]
    data = pl.DataFrame(syn["data"], strict=False)
    res = fit_multilevel(data, "score", "prior", groups=("school", "class"), covariates="girl", reml=ref["reml"],
                         min_group_size=1)
    assert res.converged
    levels = {"school": "school", "class": "class"}
    _compare_lme4(res, ref["default"], levels, tol=1e-4)
    _compare_lme4(res, ref["tight"], levels, tol=1e-5)


@pytest.mark.parametrize("key", ["seed2", "seed3"])
def test_multilevel_boundary_fit_matches_lme4(lme4_ref, key):
    """School variance on the boundary (0, lme4 "singular"), a small class variance inside it."""
    case = lme4_ref["boundary"][key]
    ref = case["nested_reml"]
    data = pl.DataFrame(case["data"], strict=False)
    res = fit_multilevel(data, "y", "x", groups=("school", "class"), min_group_size=1)
    assert res.converged and res.singular and ref["tight"]["singular"]
    assert res.theta["school"] == pytest.approx(0.0, abs=1e-7)
    levels = {"school": "school", "class": "class"}
    _compare_lme4(res, ref["default"], levels, tol=1e-5)
    _compare_lme4(res, ref["tight"], levels, tol=1e-6)
    assert res.theta["school:class"] == pytest.approx(ref["tight"]["theta"]["class.(Intercept)"], abs=1e-6)


def test_multilevel_three_levels_against_dense_algebra(lme4_ref):
    """Conditional variances, and the class total (school + class) variance, by brute-force matrices."""
    data = pl.DataFrame(lme4_ref["synthetic3"]["data"], strict=False)
    res = fit_multilevel(data, "score", "prior", groups=("school", "class"), covariates="girl", min_group_size=1)
    schools = res.groups["school"]["school"].to_list()
    classes = res.groups["class"]["class"].to_list()
    n = data.height
    Zs = (data["school"].to_numpy()[:, None] == np.array(schools)[None, :]).astype(float)
    Zc = (data["class"].to_numpy()[:, None] == np.array(classes)[None, :]).astype(float)
    var = dict(zip(res.variances["component"], res.variances["variance"]))
    ts2, tc2, s2 = var["school"], var["school:class"], var["Residual"]
    Z = np.hstack([Zs, Zc])
    D = np.diag([ts2] * len(schools) + [tc2] * len(classes))
    V = s2 * np.eye(n) + Z @ D @ Z.T
    X = np.column_stack([np.ones(n), data["prior"].to_numpy(), data["girl"].to_numpy()])
    y = data["score"].to_numpy()
    Vi = np.linalg.inv(V)
    beta = np.linalg.solve(X.T @ Vi @ X, X.T @ Vi @ y)
    u = D @ Z.T @ Vi @ (y - X @ beta)
    C = D - D @ Z.T @ Vi @ Z @ D
    ns = len(schools)
    assert res.groups["school"]["estimate"].to_numpy() == pytest.approx(u[:ns], abs=1e-8)
    assert res.groups["class"]["estimate"].to_numpy() == pytest.approx(u[ns:], abs=1e-8)
    assert res.groups["school"]["condvar"].to_numpy() == pytest.approx(np.diag(C)[:ns], abs=1e-8)
    assert res.groups["class"]["condvar"].to_numpy() == pytest.approx(np.diag(C)[ns:], abs=1e-8)
    # total effect of a class = its school's + its own; variance includes their (negative) covariance
    cls = res.groups["class"]
    school_of = [schools.index(s) for s in cls["school"].to_list()]
    for j, si in enumerate(school_of):
        w = np.zeros(ns + len(classes))
        w[si] = 1
        w[ns + j] = 1
        assert cls["total"][j] == pytest.approx(w @ u, abs=1e-8)
        assert cls["total_se"][j] == pytest.approx(math.sqrt(w @ C @ w), abs=1e-8)


def test_multilevel_shrinkage_properties(jsp):
    res = fit_multilevel(jsp, "mathAge11", "mathAge8", groups="school", min_group_size=1)
    var = dict(zip(res.variances["component"], res.variances["variance"]))
    tau2, sigma2 = var["school"], var["Residual"]
    beta = dict(zip(res.fixed["term"], res.fixed["estimate"]))
    r = jsp["mathAge11"].to_numpy() - beta["(Intercept)"] - beta["mathAge8"] * jsp["mathAge8"].to_numpy()
    rbar = pl.DataFrame({"school": jsp["school"], "r": r}).group_by("school").agg(pl.col("r").mean())
    g = res.groups["school"].join(rbar, on="school")
    n = g["n"].to_numpy()
    lam = tau2 / (tau2 + sigma2 / n)
    # exam_analysis.md §5: û_j = λ_j r̄_j, V_j = τ²(1 − λ_j), interval û ± 1.96 √V
    assert g["estimate"].to_numpy() == pytest.approx(lam * g["r"].to_numpy(), abs=1e-10)
    assert g["condvar"].to_numpy() == pytest.approx(tau2 * (1 - lam), abs=1e-10)
    assert (g["upper"] - g["estimate"]).to_numpy() == pytest.approx(1.959963984540054 * np.sqrt(tau2 * (1 - lam)))
    # smaller schools shrink more (smaller λ) and have wider intervals
    order = np.argsort(n)
    assert np.all(np.diff(lam[order]) >= 0)
    assert np.all(np.diff(g["condvar"].to_numpy()[order]) <= 1e-12)
    # every estimate is pulled towards 0 relative to the raw mean residual
    assert np.all(np.abs(g["estimate"].to_numpy()) <= np.abs(g["r"].to_numpy()) + 1e-12)


def test_multilevel_too_small_groups_flagged(lme4_ref):
    data = pl.DataFrame(lme4_ref["synthetic3"]["data"], strict=False)
    res = fit_multilevel(data, "score", "prior", groups=("school", "class"), covariates="girl", as_of="2025-07-01")
    cls = res.groups["class"]
    small = cls.filter(pl.col("n") < 10)
    assert small.height > 0
    assert small["status"].unique().to_list() == ["too_small"]
    for c in ("estimate", "se", "lower", "upper", "total", "total_lower", "total_upper"):
        assert small[c].null_count() == small.height
    assert small["reading"].unique().to_list() == ["too_small"]
    big = cls.filter(pl.col("n") >= 10)
    assert big["estimate"].null_count() == 0 and set(big["status"]) == {"ok"}
    # the small classes still inform the fit: same variances as with min_group_size=1
    res1 = fit_multilevel(data, "score", "prior", groups=("school", "class"), covariates="girl", min_group_size=1)
    assert res.variances["variance"].to_list() == pytest.approx(res1.variances["variance"].to_list())
    d = res.description.as_dict()
    assert d["n_groups"] == {"school": 12, "class": cls.height} and d["min_group_size"] == 10
    assert d["date"] == "2025-07-01" and d["level"] == 0.95
    assert "(1 | school) + (1 | school:class)" in d["formula"]


def test_multilevel_interval_level(jsp):
    r95 = fit_multilevel(jsp, "mathAge11", "mathAge8", groups="school", min_group_size=1)
    r80 = fit_multilevel(jsp, "mathAge11", "mathAge8", groups="school", level=0.80, min_group_size=1)
    g95, g80 = r95.groups["school"], r80.groups["school"]
    z80 = stats.norm.ppf(0.9)
    assert (g80["upper"] - g80["estimate"]).to_numpy() == pytest.approx(z80 * g95["se"].to_numpy())


# --------------------------------------------------------------------------------------------------------------
# readings


def test_reading_texts():
    assert reading(2.0, 0.5, 3.5) == "高于预期，且区间不含0（95%区间）"
    assert reading(2.0, 0.5, 3.5, lang="en") == (
        "above expectation, and the interval does not include zero (95% interval)"
    )
    assert reading(0.3, -1.0, 1.6) == "与预期无显著差异（95%区间含0）"
    assert reading(0.3, -1.0, 1.6, lang="en").startswith("not significantly different from expectation")
    assert reading(-2.0, -3.0, -0.2) == "低于预期，且区间不含0（95%区间）"
    assert reading(-2.0, -3.0, -0.2, lang="en").startswith("below expectation, and the interval does not include")
    assert reading(None, n=6, min_group_size=10) == "人数不足（6人，少于10人），不报告估计"
    assert reading(None, lang="en", n=6, min_group_size=10).startswith("too few students (6, fewer than 10)")
    assert reading(61, 55, 66, reference=50, kind="sgp") == "高于典型增长（SGP 50），且区间不含50（95%区间）"
    with pytest.raises(ValueError):
        reading(1, 0, 2, lang="fr")


def test_reading_columns_and_serialisable_results(lme4_ref):
    data = pl.DataFrame(lme4_ref["synthetic3"]["data"], strict=False)
    res = fit_multilevel(data, "score", "prior", groups=("school", "class"), covariates="girl", as_of="2025-07-01")
    cls = add_reading_text(res.groups["class"], lang="zh", min_group_size=10)
    cls = add_reading_text(cls, lang="en", min_group_size=10)
    for row in cls.to_dicts():
        if row["status"] == "too_small":
            assert row["reading_zh"].startswith("人数不足") and row["reading_en"].startswith("too few students")
        elif row["reading"] == "above":
            assert row["reading_zh"].startswith("高于预期，且区间不含0")
        elif row["reading"] == "below":
            assert row["reading_zh"].startswith("低于预期，且区间不含0")
        else:
            assert row["reading_zh"].startswith("与预期无显著差异")
    # results carry everything needed to reproduce a figure, and serialise to JSON
    text = json.dumps(res.as_dict(), ensure_ascii=False, allow_nan=False)
    back = json.loads(text)["description"]
    assert back["estimation"] == "REML" and back["n_students"] == data.height and back["date"] == "2025-07-01"
    assert back["priors"] == ["prior"] and back["covariates"] == ["girl"] and back["groups"] == ["school", "class"]
    assert "REML" in res.description.text() and "学生" in res.description.text("zh")
    rg = residual_gain(data, "score", "prior", group="school", cluster="class")
    json.dumps(rg.as_dict(), allow_nan=False)


# --------------------------------------------------------------------------------------------------------------
# growth percentiles


def test_knots_boundaries_and_basis():
    x = np.array([500.0, 520, 530, 545, 560, 580, 600, 610, 640, 700])
    knots, bounds = knots_boundaries(x)
    assert knots.tolist() == pytest.approx(np.quantile(x, [0.2, 0.4, 0.6, 0.8]).round(3).tolist())
    assert bounds.tolist() == [480.0, 720.0]  # range 200, extended by 20 each side
    B = bspline_basis(x, knots, bounds)
    assert B.shape == (10, 7)
    # with the dropped first column the rows sum to 1 − B_1(x) ≤ 1 (partition of unity)
    assert np.all(B >= 0) and np.all(B.sum(axis=1) <= 1 + 1e-12)
    with pytest.raises(ValueError):
        bspline_basis(np.array([470.0]), knots, bounds)


def test_quantile_regression_matches_exact_lp():
    """The interior-point + vertex solver reaches the LP optimum (HiGHS) on a small problem with ties."""
    rng = np.random.default_rng(7)
    n = 300
    x = np.round(rng.normal(600, 40, n))
    y = np.round(0.8 * x + 130 + rng.standard_t(5, n) * 15)
    k, b = knots_boundaries(x)
    X = np.column_stack([np.ones(n), bspline_basis(x, k, b)])
    taus = np.array([0.005, 0.1, 0.5, 0.9, 0.995])
    coef, info = quantile_regression(X, y, taus)
    p = X.shape[1]
    for j, tau in enumerate(taus):
        # min τ·1'u + (1−τ)·1'v  s.t. Xb + u − v = y, u, v ≥ 0
        c = np.concatenate([np.zeros(p), np.full(n, tau), np.full(n, 1 - tau)])
        A = np.hstack([X, np.eye(n), -np.eye(n)])
        lp = optimize.linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] * p + [(0, None)] * (2 * n), method="highs")
        res = y - X @ coef[:, j]
        loss = float(np.sum(res * (tau - (res < 0))))
        assert loss == pytest.approx(lp.fun, rel=1e-9, abs=1e-7)
        # a vertex: at least p observations exactly on the fitted quantile
        assert np.sum(np.abs(res) < 1e-7) >= p
    assert info["vertices"] == len(taus)


def test_isotonisation_and_clamping():
    Q = np.array([[10.0, 12.0, 11.0, 13.0], [5.0, 4.0, 6.0, 7.0]])
    Qs = isotonise(Q)
    assert Qs.tolist() == [[10, 11, 12, 13], [4, 5, 6, 7]]
    assert np.all(np.diff(Qs, axis=1) >= 0)
    y = np.array([11.5, 4.5])
    # the count below the score is the same before and after sorting
    assert percentile_from_quantiles(Q, y, clamp=False).tolist() == percentile_from_quantiles(Qs, y, clamp=False).tolist()
    # clamping: a score below every predicted quantile is SGP 1, above every one is 99 (with 100 quantiles)
    Q100 = np.tile(np.linspace(400, 700, 100), (3, 1))
    sgp = percentile_from_quantiles(Q100, np.array([100.0, 1000.0, 550.0]))
    assert sgp.tolist() == [1, 99, 50]
    # predictions are rounded to 5 decimals first: a score equal to a quantile up to rounding is not above it
    Qt = np.array([[1.0, 2.0 + 4e-6, 3.0]])
    assert percentile_from_quantiles(Qt, np.array([2.0]), clamp=False).tolist() == [1]
    Qt2 = np.array([[1.0, 2.0 - 4e-6, 3.0]])
    assert percentile_from_quantiles(Qt2, np.array([2.0]), clamp=False).tolist() == [1]


@pytest.fixture(scope="module")
def sgp_ref() -> dict:
    return _fixture("growth_sgp.json")


@pytest.fixture(scope="module")
def sgp_wide() -> pl.DataFrame:
    return pl.read_csv(_dataset("SGPdata_sgpData_wide.csv")).sort("ID")


@pytest.mark.parametrize(
    ("key", "years"),
    [("one_prior", (2023,)), ("two_priors", (2022, 2023))],
)
def test_sgp_matches_quantreg(sgp_ref, sgp_wide, key, years):
    ref = sgp_ref[key]
    grades = {2022: 3, 2023: 4, 2024: 5}
    cond = [(pl.col(f"GRADE_{yr}") == grades[yr]) & pl.col(f"SS_{yr}").is_not_null() for yr in (*years, 2024)]
    d = sgp_wide.filter(pl.all_horizontal(cond))
    assert d.height == ref["n"] and int(d["ID"].sum()) == int(ref["id_sum"])
    priors = [f"SS_{yr}" for yr in years]
    res = student_growth_percentiles(d, "SS_2024", priors, id_column="ID", as_of="2025-07-01")
    for pr, name in zip(priors, ref["knots"]):
        assert res.knots[pr] == pytest.approx(ref["knots"][name])
        assert res.boundaries[pr] == pytest.approx(ref["boundaries"][name])
    ours = res.students["sgp"].to_numpy()
    theirs = np.asarray(ref["SGP"])
    identical = float(np.mean(ours == theirs))
    assert identical >= 0.999, f"{identical:.4%} identical"
    assert np.max(np.abs(ours - theirs)) <= 1
    assert ours.min() >= 1 and ours.max() <= 99
    # cuts are monotone in the percentile
    cuts = res.students.select("cut_1", "cut_35", "cut_65", "cut_99").to_numpy()
    assert np.all(np.diff(cuts, axis=1) >= 0)
    d_ = res.description.as_dict()
    assert d_["n_students"] == ref["n"] and d_["vertex_solutions"] == 100
    json.dumps(res.as_dict(students=False), allow_nan=False)


def test_group_median_sgp_interval_and_too_small():
    sgp = np.concatenate([np.arange(1, 100), np.full(30, 80), np.arange(20, 29)])
    grp = ["wide"] * 99 + ["high"] * 30 + ["tiny"] * 9
    out, desc = group_median_sgp(pl.DataFrame({"g": grp, "sgp": sgp}), "g", as_of="2025-07-01")
    rows = {r["g"]: r for r in out.to_dicts()}
    # n = 99: P(Bin(99, ½) ≤ 39) = 0.0230 ≤ .025 < P(≤ 40): interval = [x_(40), x_(60)] = [40, 60]
    assert stats.binom.cdf(39, 99, 0.5) <= 0.025 < stats.binom.cdf(40, 99, 0.5)
    assert rows["wide"]["median_sgp"] == 50 and (rows["wide"]["lower"], rows["wide"]["upper"]) == (40, 60)
    assert rows["wide"]["reading"] == "not_different"
    assert rows["high"]["median_sgp"] == 80 and rows["high"]["reading"] == "above"
    assert rows["tiny"]["status"] == "too_small" and rows["tiny"]["median_sgp"] is None
    assert rows["tiny"]["reading"] == "too_small"
    assert desc.n_students == 138 and desc.date == "2025-07-01"


def test_sgp_taus():
    assert SGP_TAUS[0] == pytest.approx(0.005) and SGP_TAUS[-1] == pytest.approx(0.995) and SGP_TAUS.size == 100


def test_a_cohort_too_small_for_the_quantile_regressions_says_how_small():
    """Ten students per coefficient: 40 students with one prior (an intercept and 7 spline columns) are
    refused, with the numbers for the page to say in the reader's language."""
    rng = np.random.default_rng(3)
    prior = rng.normal(500, 50, 40)
    d = pl.DataFrame({"id": range(40), "prior": prior, "score": prior + rng.normal(0, 20, 40)})
    with pytest.raises(TooFewStudents) as refused:
        student_growth_percentiles(d, "score", ["prior"], id_column="id")
    assert (refused.value.n, refused.value.coefficients) == (40, 8)
    assert isinstance(refused.value, ValueError)  # callers that catch ValueError still do


def _cohort(n_classes: int, per_class: int, seed: int = 5) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_classes * per_class
    prior = rng.normal(500, 50, n)
    return pl.DataFrame({"id": range(n), "class": [f"c{i % n_classes}" for i in range(n)], "prior": prior,
                         "score": prior + rng.normal(0, 20, n)})


@pytest.mark.parametrize(("call", "reason", "params"), [
    (lambda d: fit_multilevel(d.head(3), "score", ["prior"], groups=["class"]), "too_few_students",
     {"n": 3, "coefficients": 2}),
    (lambda d: fit_multilevel(d.filter(pl.col("class") == "c0"), "score", ["prior"], groups=["class"]),
     "too_few_groups", {"group": "class", "units": 1}),
    (lambda d: fit_multilevel(d.with_columns(prior=pl.lit(500.0)), "score", ["prior"], groups=["class"]),
     "collinear", {}),
    (lambda d: residual_gain(d.head(2), "score", ["prior"], group="class"), "too_few_students",
     {"n": 2, "coefficients": 2}),
    (lambda d: residual_gain(d.with_columns(prior=pl.lit(500.0)), "score", ["prior"], group="class"), "collinear",
     {}),
    (lambda d: student_growth_percentiles(d.with_columns(prior=(pl.col("prior") > 500).cast(pl.Float64)), "score",
                                         ["prior"], id_column="id"), "too_few_values", {}),
])
def test_data_that_cannot_carry_a_model_say_why_with_a_key_and_the_numbers(call, reason, params):
    """The application words these in the reader's language (evaluation.present.why_not)."""
    with pytest.raises(CannotFit) as refused:
        call(_cohort(4, 30))
    assert (refused.value.reason, refused.value.params) == (reason, params)
