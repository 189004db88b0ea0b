"""Benchmark: importing a district mid-term's item scores, 100,000 students × 9 subjects × 25 items, from the
nine Excel files a marking system exports (22.5 million item scores).

    .venv/bin/python bench/exam_import.py                          # SQLite, 100,000 students
    .venv/bin/python bench/exam_import.py --students 5000          # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisheng_exam_bench .venv/bin/python bench/exam_import.py
    .venv/bin/python bench/exam_import.py --analyse                # and then the analysis task, once

A scratch database (SQLite under bench/out/, or the PostgreSQL database named in DATABASE_URL, dropped and
created again) gets a district of ~60 junior schools whose grade 7 has ``--students`` pupils in classes of
~45, and a district mid-term with nine papers of 25 items (12 objective, 13 subjective; full marks 120 or
100). The nine workbooks are written once per size into bench/out/exam_import/ (a separate process, so this
process's memory is the import's) and reused: 智学网-like layout, a title row and two header rows (学籍号,
姓名, 班级, 总分 merged over both rows; 客观题 merged over items 1–12, 主观题 over 13–25), one row per pupil,
numbers as Excel numbers, about 2 % 缺考 written in the 总分 cell with empty item cells.

Each file goes the way a user's file goes, with the tasks run in this process (ImmediateBackend):
* floor  — fastexcel reading the sheet into a Polars frame, every cell as text: no import can be faster;
* map    — the column page: header rows found, labels, the mapping suggested (``uploads.propose``);
* check  — upload + the pipeline's read, parse, checks and lookups (what the preview page waits for);
* commit — the commit task: check again inside the transaction, then replace the paper's scores with COPY
           (PostgreSQL) or executemany (SQLite), one transaction.
The analysis the commit would queue is left out (it is a task of its own); ``--analyse`` runs it once at the
end, on all nine papers.

Prints wall time and this process's CPU time per step and file, totals, and peak RSS (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
FILES = OUT / "exam_import"
sys.path.insert(0, str(ROOT))

SUBJECTS = [("chinese", "语文", 120), ("math", "数学", 120), ("english", "英语", 120), ("morality", "道德与法治", 100),
            ("history", "历史", 100), ("geography", "地理", 100), ("biology", "生物学", 100), ("physics", "物理", 100),
            ("it", "信息科技", 100)]
ITEMS = 25
OBJECTIVE = 12  # items 1–12: 3 points each
OPEN = {120: [4, 4, 4, 5, 5, 6, 6, 6, 8, 8, 8, 10, 10], 100: [3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8]}
CLASS_SIZE = 45
SCHOOLS = 60


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def maxima(full: int) -> list[float]:
    return [3.0] * OBJECTIVE + [float(m) for m in OPEN[full]]


def pupils(n: int) -> list[tuple[str, str, int, int]]:
    """(学籍号, 姓名, school index, class number) of the grade, deterministic."""
    from tisheng.roster.demo import GIVEN_F, GIVEN_M, SURNAMES

    rng = np.random.default_rng(7)
    per_school = -(-n // SCHOOLS)
    out = []
    for i in range(n):
        given = GIVEN_M if i % 2 else GIVEN_F
        name = SURNAMES[rng.integers(0, 60)] + given[rng.integers(0, len(given))] + given[rng.integers(0, len(given))]
        school = i // per_school
        out.append((f"G37132220{i:09d}", name, school, (i % per_school) // CLASS_SIZE + 1))
    return out


# --- the files (written by a child process) ---------------------------------------------------------------
def write_files(n: int) -> None:
    import xlsxwriter

    from tisheng.roster.models import GRADE_NAMES_ZH

    people = pupils(n)
    rng = np.random.default_rng(20261122)
    ability = rng.normal(0, 1, n) + np.array([p[2] for p in people]) % 7 * 0.05
    FILES.mkdir(parents=True, exist_ok=True)
    for code, subject, full in SUBJECTS:
        tops = np.array(maxima(full))
        difficulty = rng.normal(-0.3, 0.9, ITEMS)
        slope = rng.uniform(0.8, 2.0, ITEMS)
        p = 1 / (1 + np.exp(-slope * (ability[:, None] + rng.normal(0, 0.3, (n, 1)) - difficulty)))
        scores = np.where(np.arange(ITEMS) < OBJECTIVE, np.where(rng.random((n, ITEMS)) < p, tops, 0.0),
                          np.clip(np.round((p + rng.normal(0, 0.12, (n, ITEMS))) * tops * 2) / 2, 0, tops))
        absent = rng.random(n) < 0.02
        path = FILES / f"{n}_{code}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet(subject)
        title = f"【青山区七年级期中质量检测】所有班级学生小题得分明细（{subject}）"
        sheet.write_string(0, 0, title)
        for col, text in enumerate(["学籍号", "姓名", "班级", "总分"]):
            sheet.write_string(1, col, text)
        sheet.write_string(1, 4, "客观题")
        sheet.write_string(1, 4 + OBJECTIVE, "主观题")
        for j in range(ITEMS):
            sheet.write_string(2, 4 + j, str(j + 1))
        for i, (number, name, _school, klass) in enumerate(people):
            row = i + 3
            sheet.write_string(row, 0, number)
            sheet.write_string(row, 1, name)
            sheet.write_string(row, 2, f"{GRADE_NAMES_ZH[7]}{klass}班")
            if absent[i]:
                sheet.write_string(row, 3, "缺考")
            else:
                sheet.write_number(row, 3, float(scores[i].sum()))
                sheet.write_row(row, 4, scores[i].tolist())
        book.close()


# --- the district -------------------------------------------------------------------------------------------
def scratch_database(url: str | None) -> str:
    if url and url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "exam_import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def district(n: int):
    """The schools, grade 7's classes and pupils, a bureau login, and the mid-term with its nine papers."""
    from datetime import date
    from decimal import Decimal

    from tisheng.accounts.models import Role, RoleAssignment, User
    from tisheng.assessments import actions
    from tisheng.assessments.actions import ItemSpec
    from tisheng.assessments.models import Assessment, Item
    from tisheng.roster.models import AcademicYear, ClassMembership, District, School, SchoolClass, Student, Subject, Term

    today = date.today()
    start = today.year if today.month >= 9 else today.year - 1
    year = AcademicYear.objects.create(start_year=start)
    term = Term.objects.create(academic_year=year, number=1, start_date=date(start, 9, 1), end_date=date(start + 1, 1, 20))
    area = District.objects.create(code="371302", name="青山区")
    subjects = {code: Subject.objects.create(code=code, name=name, order=i) for i, (code, name, _f) in enumerate(SUBJECTS)}
    schools = School.objects.bulk_create(School(district=area, code=f"B{i:03d}", name=f"青山区第{i + 1}中学",
                                                kind=School.Kind.JUNIOR) for i in range(SCHOOLS))
    people = pupils(n)
    numbers = sorted({(s, c) for _no, _name, s, c in people})
    classes = {(s, c): obj for (s, c), obj in zip(numbers, SchoolClass.objects.bulk_create(
        SchoolClass(school=schools[s], academic_year=year, grade=7, number=c) for s, c in numbers), strict=True)}
    students = Student.objects.bulk_create(
        (Student(student_no=no, name=name, sex="M" if i % 2 else "F", school=schools[s])
         for i, (no, name, s, _c) in enumerate(people)), batch_size=5000)
    ClassMembership.objects.bulk_create(
        (ClassMembership(student=st, school_class=classes[(s, c)], term=term, joined_on=term.start_date)
         for st, (_no, _name, s, c) in zip(students, people, strict=True)), batch_size=5000)
    user = User.objects.create(username="bench_researcher")
    RoleAssignment.objects.create(user=user, role=Role.RESEARCHER, district=area)
    day = min(date(start, 11, 5), today) if today >= term.start_date else term.start_date
    exam = actions.create_assessment(user, name="青山区七年级期中质量检测", kind="midterm", term=term, date=day, grade=7,
                                     organiser="district", district=area)
    papers = {}
    for code, _name, full in SUBJECTS:
        specs = [ItemSpec(str(j + 1), Decimal(str(m)), Item.Kind.OBJECTIVE if j < OBJECTIVE else Item.Kind.SUBJECTIVE)
                 for j, m in enumerate(maxima(full))]
        papers[code] = actions.save_paper(user, exam, subjects[code], Decimal(full), specs)
    return user, exam, papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--analyse", action="store_true", help="run the analysis task once after the imports")
    parser.add_argument("--write-files", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisheng.settings")
    if args.write_files:
        import django

        django.setup()
        write_files(args.students)
        return
    if not all((FILES / f"{args.students}_{code}.xlsx").exists() for code, _n, _f in SUBJECTS):
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--write-files", "--students", str(args.students)], check=True)
        print(f"files: 9 workbooks of {args.students:,} rows written in {time.perf_counter() - t:.0f} s (child process)")

    os.environ["DATABASE_URL"] = scratch_database(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("TISHENG_VAR_DIR", str(OUT / "var"))
    os.environ["TISHENG_DEBUG"] = "0"  # as in production: with DEBUG on, Django keeps every query's SQL
    os.environ.setdefault("TISHENG_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["TISHENG_TASKS_IMMEDIATE"] = "1"
    import django

    django.setup()
    import logging

    logging.getLogger("django.tasks").setLevel(logging.WARNING)  # one line per task would drown the table
    import fastexcel
    from django.core.management import call_command
    from django.db import connection

    from tisheng.assessments import analysis, tasks, uploads
    from tisheng.assessments.models import ItemScore, PaperScore
    from tisheng.imports import actions as import_actions
    from tisheng.imports.models import ImportBatch

    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.python_implementation()} "
          f"{platform.python_version()}, database {connection.vendor}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    user, exam, papers = district(args.students)
    print(f"setup: migrate, {SCHOOLS} schools, {args.students:,} pupils of grade 7, 9 papers × {ITEMS} items "
          f"in {time.perf_counter() - t:.1f} s")

    queued = []
    # the analysis the commit queues is timed apart (--analyse)
    tasks.analyse_assessment = SimpleNamespace(enqueue=lambda assessment_id: queued.append(assessment_id))

    steps = ("floor", "map", "check", "commit")
    wall = {s: 0.0 for s in steps}
    cpu = {s: 0.0 for s in steps}
    print(f"{'paper':12}{'MB':>6}" + "".join(f"{s:>16}" for s in steps) + "   peak RSS   (wall s / CPU s)")
    for code, name, _full in SUBJECTS:
        data = (FILES / f"{args.students}_{code}.xlsx").read_bytes()
        paper = papers[code]
        state = {}

        def floor():
            frame = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string").to_polars()
            assert frame.height == args.students + 3

        def mapping():
            state["pending"] = uploads.keep(user, data, f"{name}.xlsx")
            state["proposal"] = uploads.propose(data, exam, paper)
            assert len(state["proposal"].columns) == 4 + ITEMS, state["proposal"].columns

        def checking():
            proposal = state["proposal"]
            batch = uploads.start(user, exam, paper, state["pending"], proposal=proposal, columns=proposal.columns)
            batch.refresh_from_db()
            assert batch.status == ImportBatch.Status.VALID, (batch.status, batch.errors[:3])
            state["batch"] = batch

        def commit():
            batch = state["batch"]
            assert import_actions.start_commit(batch, user)
            batch.refresh_from_db()
            assert batch.status == ImportBatch.Status.COMMITTED, (batch.status, batch.errors[:3])

        line = f"{name:12}{len(data) / 2**20:6.1f}"
        for step, run in zip(steps, (floor, mapping, checking, commit), strict=True):
            t, c = time.perf_counter(), time.process_time()
            run()
            w, u = time.perf_counter() - t, time.process_time() - c
            wall[step] += w
            cpu[step] += u
            line += f"{w:9.2f}/{u:6.2f}"
        print(line + f"   {peak_rss_mb():6.0f} MB")

    imported = wall["map"] + wall["check"] + wall["commit"]
    print(f"{'total':18}" + "".join(f"{wall[s]:9.2f}/{cpu[s]:6.2f}" for s in steps))
    print(f"nine files, upload → columns → preview → import: {imported:.1f} s wall "
          f"({imported / wall['floor']:.1f}× the floor), {cpu['map'] + cpu['check'] + cpu['commit']:.1f} s CPU; "
          f"peak RSS {peak_rss_mb():.0f} MB")
    counts = {"paper scores": PaperScore.objects.count(), "item scores": ItemScore.objects.count()}
    print("database now:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if connection.vendor == "sqlite":
        size = sum(p.stat().st_size for p in OUT.glob("exam_import.sqlite3*"))
        print(f"SQLite file: {size / 2**20:.0f} MB")
    if args.analyse:
        t, c = time.perf_counter(), time.process_time()
        analysis.run(exam.pk)
        exam.refresh_from_db()
        print(f"analysis task (all nine papers, every scope): {time.perf_counter() - t:.1f} s wall, "
              f"{time.process_time() - c:.1f} s CPU, state {exam.analysis}; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
