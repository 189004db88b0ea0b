"""Load test of homework filing and family feedback (issue 4) against the real server on PostgreSQL.

    .venv/bin/python bench/homework_load.py                       # 2,000 teachers, 40,000 parents
    .venv/bin/python bench/homework_load.py --scale 0.05          # a quick run (100 teachers, 2,000 parents)
    .venv/bin/python bench/homework_load.py --reuse-db            # skip building the district again

What it does:

1. Builds the demo district (``--students``, about one parent account per pupil) and its homework demo into
   a fresh PostgreSQL database (``--database``, default ``tisheng_homework_bench`` on 127.0.0.1, trust auth).
2. Signs every actor in by writing Django sessions directly (a login is an Argon2 hash; it is not what this
   measures) and sets a CSRF cookie for each.
3. Starts gunicorn (``gthread``, ``--workers`` × ``--threads``) and one ``manage.py db_worker`` on loopback,
   with ``TISHENG_DEBUG=0``, and warms them up with read-only pages (not counted).
4. Plays the hour compressed into ``--minutes``: scenarios start at an even rate, each as fast as the server
   answers, at most ``--concurrency`` at a time, on keep-alive connections of a small asyncio HTTP/1.1
   client (standard library only):
   * a teacher: opens the plan list, starts next-but-one week's plan for a class and subject, opens the form,
     has the running totals computed once (htmx), saves and submits five items — 5 requests;
   * a parent: opens today's homework, sends the child's answer (minutes, where finished, bedtime) — 2;
   * a conflict pair (``--conflicts``): a teacher and the grade leader open the same plan and save it at
     the same moment from the same version; exactly one must win and the other see the conflict page.
5. Checks the database afterwards: every plan filed and every answer sent present exactly once with what was
   sent, and for every conflict pair the winner's items and not the loser's.

Prints requests, throughput, p50/p95/p99 per kind of request and overall, and errors (any unexpected status,
exception or timeout). Everything stays on 127.0.0.1; the run is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = Path(sys.executable).parent  # the virtualenv running this script (gunicorn is a test extra)
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"
CONFLICT_MARK = "您的修改没有保存".encode()


# --- setup ------------------------------------------------------------------------------------------------
def database_url(name: str) -> str:
    return f"postgres://postgres@{HOST}:5432/{name}"


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# The server's settings; the bench process uses them too, so that the sessions it writes are the server's.
SERVER_ENV = {"TISHENG_DEBUG": "0", "TISHENG_SECRET_KEY": "bench-only-" + "k" * 50, "TISHENG_ALLOWED_HOSTS": HOST,
              "TISHENG_LOG_LEVEL": "ERROR"}


def django_setup(url: str) -> None:
    os.environ.update(SERVER_ENV, DATABASE_URL=url)
    os.environ.pop("TISHENG_TASKS_IMMEDIATE", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisheng.settings")
    import django

    django.setup()


def build_district(students: int) -> None:
    from django.core.management import call_command

    from tisheng.homework.demo import build_homework_demo
    from tisheng.roster.demo import build_demo

    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    demo = build_demo(students=students)
    t1 = time.monotonic()
    counts = build_homework_demo(demo.term)
    print(f"district built in {t1 - t0:.0f} s ({demo.counts}); homework demo in {time.monotonic() - t1:.0f} s ({counts})")
    # Fresh statistics, as autovacuum would have them on a server that has run for a while: without them the
    # planner guesses hundreds of memberships per pupil.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


@dataclass
class Actors:
    teachers: list[dict]  # user id, class id, subject id, class grade
    parents: list[dict]  # user id, student id
    pairs: list[dict]  # teacher and grade leader on one plan
    sessions: dict[int, str] = field(default_factory=dict)  # user id → session key
    csrf: str = ""


def choose_actors(n_teachers: int, n_parents: int, n_conflicts: int, seed: int) -> Actors:
    """Teachers with a teaching assignment this term (one class and subject each), parents of enrolled pupils
    with a class this term, and for the conflict pairs teachers of the grade the demo's grade leader leads."""
    from tisheng.accounts.models import RoleAssignment, User
    from tisheng.roster.demo import DEMO_LOGINS
    from tisheng.roster.models import ClassMembership, Guardianship, TeachingAssignment, Term

    rng = random.Random(seed)
    term = Term.current()
    leader = User.objects.get(username=DEMO_LOGINS["grade_leader"])
    grade = RoleAssignment.objects.get(user=leader, role="grade_leader")
    first = {}
    for a in (TeachingAssignment.objects.filter(term=term, teacher__person__user__isnull=False)
              .values("teacher_id", "teacher__person__user", "school_class_id", "subject_id", "school_class__grade",
                      "school_class__school_id").order_by("teacher_id", "school_class_id", "subject_id")):
        first.setdefault(a["teacher_id"], a)
    in_grade = [a for a in first.values()
                if a["school_class__school_id"] == grade.school_id and a["school_class__grade"] == grade.grade]
    pairs = [{"user": a["teacher__person__user"], "class": a["school_class_id"], "subject": a["subject_id"],
              "grade": a["school_class__grade"], "leader": leader.pk} for a in in_grade[:n_conflicts]]
    paired = {p["user"] for p in pairs}
    pool = [a for a in first.values() if a["teacher__person__user"] not in paired]
    rng.shuffle(pool)
    teachers = [{"user": a["teacher__person__user"], "class": a["school_class_id"], "subject": a["subject_id"],
                 "grade": a["school_class__grade"]} for a in pool[:n_teachers]]
    enrolled = ClassMembership.objects.filter(term=term, left_on__isnull=True, student__active=True).values("student_id")
    users = dict(User.objects.filter(person__isnull=False).values_list("person_id", "pk"))
    parents, seen_users, seen_pupils = [], set(), set()
    for g in Guardianship.objects.filter(student_id__in=enrolled).values("guardian_id", "student_id").order_by("student_id"):
        user = users.get(g["guardian_id"])
        if user and user not in seen_users and g["student_id"] not in seen_pupils:  # one parent ↔ one pupil
            seen_users.add(user)
            seen_pupils.add(g["student_id"])
            parents.append({"user": user, "student": g["student_id"]})
    rng.shuffle(parents)
    return Actors(teachers, parents[:n_parents], pairs)


