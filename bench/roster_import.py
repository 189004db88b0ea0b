"""Benchmark: importing a district's 100,000-student roster from one .xlsx file.

    .venv/bin/python bench/roster_import.py                          # SQLite, 100,000 students
    .venv/bin/python bench/roster_import.py --students 10000         # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisheng_bench .venv/bin/python bench/roster_import.py

A scratch database (SQLite under bench/out/, or the PostgreSQL database named in DATABASE_URL, dropped and
created again) gets the demo district (``tisheng.roster.demo``; small classes, so that it has as many classes
as a 100,000-student district without writing 100,000 students first). The workbook is what the bureau
exports from the 学籍 system for the whole district: a title row, then 学籍号 (G + 身份证号), 姓名, 性别,
出生日期, 身份证号, 民族, 学校, 年级, 班级, 是否寄宿, 是否留守儿童 and one guardian, every cell text, ~45
students per class.

Timed, as the application runs them (the file stored with its batch):
* floor    — fastexcel reading the sheet into a Polars frame, every column as text: no import can be faster
             (the least of three reads);
* check    — the preview (``actions.validate_batch``): read + map + parse + every check and lookup, and the
             checked rows kept for the commit (``tisheng/imports/kept.py``);
* commit   — the commit task as it runs: the stamp of what the check read, the kept rows (nothing changed
             meanwhile), then students, class memberships, guardians and their history, one transaction;
* again    — the same batch committed again: the kept rows are gone, so the file is checked again inside the
             transaction (the path a commit takes when the roster changed since the preview); every row is
             found unchanged and nothing is written.

On PostgreSQL the CPU time of the server process serving the connection is printed as well.
Prints wall and CPU time of this process (Polars and fastexcel use both cores, so CPU can exceed wall), the
ratios to the floor and peak RSS (``ru_maxrss`` only grows: printed after each step).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREA_CODES = ("371322", "371323", "371324", "371325")
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def scratch_database(url: str | None) -> str:
    """A fresh database for the run; returns its URL."""
    if url and url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "roster_import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def workbook(students: int, classes: list, seed: int) -> bytes:
    """The district's roster as one .xlsx, written by XlsxWriter (constant memory, every cell a string)."""
    import xlsxwriter

    from tisheng.core.idcard import check_character
    from tisheng.roster.demo import GIVEN_F, GIVEN_M, SURNAMES
    from tisheng.roster.models import GRADE_NAMES_ZH

    rng = random.Random(seed)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("学生名单")
    sheet.write_string(0, 0, "青山区中小学学生学籍信息（导出）")
    header = ["学籍号", "姓名", "性别", "出生日期", "身份证号", "民族", "学校", "年级", "班级", "是否寄宿",
              "是否留守儿童", "监护人姓名", "监护人关系", "监护人电话"]
    for col, title in enumerate(header):
        sheet.write_string(1, col, title)
    used = set()
    for i in range(students):
        school_name, grade, number, start_year = classes[i % len(classes)]
        sex = rng.choice("MF")
        birth_year = start_year - grade - 6 + (1 if rng.random() < 0.8 else 0)
        birth = f"{birth_year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        while True:
            seq = rng.randrange(0, 50) * 2 + (1 if sex == "M" else 0)
            first17 = f"{rng.choice(AREA_CODES)}{birth}{rng.randrange(1, 10)}{seq:02d}"  # not the demo's areas
            if first17 not in used:
                used.add(first17)
                break
        card = first17 + check_character(first17)
        given = GIVEN_M if sex == "M" else GIVEN_F
        name = rng.choice(SURNAMES) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
        row = [
            "G" + card, name, "男" if sex == "M" else "女", f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", card,
            "汉族" if rng.random() < 0.95 else "回族", school_name, GRADE_NAMES_ZH[grade], f"{number}班",
            "是" if rng.random() < 0.2 else "否", "是" if rng.random() < 0.1 else "否",
            name[0] + rng.choice(GIVEN_M), rng.choice(["父亲", "母亲", "祖父", "祖母"]),
            rng.choice(["13", "15", "18"]) + f"{rng.randrange(10**9):09d}",
        ]
        for col, value in enumerate(row):
            sheet.write_string(i + 2, col, value)
    book.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--profile", action="store_true",
                        help="profile each step with cProfile (bench/out/roster_<step>.prof; slows the run)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = scratch_database(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("TISHENG_VAR_DIR", str(OUT / "var"))
    # As in production: DEBUG off (with DEBUG on, Django keeps and formats every query's SQL).
    os.environ["TISHENG_DEBUG"] = "0"
    os.environ.setdefault("TISHENG_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["TISHENG_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisheng.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tisheng.accounts.models import Role
    from tisheng.imports import actions
    from tisheng.imports.models import ImportBatch
    from tisheng.imports.spec import get_spec
    from tisheng.roster.demo import build_demo
    from tisheng.roster.models import SchoolClass, Student

    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.python_implementation()} "
          f"{platform.python_version()}, database {connection.vendor}, load average {load()}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    # Classes of 4–5 in the demo: ~as many classes as a real 100,000-student district, built in seconds.
    demo = build_demo(students=max(args.students // 10, 500), class_size=(4, 5))
    admin = demo.logins[Role.BUREAU_ADMIN]
    classes = [
        (c.school.name, c.grade, c.number, c.academic_year.start_year)
        for c in SchoolClass.objects.filter(academic_year=demo.term.academic_year).select_related("school",
                                                                                                "academic_year")
    ]
    print(f"setup: demo district with {len(classes)} classes this year, "
          f"{Student.objects.count():,} students, in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    data = workbook(args.students, classes, args.seed)
    print(f"workbook: {args.students:,} rows × 14 columns, {len(data) / 2**20:.1f} MB, "
          f"written in {time.perf_counter() - t:.1f} s")

    import fastexcel

    spec = get_spec("roster.students")
    batch = ImportBatch.objects.create(
        kind=spec.kind, file_name="青山区学生名单.xlsx", sha256="bench", size=len(data), uploaded_by=admin,
        district=demo.district, term=demo.term, status=ImportBatch.Status.UPLOADED,
    )
    from django.core.files.base import ContentFile

    batch.file.save("bench.xlsx", ContentFile(data))

    def floor():
        frame = fastexcel.read_excel(data).load_sheet(0, header_row=1, dtypes="string").to_polars()
        assert frame.height == args.students

    def checking():
        actions.validate_batch(batch.pk)
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.VALID, batch.errors[:5]

    def commit():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.COMMITTING, committed_by=admin)
        actions.commit_batch(batch.pk)
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.COMMITTED, (batch.status, batch.errors[:3])
        return f"created {batch.created:,}, updated {batch.updated:,}, unchanged {batch.unchanged:,}"

    # Wall time, and this process's CPU time: the machine is shared, and CPU time varies less with the load
    # (PostgreSQL's own work is in its server process, so there only wall time counts).
    wall, cpu = {}, {}
    print(f"{'':8}{'':44}{'wall':>8}{'CPU':>8}  {'× floor (wall, CPU)':>20}  peak RSS")
    def server_cpu() -> float:
        """CPU seconds of the PostgreSQL backend serving this connection (same machine): COPY, index
        maintenance, the history copies and the foreign-key checks at commit run there, not in this process."""
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            fields = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def timed(name, run):
        server = server_cpu()
        t, c = time.perf_counter(), time.process_time()
        if args.profile:
            import cProfile

            with cProfile.Profile() as profile:
                outcome = run()
            profile.dump_stats(OUT / f"roster_{name}.prof")
        else:
            outcome = run()
        wall_time, cpu_time = time.perf_counter() - t, time.process_time() - c
        if connection.vendor == "postgresql" and name != "floor":
            outcome = f"server CPU {server_cpu() - server:.2f} s" + (f"; {outcome}" if outcome else "")
        return wall_time, cpu_time, outcome

    for name, label, run in (
        ("floor", "fastexcel → Polars, all text", floor),
        ("check", "preview: read, parse, check, keep the rows", checking),
        ("commit", "stamp + kept rows + write, one transaction", commit),
        ("again", "again: check again in the transaction, no write", commit),
    ):
        if name == "floor":  # the least of three reads: the ratios below are then, if anything, too high
            runs = [timed(name, run) for _ in range(3)]
            wall[name], cpu[name], outcome = min(r[0] for r in runs), min(r[1] for r in runs), "least of 3"
        else:
            wall[name], cpu[name], outcome = timed(name, run)
        ratio = f"{wall[name] / wall['floor']:.1f}×, {cpu[name] / cpu['floor']:.1f}×"
        print(f"{name:8}{label:44}{wall[name]:7.2f}s{cpu[name]:7.2f}s  {ratio:>20}  {peak_rss_mb():5.0f} MB"
              + (f"   ({outcome})" if outcome else ""))

    total, total_cpu = wall["check"] + wall["commit"], cpu["check"] + cpu["commit"]
    print(f"upload → preview → import: {total:.1f} s wall, {total_cpu:.1f} s CPU "
          f"({total / wall['floor']:.1f}× / {total_cpu / cpu['floor']:.1f}× the floor)")
    print(f"load average at the end: {load()} (1, 5, 15 min)")
    rows = {
        "students": Student.objects.count(),
        "history rows": Student.history.count(),
    }
    print("database now:", ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    if connection.vendor == "sqlite":
        size = sum(p.stat().st_size for p in OUT.glob("roster_import.sqlite3*"))
        print(f"SQLite file: {size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
