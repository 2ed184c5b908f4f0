"""Dashboard benchmark on PostgreSQL: 5,000 tasks, 60 agencies, 50,000 reports.

1. Server time (Django test client, in process) of the dashboard, a plan page and a filtered
   task list: median and p95 over repeated requests, with the number of SQL queries.
2. Load: the portal under gunicorn (2 workers) on 127.0.0.1, driven from a second process for
   a bounded time: requests/s, p95 and errors.

    .venv/bin/python benchmarks/dashboard.py [--repeat 30] [--load-seconds 20] [--concurrency 4]

PostgreSQL: postgres://postgres@127.0.0.1:5432 (BENCH_POSTGRES_URL); the benchmark makes and drops
its own database.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{BASE}/bench_dashboard"
PORT = 8765
SECRET_KEY = "benchmark-only-secret-key-" + "k" * 40  # noqa: S105


def pg_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def populate(tasks: int = 5000, agencies: int = 60, reports: int = 50_000) -> dict:
    """Build the data set with bulk inserts; returns what the measurements need."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from plans.choices import PeriodKind, PlanState
    from plans.models import Agency, Plan, Section, User
    from plans.services import roles_setup
    from reports.choices import ReportState, WorkState
    from reports.models import Report, ReportingPeriod
    from reports.periods import period_of
    from tasks.models import Task, TaskAssignment

    groups = roles_setup()
    agency_rows = Agency.objects.bulk_create(
        [
            Agency(
                code=f"CQ{n:02d}",
                name=f"Cơ quan thử nghiệm số {n:02d}",
                name_key=f"co quan thu nghiem so {n:02d}",
                search_text=f"cq{n:02d}",
            )
            for n in range(agencies)
        ]
    )
    plans = [
        Plan.objects.create(
            symbol=f"{n}/KH-UBND",
            issuer="Ủy ban nhân dân tỉnh Vĩnh Long",
            issued_on=datetime.date(2021, 1, 1),
            starts_on=datetime.date(2021, 1, 1),
            title=f"Kế hoạch chuyển đổi số số {n}",
            state=PlanState.IN_FORCE,
            is_published=True,
            reporting_kinds=["half_year", "year"],
        )
        for n in (1, 2)
    ]
    sections = Section.objects.bulk_create(
        [Section(plan=plans[n % 2], number=str(n + 1), position=n, title=f"Nhóm nhiệm vụ {n + 1}") for n in range(50)]
    )
    task_rows = []
    for n in range(tasks):
        section = sections[n % 50]
        kind = n % 5
        due = None if kind == 4 else datetime.date(2022 + n % 5, 12, 31)
        task_rows.append(
            Task(
                plan_id=section.plan_id,
                section=section,
                number=str(n + 1),
                position=n,
                title=f"Nhiệm vụ chuyển đổi số thứ {n + 1} của tỉnh",
                timeframe="Thường xuyên" if kind == 4 else f"Năm {due.year}",
                start_date=datetime.date(2021, 1, 1),
                due_date=due,
                recurrence="ongoing" if kind == 4 else "none",
                progress=(n * 13) % 101,
                completed_on=datetime.date(2022 + n % 5, 10 + n % 3, 1) + datetime.timedelta(days=90 * kind)
                if kind in (0, 1) and due
                else None,
                search_text=f"nhiem vu chuyen doi so thu {n + 1}",
            )
        )
    task_rows = Task.objects.bulk_create(task_rows, batch_size=2000)
    TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=t, agency=agency_rows[i % agencies], role="lead") for i, t in enumerate(task_rows)]
        + [TaskAssignment(task=t, agency=agency_rows[(i + 7) % agencies], role="cooperating") for i, t in enumerate(task_rows)],
        batch_size=5000,
    )
    # Up to the period agencies are filing now (second half of 2026), so the dashboard counts its reports.
    periods = [period_of(PeriodKind.HALF_YEAR, year, half) for year in range(2021, 2027) for half in (1, 2)]
    period_rows = ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(kind=p.kind, year=p.year, number=p.number, first_day=p.first_day, last_day=p.last_day) for p in periods]
    )
    officer = User.objects.create(username="bench.officer", agency=agency_rows[0])
    leader = User.objects.create(username="bench.leader")
    leader.groups.set([groups["leadership"]])
    per_task = max(1, reports // tasks)
    report_rows = []
    for i, task in enumerate(task_rows):
        for step, period in enumerate(period_rows[-per_task:]):
            progress = min(100, 10 * (step + 1))
            done = progress == 100
            report_rows.append(
                Report(
                    task=task,
                    agency=agency_rows[i % agencies],
                    period=period,
                    role="lead",
                    state=ReportState.ACCEPTED if step < per_task - 1 or i % 3 else ReportState.SUBMITTED,
                    progress=progress,
                    work_state=WorkState.COMPLETED if done else WorkState.IN_PROGRESS,
                    completed_on=period.last_day if done else None,
                    results="Đã triển khai theo kế hoạch",
                    created_by=officer,
                    is_late=(i + step) % 9 == 0,
                )
            )
    Report.objects.bulk_create(report_rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a live database: hint bits set, statistics fresh
    return {
        "plan": plans[0],
        "leader": leader,
        "tasks": Task.objects.count(),
        "reports": Report.objects.count(),
        "agencies": Agency.objects.count(),
    }


def measure(data: dict, repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(data["leader"])
    pages = {
        "dashboard": "/dieu-hanh/",
        "plan page": data["plan"].get_absolute_url(),
        "task list": f"/dieu-hanh/nhiem-vu/?plan={data['plan'].pk}&status=overdue",
    }
    print(f"data: {data['tasks']} tasks, {data['agencies']} agencies, {data['reports']} reports (PostgreSQL)")
    print(f"{'page':12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url in pages.items():
        client.get(url)  # the first visit after loading stores the dashboard's trend points (reports.figures)
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context, log=queries: log.append(sql) or execute(sql, params, many, context)
        ):
            client.get(url)  # counted once, apart from the timed runs
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        print(f"{name:12} {statistics.median(times):>10.1f} {times[int(0.95 * (len(times) - 1))]:>8.1f} {len(queries):>8}")


def load(data: dict, seconds: int, concurrency: int) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(data["leader"].pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = data["leader"].get_session_auth_hash()
    session.create()
    with tempfile.TemporaryDirectory() as static_root:
        env = {
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": static_root,
            "CONN_MAX_AGE": "60",
            "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
        }
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "vinhlong_cmcn4.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(50):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310 - loopback only
                    break
                except OSError:
                    time.sleep(0.2)
            urls = [
                f"http://127.0.0.1:{PORT}/dieu-hanh/",
                f"http://127.0.0.1:{PORT}{data['plan'].get_absolute_url()}",
                f"http://127.0.0.1:{PORT}/",
            ]
            headers = {"Cookie": f"sessionid={session.session_key}", "X-Forwarded-Proto": "https"}
            times, errors, lock = [], [0], threading.Lock()
            deadline = time.monotonic() + seconds

            def worker(offset: int) -> None:
                n = offset
                while time.monotonic() < deadline:
                    request = urllib.request.Request(urls[n % len(urls)], headers=headers)  # noqa: S310
                    n += 1
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                            response.read()
                            ok = response.status == 200
                    except OSError:
                        ok = False
                    with lock:
                        times.append((time.perf_counter() - started) * 1000)
                        errors[0] += 0 if ok else 1

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            times.sort()
            print(f"load: gunicorn 2 workers, {concurrency} clients, {seconds} s on 127.0.0.1 (dashboard, plan page, home in turn)")
            print(
                f"  {len(times) / seconds:.1f} requests/s, median {statistics.median(times):.0f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.0f} ms, errors {errors[0]} of {len(times)}"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    pg_admin("DROP DATABASE IF EXISTS bench_dashboard")
    pg_admin("CREATE DATABASE bench_dashboard")
    static_root = tempfile.mkdtemp()
    # Measure as production runs: DEBUG off (cached templates, no query log), manifest static files.
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=static_root,
        CONN_MAX_AGE="60",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    try:
        started = time.perf_counter()
        data = populate()
        print(f"populated in {time.perf_counter() - started:.0f} s")
        measure(data, args.repeat)
        load(data, args.load_seconds, args.concurrency)
    finally:
        from django.db import connections

        connections.close_all()
        pg_admin("DROP DATABASE IF EXISTS bench_dashboard")


if __name__ == "__main__":
    main()