def sign_in(actors: Actors) -> None:
    """A Django session per actor, written in bulk (what a login would store)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tisheng.accounts.models import User

    ids = {t["user"] for t in actors.teachers} | {p["user"] for p in actors.parents}
    ids |= {p["user"] for p in actors.pairs} | {p["leader"] for p in actors.pairs}
    store = SessionStore()
    expire = timezone.now() + timedelta(hours=8)
    rows = []
    for user in User.objects.filter(pk__in=ids):
        key = secrets.token_hex(16)
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "tisheng.accounts.backends.AccountBackend",
                "_auth_user_hash": user.get_session_auth_hash()}
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        actors.sessions[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=5000)
    actors.csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, sent as cookie and header


def free_week(today: date) -> date:
    """The first week from the week after next without any plan (a database reused from an earlier run has some)."""
    from tisheng.homework.models import Plan

    week = today - timedelta(days=today.weekday()) + timedelta(days=14)
    taken = set(Plan.objects.filter(week__gte=week).values_list("week", flat=True))
    while week in taken:
        week += timedelta(days=7)
    return week


# --- the server ---------------------------------------------------------------------------------------------
def start_server(url: str, port: int, workers: int, threads: int) -> list[subprocess.Popen]:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    log = open(OUT / "homework_load_server.log", "w")  # noqa: SIM115 - kept open for the processes
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "tisheng.wsgi:application", "--bind", f"{HOST}:{port}",
         "--worker-class", "gthread" if threads > 1 else "sync", "--workers", str(workers), "--threads", str(threads),
         "--keep-alive", "30", "--timeout", "120", "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    worker = subprocess.Popen([str(VENV / "python"), "manage.py", "db_worker"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    return [server, worker]


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc), 0 for those gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def server_pids(processes: list[subprocess.Popen]) -> list[int]:
    """gunicorn's master and workers and the task worker."""
    pids = [p.pid for p in processes]
    for p in processes:
        children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
        if children.exists():
            pids += [int(c) for c in children.read_text().split()]
    return pids


