"""Dashboard benchmark on PostgreSQL at a given scale (see benchmarks/dataset.py for the sizes).

1. Server time (Django test client, in process, production settings) of the dashboard, a plan
   page and a filtered task list: median and p95 over repeated requests, with the number of SQL
   statements; and of the dashboard cold ("dashboard (cold)": the shared cache emptied before each
   request, outside the time and the count, so every figure, the lineage map and the indicators
   panel are read again: the statement budget of ``reports.tests.test_dashboard``). With several scales (``--scale 1,4,10``) the requests run in rounds that visit
   every scale in turn, so the load of a shared machine falls on all of them alike; each round's
   median is printed to show how noisy the machine was.
   With ``--cold``, also the dashboard computed afresh (no shared cache, ``reports.dashboard.dashboard_afresh``)
   twice side by side: with the per-agency counts read from the kept counts of lead parts (``tasks.kept``, as
   served) and counted from every task, assignment and report as before them (``reports.dashboard.task_groups_recounted``,
   ``reports.compliance.lead_counts_by_agency_recounted``, ``sent_owed_by_agency``); and the per-agency counts alone,
   both ways; with the number of kept rows. The two dashboards are checked equal first.
2. Load (``--load``): the portal under gunicorn (4 workers) on 127.0.0.1, 8 leaders reading the
   dashboard at once for 30 s: requests/s, median, p95 and errors.

    .venv/bin/python benchmarks/dashboard.py --scale 1,4,10 [--repeat 30] [--rounds 3] [--cold] [--load] [--json]

The data is built once per scale and kept (benchmarks/dataset.py); each run works on a copy.
PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432); database names start
with BENCH_DB_PREFIX (default ``bench``); the server listens on BENCH_PORT (default 8765).
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

ROOT = dataset.ROOT
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def pages() -> dict[str, str]:
    from plans.models import Plan

    plan = Plan.objects.get(symbol=dataset.PLAN_SYMBOL)
    return {
        "dashboard": "/dieu-hanh/",
        "plan page": plan.get_absolute_url(),
        "task list": f"/dieu-hanh/nhiem-vu/?plan={plan.pk}&status=overdue",
    }


def data_sizes() -> dict:
    from indicators.models import Indicator, IndicatorValue
    from plans.models import Agency
    from reports.models import Report
    from tasks.models import Task

    values = IndicatorValue.objects.filter(superseded_at__isnull=True)
    return {
        "tasks": Task.objects.count(),
        "agencies": Agency.objects.count(),
        "reports": Report.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator values": values.count(),
        "years of values": len(set(values.values_list("year", flat=True))),
    }


COLD = "dashboard (cold)"


def cold_request(client, url: str) -> tuple[float, int]:
    """One request of ``url`` with the shared cache emptied first (not timed, not counted): milliseconds, statements."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    statements: list[str] = []
    started = time.perf_counter()
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: statements.append(sql) or execute(sql, params, many, context)
    ):
        response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(statements)


def leader_client():
    from django.test import Client

    from plans.models import User

    client = Client()
    client.force_login(User.objects.get(username=dataset.LEADER))
    return client


def cold_calls() -> dict:
    """The dashboard computed afresh, with its per-agency counts kept and recounted, and those counts alone."""
    from unittest import mock

    from django.utils import timezone

    from reports import compliance
    from reports import dashboard as board
    from reports.dashboard import dashboard_afresh, plans_in_force
    from reports.selectors import due_periods

    today = timezone.localdate()

    def recounted():
        with (
            mock.patch.object(compliance, "lead_counts_by_agency", compliance.lead_counts_by_agency_recounted),
            mock.patch.object(compliance, "sent_owed_by_agency_kept", compliance.sent_owed_by_agency),
            mock.patch.object(board, "task_groups", board.task_groups_recounted),
        ):
            return dashboard_afresh(today=today)

    def agency_counts(count, sent):
        def call():
            plans, _families = plans_in_force()
            due = due_periods(plans, today)
            starts = {plan_id: d.period for plan_id, d in due.items()}
            rows = {plan_id: d.row for plan_id, d in due.items()}
            return count([plan.pk for plan in plans], as_of=today, starts=starts), sent(rows, as_of=today)

        return call

    return {
        "dashboard afresh, kept counts": lambda: dashboard_afresh(today=today),
        "dashboard afresh, recounted (before)": recounted,
        "agency counts kept": agency_counts(compliance.lead_counts_by_agency, compliance.sent_owed_by_agency_kept),
        "agency counts recounted (before)": agency_counts(compliance.lead_counts_by_agency_recounted, compliance.sent_owed_by_agency),
    }


def cold_check() -> dict:
    """The two ways give the same dashboard (else the timing compares different work), and how many rows each reads."""
    from reports.dashboard import dashboard_afresh
    from reports.models import SentLeadCount
    from tasks.models import LeadPartCount, TaskAssignment, TaskCount

    calls = cold_calls()
    (kept, kept_sent), (recounted, sent) = calls["agency counts kept"](), calls["agency counts recounted (before)"]()
    assert {a: (dict(c), c.owing) for a, c in kept.items()} == {a: (dict(c), c.owing) for a, c in recounted.items()}
    assert kept_sent == sent
    kept_board, recounted_board = dashboard_afresh(), calls["dashboard afresh, recounted (before)"]()
    for name in ("agencies", "sections", "trend", "totals"):
        assert getattr(kept_board, name) == getattr(recounted_board, name), name
    assert [(p.pk, p.counts, p.overall_progress) for p in kept_board.plans] == [
        (p.pk, p.counts, p.overall_progress) for p in recounted_board.plans
    ]
    return {
        "kept_lead_part_rows": LeadPartCount.objects.count(),
        "lead_assignments": TaskAssignment.objects.filter(role="lead").count(),
        "kept_sent_rows": SentLeadCount.objects.count(),
        "kept_task_rows": TaskCount.objects.count(),
    }


