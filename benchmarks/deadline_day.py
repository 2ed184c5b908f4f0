"""Deadline day: officers of many agencies save and send their reports while leaders read, measured from outside.

The portal under gunicorn (production settings, ``deploy/gunicorn.conf.py``, 4 workers) on PostgreSQL
and Redis (``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/9``; the database is emptied before
each run), on 127.0.0.1 only. Two loads, interleaved and repeated (``--rounds``), at each scale:

- **reads**: ``--leaders`` leaders (8) read the dashboard, a plan page and the filtered task list in turn;
- **mixed**: the same leaders while ``--officers`` officers (20, each of another agency) save a report of
  the period being filed now (2026-H2) through the API, send it for approval, and their heads approve and
  send it, ``--pause`` seconds (0.3) between requests.

Before each run the officers' agencies' 2026-H2 lead reports are drafts again (the morning of the
deadline) and the cache is empty; every worker is warmed up. Each run lasts ``--seconds`` (60) and stops
by itself. Printed per scale and load: requests/s, each page's median and p95, the officers' save and
send medians, errors, and how many dashboard requests computed its agencies' part, what a report sent moves
(``dashboard recomputed``; its tasks' part apart, ``dashboard_tasks_recomputed_pct``), counted in
the workers by ``benchmarks/deadline_gunicorn.py``).

    .venv/bin/python benchmarks/deadline_day.py --scale 1,10 [--seconds 60] [--rounds 2] [--json]

Data: benchmarks/dataset.py (kept template per scale, a working copy per run). Port: BENCH_PORT (8765). Another
gunicorn configuration that builds on ``deadline_gunicorn.py`` (a profiler's): BENCH_GUNICORN_CONF.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

ROOT = dataset.ROOT
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PERIOD = (2026, 2)  # the half-year being filed on the benchmark's deadline day
PAGES = ("dashboard", "plan page", "task list")


def cast(officers: int, leaders: int) -> dict:
    """Users of the load (made once per working copy): leaders' sessions, officers' and heads' tokens, the reports to file."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Q
    from rest_framework.authtoken.models import Token

    from plans.models import Agency, Plan, User
    from plans.services import roles_setup
    from reports.models import Report, ReportingPeriod

    groups = roles_setup()
    leader = User.objects.get(username=dataset.LEADER)
    sessions = []
    for _ in range(leaders):
        session = SessionStore()
        session.update(
            {
                "_auth_user_id": str(leader.pk),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": leader.get_session_auth_hash(),
            }
        )
        session.create()
        sessions.append(session.session_key)
    period = ReportingPeriod.objects.get(kind="half_year", year=PERIOD[0], number=PERIOD[1])
    # Reports a task still open can take (a one-off task completed before the period started cannot), of the
    # first agencies that have some (an agency whose tasks are all done files nothing today).
    open_tasks = Q(task__completed_on__isnull=True) | Q(task__completed_on__gte=period.first_day)
    filing = Report.objects.filter(open_tasks, period=period, role="lead")
    agencies = list(Agency.objects.filter(pk__in=filing.values("agency_id")).order_by("code")[:officers])
    people = []
    for n, agency in enumerate(agencies):
        tokens = {}
        for role in ("officer", "head"):
            user, _created = User.objects.get_or_create(username=f"dd.{role}.{n}", defaults={"agency": agency})
            user.groups.set([groups[role]])
            tokens[role] = Token.objects.get_or_create(user=user)[0].key
        reports = list(filing.filter(agency=agency).order_by("task__position").values_list("pk", flat=True))
        people.append({"agency": agency.pk, "officer": tokens["officer"], "head": tokens["head"], "reports": reports})
    plan = Plan.objects.get(symbol=dataset.PLAN_SYMBOL)
    return {
        "sessions": sessions,
        "people": people,
        "urls": {
            "dashboard": "/dieu-hanh/",
            "plan page": plan.get_absolute_url(),
            "task list": f"/dieu-hanh/nhiem-vu/?plan={plan.pk}&status=overdue",
        },
    }


def morning(people: list[dict]) -> None:
    """The officers' reports are drafts again, the kept figures recounted, the cache empty: the deadline's morning."""
    import redis
    from django.core.cache import cache

    from reports.figures import late_counts_rebuild, trend_points_rebuild
    from reports.models import Report

    ids = [pk for person in people for pk in person["reports"]]
    Report.objects.filter(pk__in=ids).update(
        state="draft", is_late=False, submitted_at=None, first_submitted_at=None, accepted_at=None, version=1
    )
    late_counts_rebuild()
    trend_points_rebuild()
    redis.Redis.from_url(REDIS_URL).flushdb()
    cache.clear()


