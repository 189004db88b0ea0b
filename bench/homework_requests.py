"""CPU time and queries of each request of the homework load test, measured in process (issue 4).

    .venv/bin/python bench/homework_requests.py                   # on the load test's database
    .venv/bin/python bench/homework_requests.py --profile parent  # and where a parent's requests spend it

The load test (``bench/homework_load.py``) says how the server behaves under many users; this says what one
request costs and why, without the noise of the other requests: it signs in as the load test's teachers and
parents (Django's test client, the same database, ``TISHENG_DEBUG=0``) and makes their requests one after
another — today's homework and the answer; the plan list, starting a plan, the form, the running totals,
saving and submitting — then prints per kind of request the median CPU time of this process (the database
server's work is not in it) and the number of queries. Run ``homework_load.py`` once first: it builds the
database (``--database``, default ``tisheng_homework_bench``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import homework_load as load  # noqa: E402  (the load test's setup: database, actors, the items a teacher files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="tisheng_homework_bench")
    parser.add_argument("--teachers", type=int, default=40)
    parser.add_argument("--parents", type=int, default=80)
    parser.add_argument("--profile", choices=["parent", "teacher"], help="print cProfile's view of these requests")
    args = parser.parse_args()

    load.django_setup(load.database_url(args.database))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tisheng.accounts.models import User

    actors = load.choose_actors(args.teachers, args.parents, 0, seed=4)
    users = User.objects.in_bulk([t["user"] for t in actors.teachers] + [p["user"] for p in actors.parents])
    day = timezone.localdate()
    week = load.free_week(day)
    filing = type("Filing", (), {"week": week})()  # what Load.items reads
    cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    profiler = cProfile.Profile()

    def client(user_id: int):
        c = Client(HTTP_HOST=load.HOST)
        c.force_login(users[user_id])
        return c

    def call(kind: str, expect: int, fn):
        profiling = args.profile is not None and kind.startswith(args.profile)
        with CaptureQueriesContext(connection) as captured:
            if profiling:
                profiler.enable()
            start = time.process_time()
            response = fn()
            cpu[kind].append(time.process_time() - start)
            if profiling:
                profiler.disable()
        if response.status_code != expect:
            raise SystemExit(f"{kind}: status {response.status_code}, expected {expect}")
        queries[kind] = len(captured)
        return response

    for p in actors.parents:
        c, prefix = client(p["user"]), f"s{p['student']}"
        call("parent: today's homework", 200, lambda: c.get(f"/homework/today/?day={day.isoformat()}"))
        answer = {f"{prefix}-minutes": 45, f"{prefix}-finished": "home", f"{prefix}-bedtime": "21:00"}
        call("parent: answer", 302, lambda: c.post(f"/homework/feedback/{p['student']}/{day.isoformat()}/", answer))
    for t in actors.teachers:
        c = client(t["user"])
        call("teacher: plan list", 200, lambda: c.get(f"/homework/plans/?week={week.isoformat()}"))
        started = call("teacher: start plan", 302, lambda: c.post("/homework/plans/start/", {
            "school_class": t["class"], "subject": t["subject"], "week": week.isoformat()}))
        plan = int(re.search(r"/homework/plans/(\d+)/edit/", started["location"]).group(1))
        form = call("teacher: plan form", 200, lambda: c.get(f"/homework/plans/{plan}/edit/"))
        version = int(re.search(rb'name="version" value="(\d+)"', form.content).group(1))
        items = load.Load.items(filing, "bench", t["grade"])
        call("teacher: running totals", 200, lambda: c.post(f"/homework/plans/{plan}/totals/", items,
                                                             HTTP_HX_REQUEST="true"))
        items = load.Load.items(filing, "bench", t["grade"], version, submit=True)
        call("teacher: save and submit", 302, lambda: c.post(f"/homework/plans/{plan}/edit/", items))

    print(f"{'request':28} {'n':>4} {'CPU ms (median)':>16} {'queries':>8}")
    for kind, times in cpu.items():
        warm = times[3:] or times  # the first requests of a kind fill caches (templates, translations)
        print(f"{kind:28} {len(warm):4} {statistics.median(warm) * 1000:16.1f} {queries[kind]:8}")
    if args.profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