def database_pids(name: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/postgres", autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]


def stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


# --- a small HTTP/1.1 keep-alive client ------------------------------------------------------------------------
class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, cookies: str, data: dict | None = None,
                      extra: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", f"Cookie: {cookies}",
                "Accept-Language: zh-CN"]
        if data is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile is opened again once
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                self.writer.write(payload)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, dict, bytes]:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    filed: dict[int, dict] = field(default_factory=dict)  # plan id → teacher actor
    answered: dict[int, dict] = field(default_factory=dict)  # student id → answer sent
    pairs: list[dict] = field(default_factory=list)
    cpu: dict = field(default_factory=dict)
    load_average: list[float] = field(default_factory=list)  # 1-minute load average, sampled during the run


class Load:
    def __init__(self, port: int, actors: Actors, week: date, day: date, result: Result):
        self.port, self.actors, self.week, self.day, self.result = port, actors, week, day, result
        self.pool: asyncio.Queue[Connection] = asyncio.Queue()

    def cookies(self, user: int) -> str:
        return f"sessionid={self.actors.sessions[user]}; csrftoken={self.actors.csrf}"

    async def call(self, label: str, method: str, path: str, user: int, expect: int | None, data=None, htmx=False):
        conn = await self.pool.get()
        extra = {"X-CSRFToken": self.actors.csrf} if method == "POST" else {}
        if htmx:
            extra["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            status, headers, body = await asyncio.wait_for(conn.request(method, path, self.cookies(user), data, extra), 60)
        except Exception as e:  # noqa: BLE001 - every failure is counted as an error
            conn.close()
            self.result.errors.append(f"{label} {path}: {type(e).__name__} {e}")
            return None, {}, b""
        finally:
            self.pool.put_nowait(conn)
        self.result.latencies[label].append(time.perf_counter() - started)
        if expect is not None and status != expect:
            self.result.errors.append(f"{label} {path}: status {status}, expected {expect}")
        return status, headers, body

    def items(self, tag: str, grade: int, version: int | None = None, submit=False) -> dict:
        """Five days of homework; practical in grades 1–2, which get no written homework at home."""
        data = {"items-TOTAL_FORMS": 5, "items-INITIAL_FORMS": 0}
        kind = "practical" if grade <= 2 else "written"
        for i in range(5):
            data |= {f"items-{i}-date": (self.week + timedelta(days=i)).isoformat(),
                     f"items-{i}-content": f"{tag} 第{i + 1}天 练习册第{10 + i}页", f"items-{i}-kind": kind,
                     f"items-{i}-category": "basic", f"items-{i}-layer": "", f"items-{i}-minutes": 10 + i}
        if version is not None:
            data["version"] = version
        if submit:
            data["submit"] = "1"
        return data

    async def open_plan(self, user: int, school_class: int, subject: int, label="teacher") -> tuple[int, int] | None:
        status, headers, _ = await self.call(f"{label}:start", "POST", "/homework/plans/start/", user, 302,
                                             {"school_class": school_class, "subject": subject,
                                              "week": self.week.isoformat()})
        match = re.search(r"/homework/plans/(\d+)/edit/", headers.get("location", "")) if status == 302 else None
        if not match:
            return None
        plan = int(match.group(1))
        status, _, body = await self.call(f"{label}:form", "GET", f"/homework/plans/{plan}/edit/", user, 200)
        version = re.search(rb'name="version" value="(\d+)"', body) if status == 200 else None
        return (plan, int(version.group(1))) if version else None

    async def teacher(self, t: dict) -> None:
        user = t["user"]
        await self.call("teacher:list", "GET", f"/homework/plans/?week={self.week.isoformat()}", user, 200)
        opened = await self.open_plan(user, t["class"], t["subject"])
        if opened is None:
            return
        plan, version = opened
        tag = f"基准{user}"
        await self.call("teacher:totals", "POST", f"/homework/plans/{plan}/totals/", user, 200, self.items(tag, t["grade"]), htmx=True)
        status, _, _ = await self.call("teacher:save", "POST", f"/homework/plans/{plan}/edit/", user, 302,
                                       self.items(tag, t["grade"], version, submit=True))
        if status == 302:
            self.result.filed[plan] = {**t, "tag": tag}

    async def parent(self, p: dict) -> None:
        user, student = p["user"], p["student"]
        await self.call("parent:today", "GET", f"/homework/today/?day={self.day.isoformat()}", user, 200)
        prefix = f"s{student}"
        minutes = 15 * (user % 8)
        answer = {f"{prefix}-minutes": minutes, f"{prefix}-finished": ("school", "home", "not")[user % 3],
                  f"{prefix}-bedtime": ("21:00", "21:30", "22:00")[user % 3]}
        status, _, _ = await self.call("parent:answer", "POST", f"/homework/feedback/{student}/{self.day.isoformat()}/",
                                       user, 302, answer)
        if status == 302:
            self.result.answered[student] = {"minutes": minutes, "user": user}

    async def pair(self, p: dict) -> None:
        """The teacher and the grade leader save the same plan from the same version at the same moment."""
        opened = await self.open_plan(p["user"], p["class"], p["subject"], label="conflict")
        if opened is None:
            return
        plan, version = opened
        # one of the two is answered with the conflict page (200): judged by what it says, below
        saves = [self.call("conflict:save", "POST", f"/homework/plans/{plan}/edit/", who, None,
                           self.items(f"{name}{p['user']}", p["grade"], version)) for who, name in ((p["user"], "教师"), (p["leader"], "组长"))]
        (s1, _, b1), (s2, _, b2) = await asyncio.gather(*saves)
        outcome = {"plan": plan, "statuses": (s1, s2), "conflict_page": [CONFLICT_MARK in b for b in (b1, b2)],
                   "tags": (f"教师{p['user']}", f"组长{p['user']}")}
        if sorted((s1, s2)) != [200, 302] or not any(outcome["conflict_page"]):
            self.result.errors.append(f"conflict pair on plan {plan}: {outcome}")
        self.result.pairs.append(outcome)

    async def warm_up(self, rounds: int) -> None:
        """Read-only pages, ``rounds`` at a time, so that every server process has imported and compiled what it
        serves before the clock starts (a server in service is warm); nothing here is counted or stored."""
        connections = [Connection(self.port) for _ in range(rounds)]
        day, week = self.day.isoformat(), self.week.isoformat()
        pages = [(f"/homework/today/?day={day}", p["user"]) for p in self.actors.parents[:rounds * 4]]
        pages += [(f"/homework/plans/?week={week}", t["user"]) for t in self.actors.teachers[:rounds * 2]]
        for start in range(0, len(pages), rounds):
            await asyncio.gather(*(c.request("GET", path, self.cookies(user))
                                   for c, (path, user) in zip(connections, pages[start:start + rounds], strict=False)))
        for c in connections:
            c.close()

    async def run(self, scenarios: list, seconds: float, concurrency: int, max_seconds: float) -> float:
        for _ in range(concurrency + 4):
            self.pool.put_nowait(Connection(self.port))
        gate = asyncio.Semaphore(concurrency)
        interval = seconds / max(1, len(scenarios))
        started = time.monotonic()

        async def one(i, kind, actor):
            await asyncio.sleep(max(0.0, started + i * interval - time.monotonic()))
            async with gate:
                await getattr(self, kind)(actor)

        async def sample_load():  # other people's processes share the cores: say how busy the machine was
            while True:
                self.result.load_average.append(os.getloadavg()[0])
                await asyncio.sleep(15)

        sampler = asyncio.create_task(sample_load())
        tasks = [asyncio.create_task(one(i, kind, actor)) for i, (kind, actor) in enumerate(scenarios)]
        done, pending = await asyncio.wait(tasks, timeout=max_seconds)
        sampler.cancel()
        for task in pending:
            task.cancel()
        if pending:
            self.result.errors.append(f"{len(pending)} scenarios not finished within {max_seconds:.0f} s")
        return time.monotonic() - started


# --- checking what is stored -------------------------------------------------------------------------------------
def verify(result: Result, actors: Actors, week: date, day: date) -> list[str]:
    from django.db.models import Count

    from tisheng.homework.models import Feedback, Item, Plan

    problems = []
    plans = {p.pk: p for p in Plan.objects.filter(week=week)}
    per_key = Plan.objects.filter(week=week).values("teacher", "school_class", "subject").annotate(n=Count("id"))
    if any(r["n"] != 1 for r in per_key):
        problems.append("a teacher, class and subject has more than one plan for the week")
    items = defaultdict(list)
    for i in Item.objects.filter(plan__week=week).values("plan_id", "content"):
        items[i["plan_id"]].append(i["content"])
    for plan_id, teacher in result.filed.items():
        plan = plans.get(plan_id)
        if plan is None or plan.status != "submitted":
            problems.append(f"plan {plan_id}: missing or not submitted")
        elif sorted(items[plan_id]) != sorted(f"{teacher['tag']} 第{i + 1}天 练习册第{10 + i}页" for i in range(5)):
            problems.append(f"plan {plan_id}: items differ from what was sent")
    answers = {f.student_id: f for f in Feedback.objects.filter(date=day, student_id__in=list(result.answered))}
    duplicates = Feedback.objects.filter(date=day).values("student").annotate(n=Count("id")).filter(n__gt=1).count()
    if duplicates:
        problems.append(f"{duplicates} pupils have more than one answer for {day}")
    for student, sent in result.answered.items():
        got = answers.get(student)
        if got is None or got.minutes != sent["minutes"] or got.reported_by_id != sent["user"]:
            problems.append(f"answer of pupil {student}: missing or not what was sent")
    for pair in result.pairs:
        winner = pair["tags"][pair["statuses"].index(302)] if 302 in pair["statuses"] else None
        contents = items.get(pair["plan"], [])
        if winner is None or not contents or not all(c.startswith(winner) for c in contents):
            problems.append(f"conflict on plan {pair['plan']}: stored items are not exactly the winner's")
    return problems


# --- report ------------------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1] if len(values) > 1 else values[0]


def report(result: Result, elapsed: float, args, problems: list[str]) -> dict:
    everything = [v for values in result.latencies.values() for v in values] or [0.0]
    rows = []
    for label in sorted(result.latencies):
        v = result.latencies[label]
        rows.append((label, len(v), percentile(v, 0.5) * 1000, percentile(v, 0.95) * 1000, percentile(v, 0.99) * 1000,
                     max(v) * 1000))
    rows.append(("all", len(everything), percentile(everything, 0.5) * 1000, percentile(everything, 0.95) * 1000,
                 percentile(everything, 0.99) * 1000, max(everything) * 1000))
    print(f"\n{'request':<16}{'n':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, n, p50, p95, p99, top in rows:
        print(f"{label:<16}{n:>8}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{top:>9.0f}")
    print(f"\n{len(everything)} requests in {elapsed:.0f} s: {len(everything) / elapsed:.1f} requests/s; "
          f"{len(result.errors)} errors")
    if result.cpu:
        n = len(everything)
        print(f"CPU per request: server {result.cpu['app'] / n * 1000:.1f} ms, database {result.cpu['database'] / n * 1000:.1f}"
              f" ms; load average before the run {', '.join(f'{x:.1f}' for x in result.cpu['load_before'])}, "
              f"at the end {', '.join(f'{x:.1f}' for x in result.cpu['load_average'])}")
    if result.load_average:
        during = result.load_average
        print(f"1-minute load average during the run: min {min(during):.1f}, median {statistics.median(during):.1f}, "
              f"max {max(during):.1f} ({len(during)} samples, 2 cores)")
    print(f"plans filed {len(result.filed)}, answers sent {len(result.answered)}, conflict pairs {len(result.pairs)} "
          f"(each: one saved, one shown the conflict)")
    for e in result.errors[:20]:
        print("  error:", e)
    print("stored exactly once:", "yes" if not problems else f"NO, {len(problems)} problems")
    for p in problems[:20]:
        print("  problem:", p)
    summary = {"args": vars(args), "elapsed_s": elapsed, "cpu": result.cpu, "load_during": result.load_average, "requests": len(everything),
               "throughput_rps": len(everything) / elapsed, "errors": len(result.errors), "problems": len(problems),
               "rows": [dict(zip(("request", "n", "p50_ms", "p95_ms", "p99_ms", "max_ms"), r, strict=True)) for r in rows]}
    (OUT / "homework_load.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="tisheng_homework_bench")
    parser.add_argument("--students", type=int, default=41_000, help="demo district size (≈ parent accounts)")
    parser.add_argument("--teachers", type=int, default=2_000)
    parser.add_argument("--parents", type=int, default=40_000)
    parser.add_argument("--conflicts", type=int, default=100, help="teacher/grade-leader pairs saving at once")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies teachers, parents, conflicts, minutes")
    parser.add_argument("--minutes", type=float, default=15, help="the hour compressed into this many minutes")
    parser.add_argument("--concurrency", type=int, default=24, help="scenarios running at once, at most")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (1: sync workers)")
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--max-seconds", type=float, default=2400)
    parser.add_argument("--reuse-db", action="store_true", help="use the database of an earlier run as it is")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(args.database)
    if not args.reuse_db:
        create_database(args.database)
    django_setup(url)
    if not args.reuse_db:
        build_district(args.students)

    from django.db import connection
    from django.utils import timezone

    n = {k: max(1, round(getattr(args, k) * args.scale)) for k in ("teachers", "parents", "conflicts")}
    actors = choose_actors(n["teachers"], n["parents"], n["conflicts"], args.seed)
    sign_in(actors)
    connection.close()
    today = timezone.localdate()
    week = free_week(today)
    print(f"actors: {len(actors.teachers)} teachers, {len(actors.parents)} parents, {len(actors.pairs)} conflict pairs;"
          f" plans for the week of {week}, answers for {today}")
    rng = random.Random(args.seed)
    scenarios = ([("teacher", t) for t in actors.teachers] + [("parent", p) for p in actors.parents]
                 + [("pair", p) for p in actors.pairs])
    rng.shuffle(scenarios)

    load_before = os.getloadavg()
    processes = start_server(url, args.port, args.workers, args.threads)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                import urllib.request

                urllib.request.urlopen(f"http://{HOST}:{args.port}/accounts/login/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or processes[0].poll() is not None:
                    raise SystemExit("gunicorn did not start: see bench/out/homework_load_server.log") from None
                time.sleep(0.5)
        result = Result()
        load = Load(args.port, actors, week, today, result)
        asyncio.run(load.warm_up(args.workers * args.threads))
        app_before = cpu_seconds(server_pids(processes))
        elapsed = asyncio.run(load.run(scenarios, args.minutes * 60 * args.scale, args.concurrency, args.max_seconds))
        # the database backends of the server's connections (persistent, CONN_MAX_AGE) lived through the run
        result.cpu = {"app": cpu_seconds(server_pids(processes)) - app_before,
                      "database": cpu_seconds(database_pids(args.database)), "load_average": os.getloadavg(),
                      "load_before": load_before}
    finally:
        stop(processes)
    problems = verify(result, actors, week, today)
    summary = report(result, elapsed, args, problems)
    return 0 if not summary["errors"] and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