def server(database: str, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"{dataset.BASE}/{database}",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(workers),
        "LOG_LEVEL": "ERROR",
        "API_ANON_RATE": "100000/min",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "vinhlong_cmcn4.wsgi",
            "-c",
            os.environ.get("BENCH_GUNICORN_CONF") or str(Path(__file__).with_name("deadline_gunicorn.py")),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "ab"),  # noqa: SIM115 - the server's, closed with it
    )
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []
        self.ran_out = 0  # officers who sent every report they had before the run ended

    def timed(self, name: str, call) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = call()
            ok = response.status_code < 400
        except requests.RequestException as error:
            response, ok = None, False
            detail = repr(error)
        else:
            detail = f"{response.status_code} {response.text[:200]}"
        with self.lock:
            self.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            if not ok:
                self.errors[name] = self.errors.get(name, 0) + 1
                if len(self.samples) < 5:
                    self.samples.append(f"{name}: {detail}")
        return response if ok else None


def run(setup: dict, *, mixed: bool, seconds: int, pause: float, workers: int, database: str) -> dict:
    import redis
    from deadline_gunicorn import COUNTER, TASKS_COUNTER

    base = f"http://127.0.0.1:{PORT}"
    counter = redis.Redis.from_url(REDIS_URL)
    process = server(database, workers)
    try:
        for session in setup["sessions"][: workers * 2]:  # every worker connected, templates loaded, figures computed once
            for url in setup["urls"].values():
                requests.get(base + url, cookies={"sessionid": session}, headers={"X-Forwarded-Proto": "https"}, timeout=60)
        computes_before = int(counter.get(COUNTER) or 0)
        tasks_before = int(counter.get(TASKS_COUNTER) or 0)
        record = Recorder()
        deadline = time.monotonic() + seconds
        sequence = ("dashboard", "plan page", "dashboard", "task list")

        def leader(session: str) -> None:
            client = requests.Session()
            client.cookies.set("sessionid", session)
            client.headers["X-Forwarded-Proto"] = "https"
            turn = 0
            while time.monotonic() < deadline:
                name = sequence[turn % len(sequence)]
                turn += 1
                record.timed(name, lambda name=name: client.get(base + setup["urls"][name], timeout=30))

        def officer(person: dict) -> None:
            officer_headers = {"Authorization": f"Token {person['officer']}", "X-Forwarded-Proto": "https"}
            head_headers = {"Authorization": f"Token {person['head']}", "X-Forwarded-Proto": "https"}
            for report_id in person["reports"]:
                if time.monotonic() >= deadline:
                    return
                url = f"{base}/api/v1/reports/{report_id}/"
                body = {
                    "version": 1,
                    "progress": 60,
                    "work_state": "in_progress",
                    "completed_on": None,
                    "results": "Đã triển khai theo kế hoạch trong kỳ",
                }
                if (
                    record.timed(
                        "officer save", lambda url=url, body=body: requests.patch(url, json=body, headers=officer_headers, timeout=30)
                    )
                    is None
                ):
                    continue
                time.sleep(pause)
                if (
                    record.timed("officer submit", lambda url=url: requests.post(url + "submit/", headers=officer_headers, timeout=30))
                    is None
                ):
                    continue
                time.sleep(pause)
                record.timed("head send", lambda url=url: requests.post(url + "approve/", headers=head_headers, timeout=30))
                time.sleep(pause)
            with record.lock:
                record.ran_out += 1

        threads = [threading.Thread(target=leader, args=(session,)) for session in setup["sessions"]]
        if mixed:
            threads += [threading.Thread(target=officer, args=(person,)) for person in setup["people"]]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        computes = int(counter.get(COUNTER) or 0) - computes_before
        tasks_computes = int(counter.get(TASKS_COUNTER) or 0) - tasks_before
    finally:
        process.terminate()
        process.wait(timeout=30)
    requests_done = sum(len(times) for times in record.times.values())
    out = {
        "requests_per_s": round(requests_done / elapsed, 1),
        "errors": sum(record.errors.values()),
        "officers_done_early": record.ran_out,
    }
    for name, times in record.times.items():
        out[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(measuring.percentile(times, 0.95), 1),
            "n": len(times),
        }
    dashboards = len(record.times.get("dashboard", []))
    out["dashboard_recomputed_pct"] = round(100 * computes / dashboards, 1) if dashboards else None
    out["dashboard_tasks_recomputed_pct"] = round(100 * tasks_computes / dashboards, 1) if dashboards else None
    if record.errors:
        out["error_kinds"] = record.errors
        out["error_samples"] = record.samples
    return out


def summarise(runs: list[dict]) -> dict:
    """Several runs of one load: each figure as the list of its runs (a range shows how noisy the machine was)."""
    out: dict = {"runs": len(runs)}
    for key in ("requests_per_s", "errors", "dashboard_recomputed_pct", "dashboard_tasks_recomputed_pct"):
        out[key] = [run[key] for run in runs]
    names = {name for run in runs for name, value in run.items() if isinstance(value, dict) and "median_ms" in value}
    for name in sorted(names):
        out[name] = {
            "median_ms": [run[name]["median_ms"] for run in runs if name in run],
            "p95_ms": [run[name]["p95_ms"] for run in runs if name in run],
            "n": [run[name]["n"] for run in runs if name in run],
        }
    samples = [sample for run in runs for sample in run.get("error_samples", [])]
    if samples:
        out["error_kinds"] = [run.get("error_kinds", {}) for run in runs]
        out["error_samples"] = samples[:5]
    return out


