"""Benchmark: the value-added core (tisheng.core.growth) against R in the same run.

    python bench/value_added.py [--students 100000] [--classes 2000] [--schools 200] [--sgp-students 10000]
                                [--repeats 3] [--seed 20250701] [--no-r] [--json OUT.json]

1. Multilevel: generates ``--students`` pupils in ``--classes`` classes in ``--schools`` schools (fixed seed,
   unequal class sizes around the mean, known true school and class effects: τ_school = 3, τ_class = 2, σ = 6,
   score = 10 + 0.8·prior + 1.5·girl + u_school + u_class + e).  Times ``fit_multilevel`` (REML, three levels,
   data already in memory, best of ``--repeats``) and lme4 ``lmer(score ~ prior + girl + (1|school) + (1|class))``
   plus ``ranef(condVar = TRUE)`` (bench/r/lme4_bench.R, also in memory, best of ``--repeats``); reports the
   largest absolute differences of fixed effects, variances, conditional modes and conditional variances, and
   the correlation of the estimates with the true effects.
2. Growth percentiles: a synthetic cohort of ``--sgp-students`` with two integer prior scores (ties as in real
   scale scores); ``student_growth_percentiles`` against quantreg ``rq(method = "br")`` (bench/r/sgp_reference.R),
   times of both (R: the rq call only) and the share of identical SGPs.  With ../shared/datasets present, the
   same for the two SGPdata transitions of the test fixture.

Times are wall-clock and process CPU (Python ``time.process_time``, R ``user + system``), best of the repeats:
on a shared machine the CPU times are the steadier comparison.  BLAS is limited to one thread (OPENBLAS_NUM_THREADS=1 and friends, set before NumPy loads) for Python and R
alike: the matrices are small, threads only add contention on a shared 2-core machine.  R's Debian build uses
the reference BLAS, single-threaded.
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tisheng.core.growth import fit_multilevel, student_growth_percentiles  # noqa: E402

R_DIR = REPO / "bench" / "r"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def three_level_data(n: int, n_class: int, n_school: int, seed: int) -> tuple[pl.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    classes_per_school = np.full(n_school, n_class // n_school)
    classes_per_school[: n_class % n_school] += 1
    class_school = np.repeat(np.arange(n_school), classes_per_school)
    # unequal class sizes (about 0.5x to 1.5x the mean), summing to n
    w = rng.uniform(0.5, 1.5, n_class)
    sizes = np.floor(w / w.sum() * n).astype(int)
    sizes[: n - sizes.sum()] += 1
    cls = np.repeat(np.arange(n_class), sizes)
    sch = class_school[cls]
    u_s = rng.normal(0, 3.0, n_school)
    u_c = rng.normal(0, 2.0, n_class)
    prior = np.round(rng.normal(70, 12, n), 1)
    girl = rng.integers(0, 2, n)
    score = np.round(10 + 0.8 * prior + 1.5 * girl + u_s[sch] + u_c[cls] + rng.normal(0, 6.0, n), 1)
    school_lab = np.array([f"S{i:03d}" for i in range(n_school)])
    class_lab = np.array([f"S{class_school[j]:03d}C{j:04d}" for j in range(n_class)])
    df = pl.DataFrame({"school": school_lab[sch], "class": class_lab[cls], "prior": prior, "girl": girl,
                       "score": score})
    truth = {"school": dict(zip(school_lab, u_s)), "class": dict(zip(class_lab, u_c))}
    return df, truth


def sgp_cohort(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    ability = rng.normal(0, 1, n)
    p1 = np.round(560 + 40 * (0.9 * ability + 0.44 * rng.normal(0, 1, n)))
    p2 = np.round(590 + 40 * (0.93 * ability + 0.37 * rng.normal(0, 1, n)))
    growth = rng.standard_t(6, n)
    score = np.round(615 + 38 * (0.92 * ability + 0.3 * growth + 0.1 * rng.normal(0, 1, n)) + 0.0005 * (p2 - 590) ** 2)
    return pl.DataFrame({"ID": np.arange(1, n + 1), "score": score, "prior_1": p1, "prior_2": p2})


def run_r(script: str, *args: str) -> None:
    subprocess.run(["Rscript", str(R_DIR / script), *args], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)


def _agreement(res, r: dict) -> dict:
    """Largest absolute differences between our fit and one lme4 fit (R's JSON)."""
    out: dict = {}
    fx = dict(zip(res.fixed["term"], res.fixed["estimate"]))
    out["maxabs_fixef"] = max(abs(fx[k] - v) for k, v in r["fixef"].items())
    var = dict(zip(res.variances["component"], res.variances["variance"]))
    out["maxabs_variance"] = max(abs(var["school"] - r["variances"]["school"]),
                                 abs(var["school:class"] - r["variances"]["class"]),
                                 abs(var["Residual"] - r["sigma2"]))
    out["max_relative_variance"] = max(abs(var["school"] / r["variances"]["school"] - 1),
                                       abs(var["school:class"] / r["variances"]["class"] - 1),
                                       abs(var["Residual"] / r["sigma2"] - 1))
    out["criterion_python_minus_r"] = res.criterion - r["criterion"]
    for lvl in ("school", "class"):
        g = res.groups[lvl]
        mode = dict(zip(g[lvl].to_list(), g["estimate"].to_list()))
        cv = dict(zip(g[lvl].to_list(), g["condvar"].to_list()))
        out[f"maxabs_condmode_{lvl}"] = max(abs(mode[k] - m) for k, m in zip(r[lvl]["level"], r[lvl]["condmode"]))
        out[f"maxabs_condvar_{lvl}"] = max(abs(cv[k] - m) for k, m in zip(r[lvl]["level"], r[lvl]["condvar"]))
    return out


def bench_multilevel(args: argparse.Namespace, tmp: Path, report: dict) -> None:
    df, truth = three_level_data(args.students, args.classes, args.schools, args.seed)
    times, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        res = fit_multilevel(df, "score", "prior", groups=("school", "class"), covariates="girl", min_group_size=1)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out: dict = {"n_students": df.height, "n_classes": args.classes, "n_schools": args.schools,
                 "python_seconds": times, "python_cpu_seconds": cpu, "python_best": min(times),
                 "python_cpu_best": min(cpu), "converged": res.converged,
                 "python_evaluations": res.description.extra["n_evaluations"]}
    # the estimates against the truth
    for lvl in ("school", "class"):
        g = res.groups[lvl]
        est = g["estimate"].to_numpy()
        tru = np.array([truth[lvl][k] for k in g[lvl].to_list()])
        out[f"corr_truth_{lvl}"] = float(np.corrcoef(est, tru)[0, 1])
        cover = (g["lower"].to_numpy() <= tru) & (tru <= g["upper"].to_numpy())
        out[f"coverage95_{lvl}"] = float(np.mean(cover))
    if not args.no_r:
        csv = tmp / "ml.csv"
        df.write_csv(csv)
        rj = tmp / "ml_r.json"
        run_r("lme4_bench.R", str(csv), str(rj), str(args.repeats))
        r = json.loads(rj.read_text())
        out["r_seconds"] = r["seconds"]
        out["r_cpu_seconds"] = r["cpu_seconds"]
        out["r_best"] = min(r["seconds"])
        out["r_cpu_best"] = min(r["cpu_seconds"])
        out["ratio_r_over_python"] = out["r_best"] / out["python_best"]
        out["ratio_r_over_python_cpu"] = out["r_cpu_best"] / out["python_cpu_best"]
        out["lme4_version"] = r["lme4_version"]
        out["vs_lme4_default"] = _agreement(res, r)
        out["vs_lme4_tight"] = _agreement(res, r["tight"])
    report["multilevel"] = out


def bench_sgp_one(name: str, d: pl.DataFrame, args: argparse.Namespace, tmp: Path) -> dict:
    priors = [c for c in d.columns if c.startswith("prior_")]
    times, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        res = student_growth_percentiles(d, "score", priors, id_column="ID")
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out: dict = {"n_students": d.height, "n_priors": len(priors), "python_seconds": times,
                 "python_cpu_seconds": cpu, "python_best": min(times), "python_cpu_best": min(cpu),
                 "vertex_solutions": res.description.extra["vertex_solutions"]}
    if not args.no_r:
        csv = tmp / f"{name}.csv"
        d.write_csv(csv)
        for method in ("br", "fn"):
            rj = tmp / f"{name}_{method}.json"
            run_r("sgp_reference.R", "run", str(csv), str(rj), method)
            r = json.loads(rj.read_text())
            ours = res.students["sgp"].to_numpy()
            theirs = np.asarray(r["SGP"])
            out[f"r_{method}_seconds"] = r["rq_seconds"]
            out[f"r_{method}_cpu_seconds"] = r["rq_cpu_seconds"]
            out[f"identical_vs_{method}"] = float(np.mean(ours == theirs))
            out[f"max_absdiff_vs_{method}"] = int(np.max(np.abs(ours - theirs)))
        out["ratio_r_br_over_python"] = out["r_br_seconds"] / out["python_best"]
        out["ratio_r_br_over_python_cpu"] = out["r_br_cpu_seconds"] / out["python_cpu_best"]
    return out


def bench_sgp(args: argparse.Namespace, tmp: Path, report: dict) -> None:
    res = {"synthetic": bench_sgp_one("sgp_synthetic", sgp_cohort(args.sgp_students, args.seed + 1), args, tmp)}
    wide = REPO.parent / "shared" / "datasets" / "SGPdata_sgpData_wide.csv"
    if wide.exists():
        w = pl.read_csv(wide).sort("ID")
        one = w.filter((pl.col("GRADE_2023") == 4) & (pl.col("GRADE_2024") == 5)
                       & pl.col("SS_2023").is_not_null() & pl.col("SS_2024").is_not_null())
        res["sgpdata_g4_g5"] = bench_sgp_one(
            "sgpdata_one", one.select("ID", pl.col("SS_2024").alias("score"), pl.col("SS_2023").alias("prior_1")),
            args, tmp)
        two = w.filter((pl.col("GRADE_2022") == 3) & (pl.col("GRADE_2023") == 4) & (pl.col("GRADE_2024") == 5)
                       & pl.col("SS_2022").is_not_null() & pl.col("SS_2023").is_not_null()
                       & pl.col("SS_2024").is_not_null())
        res["sgpdata_g3_g4_g5"] = bench_sgp_one(
            "sgpdata_two", two.select("ID", pl.col("SS_2024").alias("score"), pl.col("SS_2022").alias("prior_1"),
                                      pl.col("SS_2023").alias("prior_2")), args, tmp)
    report["sgp"] = res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=100_000)
    ap.add_argument("--classes", type=int, default=2_000)
    ap.add_argument("--schools", type=int, default=200)
    ap.add_argument("--sgp-students", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20250701)
    ap.add_argument("--no-r", action="store_true", help="skip the R side (no Rscript on this machine)")
    ap.add_argument("--skip-sgp", action="store_true")
    ap.add_argument("--skip-multilevel", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the report here")
    args = ap.parse_args()
    if not args.no_r and shutil.which("Rscript") is None:
        sys.exit("Rscript not found: install r-base-core r-cran-lme4 r-cran-quantreg r-cran-jsonlite, or pass --no-r")
    report: dict = {
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version(),
                    "numpy": np.__version__, "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                    "load_average_at_start": os.getloadavg()},
    }
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        if not args.skip_multilevel:
            bench_multilevel(args, tmp, report)
        if not args.skip_sgp:
            bench_sgp(args, tmp, report)
    report["machine"]["load_average_at_end"] = os.getloadavg()
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
