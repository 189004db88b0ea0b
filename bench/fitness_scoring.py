"""Benchmark: the vectorised 2014 fitness scorer against the per-student loop reference.

    python bench/fitness_scoring.py [--n 1000000] [--loop-sample N] [--seed 20140707]

1. Generates ``--n`` synthetic, plausible student-years (grades 1–9, both sexes, fixed seed): each
   item result is drawn around the student's own table (between its 60- and 100-point rows, with a
   tail past 100 and below 10), heights and weights by grade, about 1 % of required results left
   blank (those students come out "incomplete"). Nothing here is real data.
2. Scores them with ``score_students`` (timed cold, then ``--repeat`` warm runs) and with
   ``score_one`` in a plain Python loop (timed; on all rows, or on the first ``--loop-sample`` rows
   and extrapolated — the output says which), then checks that both give identical columns on
   every row the loop scored.
3. Prints times, the speed ratio, and peak memory (peak RSS from ``resource.getrusage`` — Polars
   allocates outside Python, so tracemalloc would not see it).

Runs single-process; Polars uses the machine's cores (set POLARS_MAX_THREADS to limit it; with one
thread the CPU time of the vectorised scorer is its work alone, without the threads' waiting).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tisheng.core.fitness import load_tables, score_one, score_students  # noqa: E402

# Resolution results are recorded to (0.1 s for 50 m, whole seconds for the longer runs, …).
DECIMALS = {
    "vital_capacity": 0,
    "run_50m": 1,
    "sit_and_reach": 1,
    "rope_skip_1min": 0,
    "sit_up_1min": 0,
    "shuttle_50x8": 0,
    "standing_long_jump": 0,
    "pull_up": 0,
    "run_1000m": 0,
    "run_800m": 0,
}
MISSING_RATE = 0.01


def generate(n: int, seed: int) -> pl.DataFrame:
    """``n`` synthetic student-years; deterministic for a given seed."""
    tables = load_tables()
    rng = np.random.default_rng(seed)
    grade = rng.integers(1, 10, n)
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    ability = rng.standard_normal(n)  # one latent fitness per student, so items correlate

    # Height grows ~6 cm a year from ~118 cm; BMI from ~15.5 upwards with a long right tail.
    height = 118 + 6 * (grade - 1) + np.where((sex == "M") & (grade >= 7), 4, 0) + rng.normal(0, 6, n)
    bmi = (15.3 + 0.55 * (grade - 1)) * np.exp(rng.normal(0, 0.14, n))
    columns: dict[str, np.ndarray] = {
        "student_id": np.arange(n),
        "grade": grade,
        "sex": sex,
        "height_cm": np.round(height, 1),
        "weight_kg": np.round(bmi * (height / 100) ** 2, 1),
    }
    for key in tables.item_keys:
        columns[key] = np.full(n, np.nan)
    for (g, s), group in tables.groups.items():
        rows = np.flatnonzero((grade == g) & (sex == s))
        for rule in group.items:
            t100 = rule.threshold_100
            t60 = dict(rule.rows)[60]
            # Position between the 60- and 100-point rows: median ~70 points, ~10 % past 100, some below 10.
            position = 0.35 + 0.45 * (0.6 * ability[rows] + 0.8 * rng.standard_normal(rows.size))
            value = np.round(t60 + (t100 - t60) * position, DECIMALS[rule.key])
            value = np.maximum(value, 1.0 if rule.must_be_positive else (-np.inf if rule.key == "sit_and_reach" else 0))
            value[rng.random(rows.size) < MISSING_RATE] = np.nan
            columns[rule.key][rows] = value
    frame = pl.DataFrame(columns)
    return frame.with_columns(pl.col(tables.item_keys).fill_nan(None))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="student-years to generate (default 1,000,000)")
    parser.add_argument("--loop-sample", type=int, default=None, help="score only the first N rows with the loop")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the vectorised scorer (default 5)")
    parser.add_argument("--seed", type=int, default=20140707)
    args = parser.parse_args()

    print(f"python {platform.python_version()}, polars {pl.__version__}, numpy {np.__version__}")
    print(f"cpu: {cpu_model()}; os.cpu_count()={os.cpu_count()}; polars threads={pl.thread_pool_size()}")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    start = time.perf_counter()
    frame = generate(args.n, args.seed)
    print(f"generated {frame.height:,} rows in {time.perf_counter() - start:.2f} s; peak RSS {peak_rss_mb():,.0f} MB")

    # Cold: the first call also reads the CSVs and builds the per-group expressions (cached after).
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    scored = score_students(frame)
    cold_s = time.perf_counter() - start
    rss_cold = peak_rss_mb()
    warm, warm_cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        again = score_students(frame)
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - start_cpu)  # all threads: the work, whatever the load
    assert again.equals(scored)
    vector_s = min(warm) if warm else cold_s
    print(
        f"vectorised score_students: cold {cold_s:.2f} s, warm {', '.join(f'{t:.2f}' for t in warm)} s "
        f"(best {vector_s:.2f} s); CPU time per warm run {', '.join(f'{t:.2f}' for t in warm_cpu)} s "
        f"(best {min(warm_cpu, default=float('nan')):.2f} s, median {statistics.median(warm_cpu or [math.nan]):.2f} s)"
    )
    print(
        f"peak RSS: {rss_before:,.0f} MB before scoring, {rss_cold:,.0f} MB after the first scoring "
        f"(+{rss_cold - rss_before:,.0f} MB), {peak_rss_mb():,.0f} MB after the warm runs"
    )
    print(scored.group_by("status").len().sort("status"))
    print(scored.filter(pl.col("status") == "ok").group_by("level_en").len().sort("level_en"))

    # The loop reference, in chunks so a million result dicts are never held at once. Only the
    # score_one calls are timed (not turning rows into dicts, nor the comparison).
    schema = load_tables().output_schema
    loop_n = frame.height if args.loop_sample is None else min(args.loop_sample, frame.height)
    loop_s = loop_cpu = 0.0
    mismatches = 0
    chunk = 100_000
    for offset in range(0, loop_n, chunk):
        records = frame.slice(offset, min(chunk, loop_n - offset)).to_dicts()
        start, start_cpu = time.perf_counter(), time.process_time()
        results = [score_one(record) for record in records]
        loop_s += time.perf_counter() - start
        loop_cpu += time.process_time() - start_cpu
        expected = scored.slice(offset, len(records)).select(list(schema))
        got = pl.DataFrame(results, schema=schema)
        if not got.equals(expected):  # count the rows where any column differs
            same = pl.DataFrame({c: got[c].eq_missing(expected[c]) for c in schema})
            mismatches += same.select(~pl.all_horizontal(pl.all())).to_series().sum()
    scale = frame.height / loop_n if loop_n else float("nan")
    loop_full, loop_cpu_full = loop_s * scale, loop_cpu * scale
    note = "" if loop_n == frame.height else f" (ran on the first {loop_n:,} rows, extrapolated linearly)"
    print(
        f"loop score_one: {loop_s:.2f} s for {loop_n:,} rows -> {loop_full:.1f} s "
        f"(CPU {loop_cpu_full:.1f} s) for {frame.height:,}{note}"
    )
    print(f"peak RSS at the end {peak_rss_mb():,.0f} MB (the loop phase holds 100,000 dicts at a time)")
    print(f"identical results on {loop_n:,} rows: {'yes' if mismatches == 0 else f'NO, {mismatches} rows differ'}")
    print(f"speed ratio (loop / best warm vectorised): {loop_full / vector_s:.0f}x; vs cold: {loop_full / cold_s:.0f}x")
    if warm_cpu:
        print(
            f"CPU-time ratio (loop / vectorised, all threads): {loop_cpu_full / min(warm_cpu):.0f}x best, "
            f"{loop_cpu_full / statistics.median(warm_cpu):.0f}x median"
        )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