def targets(reads: dict, mixed: dict) -> dict:
    """The issue's targets at this scale, judged on the medians over runs."""
    dash_reads = statistics.median(reads["dashboard"]["median_ms"])
    dash_mixed = statistics.median(mixed["dashboard"]["median_ms"])
    send = statistics.median(mixed["head send"]["median_ms"]) if "head send" in mixed else None
    rps_ratio = statistics.median(mixed["requests_per_s"]) / statistics.median(reads["requests_per_s"])
    return {
        "dashboard_mixed_over_reads": round(dash_mixed / dash_reads, 2),
        "dashboard_mixed_p95_ms": max(mixed["dashboard"]["p95_ms"]),
        "send_median_ms": send,
        "requests_per_s_mixed_over_reads": round(rps_ratio, 2),
        "errors": sum(mixed["errors"]) + sum(reads["errors"]),
        "met": dash_mixed <= 2 * dash_reads
        and max(mixed["dashboard"]["p95_ms"]) < 300
        and send is not None
        and send < 250
        and sum(mixed["errors"]) + sum(reads["errors"]) == 0
        and rps_ratio >= 0.8,
    }


def print_table(results: dict) -> None:
    def span(values: list) -> str:
        values = [v for v in values if v is not None]
        if not values:
            return "–"
        low, high = min(values), max(values)
        return f"{low:g}" if low == high else f"{low:g}–{high:g}"

    for scale, value in results.items():
        print(f"scale {scale}: " + ", ".join(f"{v} {k}" for k, v in value["data"].items()))
        for load in ("reads", "mixed"):
            runs = value[load]
            print(
                f"  {load}: {span(runs['requests_per_s'])} requests/s, errors {span(runs['errors'])}, dashboard recomputed {span(runs['dashboard_recomputed_pct'])} % (its tasks' part {span(runs['dashboard_tasks_recomputed_pct'])} %)"
            )
            for name in (*PAGES, "officer save", "officer submit", "head send"):
                if name in runs:
                    print(f"    {name:16} median {span(runs[name]['median_ms']):>14} ms   p95 {span(runs[name]['p95_ms']):>14} ms")
        print(f"  targets: {value['targets']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,10")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of reads-only and mixed runs")
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--leaders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds an officer waits between requests")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the working copies (<prefix>_deadline_<N>)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds: 1 to 600")
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "deadline", say=say) for scale in measuring.scales(args.scale)}
    measuring.django_setup(next(iter(databases.values())), REDIS_URL=REDIS_URL)
    from dashboard import data_sizes
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", "--noinput", verbosity=0)  # manifest static files, as in production
    try:
        setups, results = {}, {}
        for scale, database in databases.items():
            measuring.use_database(database)
            setups[scale] = cast(args.officers, args.leaders)
            results[scale] = {"data": data_sizes(), "reads": [], "mixed": []}
            results[scale]["data"]["reports_to_file"] = sum(len(p["reports"]) for p in setups[scale]["people"])
        for round_number in range(args.rounds):
            for scale, database in databases.items():
                order = ("reads", "mixed") if round_number % 2 == 0 else ("mixed", "reads")
                for load in order:
                    measuring.use_database(database)
                    morning(setups[scale]["people"])
                    connections.close_all()
                    say(f"round {round_number + 1}, scale {scale}, {load}")
                    results[scale][load].append(
                        run(
                            setups[scale],
                            mixed=load == "mixed",
                            seconds=args.seconds,
                            pause=args.pause,
                            workers=args.workers,
                            database=database,
                        )
                    )
        for value in results.values():
            value["reads"], value["mixed"] = summarise(value["reads"]), summarise(value["mixed"])
            value["targets"] = targets(value["reads"], value["mixed"])
        value_setup = f"gunicorn {args.workers} workers, {args.leaders} leaders, {args.officers} officers, pause {args.pause} s, {args.seconds} s runs × {args.rounds} rounds"
        if args.json:
            import json

            print(
                json.dumps(
                    {
                        "benchmark": "deadline_day",
                        "setup": value_setup,
                        "machine": measuring.machine(),
                        "scales": {str(k): v for k, v in results.items()},
                    },
                    ensure_ascii=False,
                )
            )
        else:
            machine = measuring.machine()
            print(f"machine: {machine['cores']} cores, reference loop {machine['reference_ms']} ms; {value_setup}")
            print_table(results)
    finally:
        connections.close_all()
        if not args.keep:
            for database in databases.values():
                dataset.drop(database)


if __name__ == "__main__":
    main()