def measure(databases: dict[int, str], repeat: int, rounds: int, cold_repeat: int, cold: bool = False) -> dict[int, dict]:
    """Every page at every scale, in rounds that visit the scales in turn (the cold dashboard request too; with
    ``cold``, the dashboard computed afresh with its kept counts against the recount)."""
    results: dict[int, dict] = {}
    times: dict[tuple[int, str], list[list[float]]] = {}
    per_round = max(1, repeat // rounds)
    cold_per_round = max(1, cold_repeat // rounds)
    for round_number in range(rounds):
        for scale, database in databases.items():
            measuring.use_database(database)
            client = leader_client()
            urls = pages()
            if round_number == 0:
                results[scale] = {"data": data_sizes()}
                if cold:
                    results[scale]["data"].update(cold_check())
            if cold:
                for name, call in cold_calls().items():
                    call()  # warm: connection, prepared plans
                    if round_number == 0:
                        results[scale][name] = {"queries": measuring.queries_of(call)}
                    times.setdefault((scale, name), []).append(measuring.timed(call, per_round))
            for name, url in urls.items():
                response = client.get(url)  # the first visit after loading stores the trend points (reports.figures)
                assert response.status_code == 200, (url, response.status_code)
                if round_number == 0:
                    results[scale][name] = {"queries": measuring.queries_of(lambda url=url, client=client: client.get(url))}
                times.setdefault((scale, name), []).append(measuring.timed(lambda url=url, client=client: client.get(url), per_round))
            runs = [cold_request(client, urls["dashboard"]) for _ in range(cold_per_round)]
            if round_number == 0:
                results[scale][COLD] = {"queries": runs[0][1]}
            assert {count for _ms, count in runs} == {results[scale][COLD]["queries"]}, "a cold dashboard's statements vary"
            times.setdefault((scale, COLD), []).append([ms for ms, _count in runs])
    for (scale, name), runs in times.items():
        queries = results[scale][name]["queries"]
        results[scale][name] = measuring.figures([t for run in runs for t in run], queries, runs)
    return results


def load(database: str, seconds: int, concurrency: int, workers: int) -> dict:
    """``concurrency`` leaders reading the dashboard under gunicorn for ``seconds``."""
    from django.contrib.sessions.backends.db import SessionStore

    from plans.models import User

    measuring.use_database(database)
    leader = User.objects.get(username=dataset.LEADER)
    session = SessionStore()
    session["_auth_user_id"] = str(leader.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = leader.get_session_auth_hash()
    session.create()
    env = {**os.environ, "DATABASE_URL": f"{dataset.BASE}/{database}", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "vinhlong_cmcn4.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{PORT}/dieu-hanh/"
        headers = {"Cookie": f"sessionid={session.session_key}", "X-Forwarded-Proto": "https"}
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(workers * 2):  # every worker connected and its templates loaded
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read()  # noqa: S310
        times, errors, lock = [], [0], threading.Lock()
        deadline = time.monotonic() + seconds

        def leader_reads() -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:  # noqa: S310
                        response.read()
                        ok = response.status == 200
                except OSError:
                    ok = False
                with lock:
                    times.append((time.perf_counter() - started) * 1000)
                    errors[0] += 0 if ok else 1

        threads = [threading.Thread(target=leader_reads) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "requests_per_s": round(len(times) / seconds, 1),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(measuring.percentile(times, 0.95), 1),
            "queries": None,
            "errors": errors[0],
            "requests": len(times),
            "setup": f"gunicorn {workers} workers, {concurrency} leaders on /dieu-hanh/, {seconds} s",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,4,10")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page and scale")
    parser.add_argument("--rounds", type=int, default=3, help="rounds the requests are split into")
    parser.add_argument("--cold-repeat", type=int, default=9, help="cold dashboard requests per scale (the shared cache emptied)")
    parser.add_argument("--cold", action="store_true", help="also the dashboard computed afresh, kept counts against recounted")
    parser.add_argument("--load", action="store_true", help="also the load test under gunicorn")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the working copies (<prefix>_dashboard_<N>)")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "dashboard", say=say) for scale in measuring.scales(args.scale)}
    measuring.django_setup(next(iter(databases.values())))
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", "--noinput", verbosity=0)  # manifest static files, as in production
    try:
        results = measure(databases, args.repeat, args.rounds, args.cold_repeat, args.cold)
        if args.load:
            for scale, database in databases.items():
                results[scale]["load"] = load(database, args.load_seconds, args.concurrency, args.workers)
        measuring.report("dashboard", results, args.json)
    finally:
        connections.close_all()
        if not args.keep:
            for database in databases.values():
                dataset.drop(database)


if __name__ == "__main__":
    main()
