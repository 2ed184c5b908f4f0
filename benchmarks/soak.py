"""Soak test: the whole deployment under a bounded mixed load while Redis, a worker and the database misbehave.

gunicorn + Celery worker + beat on PostgreSQL (a database of its own) and a redis-server of its own
(appendonly, so it can be killed like a real one), with the demo data. For ``--minutes`` minutes:

- officers file reports through the API and their heads approve and send them (an e-mail job each);
- a leader reads the task list, the reports and the summaries; anonymous clients read plans and tasks;
- meanwhile, in turn: Redis is killed (SIGKILL) and restarted, Redis is frozen (SIGSTOP) and resumed,
  the worker is killed (SIGKILL, every process of it) and started again, every database
  connection is dropped (pg_terminate_backend), and slow clients attack: eight connections at a time
  post a login form declaring 100,000 bytes and send a byte a second (each reconnects when cut off), and
  slow headers: more connections than gunicorn has threads send their request's headers a byte a second.

Then the load stops, the faults stop, and it waits for every queued job. It prints the requests, the
errors (5xx and broken connections), the reports lost (sent and acknowledged, but not in the database
as sent: must be 0), the jobs never run and the duplicate jobs (an e-mail sent twice: must be 0),
the slowest request, and for each kind of fault the requests made during it, their p95 and how many
were held over 2 s (goal: none), with the URLs of those held. ``--json`` prints the figures as JSON too.

    .venv/bin/python benchmarks/soak.py --minutes 10 --json

Ports: gunicorn 8143, redis 6391 (``--port``, ``--redis-port``); database ``--database``. The load is
bounded: four client threads with pauses, gunicorn as shipped (``deploy/gunicorn.conf.py``: threaded
workers, ``--gunicorn-workers`` of them), one worker process of two children.
"""

import argparse
import collections
import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("SOAK_DATABASE", "wt14_soak")
PASSWORD = "Demo@2017"  # noqa: S105 - the demo accounts'
OFFICERS = [("chuyenvien.stttt", "truongdonvi.stttt"), ("chuyenvien.skhcn", "truongdonvi.skhcn")]


def pg_admin(sql: str, database: str = "postgres", params=None):
    import psycopg2

    connection = psycopg2.connect(f"{BASE}/{database}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
    connection.close()
    return rows


class Stack:
    """The processes of the deployment, each startable, killable and restartable."""

    def __init__(self, args, work: Path):
        self.args, self.work = args, work
        self.redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
        self.mail_dir = work / "mail"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{BASE}/{DB_NAME}",
            "REDIS_URL": self.redis_url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
            "MEDIA_ROOT": str(work / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "API_ANON_RATE": "100000/min",
            "API_TOKEN_RATE": "100000/min",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "GUNICORN_WORKERS": str(args.gunicorn_workers),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = {}

    def _start(self, name: str, command: list[str]) -> None:
        log = self.logs.setdefault(name, open(self.work / f"{name}.log", "ab"))  # noqa: SIM115 - closed in stop_all
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)

    def redis_start(self) -> None:
        data = self.work / "redis"
        data.mkdir(exist_ok=True)
        self._start(
            "redis",
            [shutil.which("redis-server"), "--port", str(self.args.redis_port), "--bind", "127.0.0.1", "--dir", str(data),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
        )  # fmt: skip
        import redis

        for _ in range(100):
            try:
                if redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def gunicorn_start(self) -> None:
        self._start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "vinhlong_cmcn4.wsgi", "--config", "deploy/gunicorn.conf.py"],
        )

    def worker_start(self) -> None:
        self._start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "worker", "-c", "2", "--loglevel=WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def beat_start(self) -> None:
        self._start("beat", [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "beat", "--loglevel=WARNING"])

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # the whole group: a worker's children too
        if sig in (signal.SIGKILL, signal.SIGTERM):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in ("gunicorn", "beat", "worker", "redis"):
            if name in self.processes and self.processes[name].poll() is None:
                if name == "redis":
                    os.killpg(self.processes[name].pid, signal.SIGCONT)
                self.kill(name, signal.SIGTERM)
        for log in self.logs.values():
            log.close()


def prepare(stack: Stack) -> None:
    pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
    pg_admin(f"CREATE DATABASE {DB_NAME}")
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=stack.env, check=True, stdout=subprocess.DEVNULL)
    # Coordinators need an address for the notices of each submission.
    pg_admin("UPDATE plans_user SET email = username || '@vinhlong.gov.vn' WHERE email = ''", DB_NAME)


class Load:
    """The clients: every request timed, every acknowledged report remembered."""

    def __init__(self, base: str, minutes: float):
        self.base, self.until = base, time.monotonic() + minutes * 60
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = collections.Counter()
        self.client_errors = collections.Counter()
        self.slowest = (0.0, "")
        self.durations: list[float] = []
        self.timed: list[tuple[float, float, str]] = []  # (started, seconds, "METHOD path → status") of every request
        self.filed: list[int] = []

    def call(self, session: requests.Session, method: str, path: str, **kwargs):
        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, timeout=60, **kwargs)
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, type(error).__name__
        elapsed = time.monotonic() - started
        with self.lock:
            self.requests += 1
            self.durations.append(elapsed)
            self.timed.append((started, elapsed, f"{method} {path.split('?')[0]} → {status}"))
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, self.timed[-1][2])
            if not isinstance(status, int) or status >= 500:
                self.errors[f"{method} {re.sub(r'/[0-9]+/', '/<id>/', path.split('?')[0])} → {status}"] += 1
            elif status >= 400:
                self.client_errors[f"{method} {re.sub(r'/[0-9]+/', '/<id>/', path.split('?')[0])} → {status}"] += 1
        return response

    def running(self) -> bool:
        return time.monotonic() < self.until

    def token(self, username: str) -> requests.Session:
        session = requests.Session()
        while True:
            response = self.call(session, "POST", "/api/v1/auth/token/", data={"username": username, "password": PASSWORD})
            if response is not None and response.status_code == 200:
                session.headers["Authorization"] = f"Token {response.json()['token']}"
                return session
            time.sleep(1)

    def officer(self, officer: str, head: str, slots: list[tuple[int, str]]) -> None:
        writer, approver = self.token(officer), self.token(head)
        for task, period in slots:
            if not self.running():
                return
            data = {"task": task, "period": period, "progress": random.randint(0, 99), "work_state": "in_progress", "results": "Soak"}
            created = self.call(writer, "POST", "/api/v1/reports/", json=data)
            if created is None or created.status_code != 201:
                time.sleep(0.5)
                continue
            report = created.json()["id"]
            for _attempt in range(20):  # the head retries until the step is acknowledged
                sent = self.call(approver, "POST", f"/api/v1/reports/{report}/approve/", json={})
                if sent is not None and sent.status_code == 200:
                    with self.lock:
                        self.filed.append(report)
                    break
                time.sleep(1)
            time.sleep(0.3)

    def leader(self) -> None:
        session = self.token("lanhdao")
        while self.running():
            self.call(session, "GET", f"/api/v1/tasks/?ordering={random.choice(['due_date', '-progress'])}")
            self.call(session, "GET", "/api/v1/reports/?page_size=50")
            self.call(session, "GET", "/api/v1/summaries/")
            time.sleep(0.5)

    def anonymous(self) -> None:
        session = requests.Session()
        while self.running():
            self.call(session, "GET", "/api/v1/plans/")
            self.call(session, "GET", "/api/v1/tasks/?q=chuyen+doi+so")
            self.call(session, "GET", "/ke-hoach/")
            self.call(session, "GET", "/healthz")
            time.sleep(0.5)


def report_slots() -> dict[str, list[tuple[int, str]]]:
    """For each officer, (task, period) pairs its agency may report on and has not reported yet."""
    periods = [f"{year}-{kind}" for year in range(2000, 2050) for kind in ("H1", "H2", "Y")]
    slots = {}
    for officer, _head in OFFICERS:
        code = officer.split(".")[1].upper()
        tasks = [row[0] for row in pg_admin(
            "SELECT DISTINCT a.task_id FROM tasks_taskassignment a JOIN plans_agency g ON g.id = a.agency_id WHERE g.code = %s",
            DB_NAME, [code],
        )]  # fmt: skip
        taken = {
            (task, f"{year}-Y" if kind == "year" else f"{year}-H{number}")
            for task, kind, year, number in pg_admin(
                "SELECT r.task_id, p.kind, p.year, p.number FROM reports_report r JOIN reports_reportingperiod p ON p.id = r.period_id "
                "JOIN plans_agency g ON g.id = r.agency_id WHERE g.code = %s",
                DB_NAME,
                [code],
            )
        }
        pairs = [(task, period) for period in periods for task in tasks]
        random.shuffle(pairs)
        slots[officer] = [pair for pair in pairs if pair not in taken]
    return slots


def slow_client(port: int, until: float, held: list[float], slow_headers: bool = False) -> None:
    """POST a login form declaring 100,000 bytes, a byte a second (its headers too if ``slow_headers``), again and
    again until ``until``; how long each connection was held."""
    head = (
        b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            if not slow_headers:
                connection.sendall(head)
            trickle = itertools.chain(head if slow_headers else b"", itertools.repeat(ord("a")))
            connection.settimeout(1)
            while time.monotonic() < until:
                try:
                    connection.recv(4096)
                    break  # answered (408) or closed
                except TimeoutError:
                    connection.send(bytes([next(trickle)]))
            connection.close()
        except OSError:
            pass
        held.append(time.monotonic() - started)


def faults(stack: Stack, load: Load, stop_at: float, log: list[str], windows: list[tuple[str, float, float]]) -> None:
    """One fault every ``interval`` seconds, in turn, until ``stop_at``; ``windows`` gets (kind, start, end) of each."""
    steps = ["redis_kill", "redis_freeze", "worker_kill", "db_drop", "slow_clients", "slow_headers"]
    interval = 30
    turn = 0
    time.sleep(interval)
    while time.monotonic() < stop_at:
        step = steps[turn % len(steps)]
        turn += 1
        began = time.monotonic()
        if step == "redis_kill":
            stack.kill("redis")
            time.sleep(10)
            stack.redis_start()
        elif step == "redis_freeze":
            os.killpg(stack.processes["redis"].pid, signal.SIGSTOP)
            time.sleep(15)
            os.killpg(stack.processes["redis"].pid, signal.SIGCONT)
        elif step == "worker_kill":
            stack.kill("worker")
            time.sleep(5)
            stack.worker_start()
        elif step == "db_drop":
            dropped = pg_admin(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                DB_NAME, [DB_NAME],
            )[0][0]  # fmt: skip
            time.sleep(5)  # the requests of the next seconds find their connections gone
            step = f"db_drop ({dropped} connections)"
        elif step == "slow_clients":
            held: list[float] = []
            attackers = [threading.Thread(target=slow_client, args=(stack.args.port, time.monotonic() + 20, held)) for _ in range(8)]
            for attacker in attackers:
                attacker.start()
            for attacker in attackers:
                attacker.join()
            step = f"slow_clients (8 at a time, {len(held)} connections, each held {max(held, default=0):.0f} s at most)"
        elif step == "slow_headers":
            held = []
            count = stack.args.gunicorn_workers * int(os.environ.get("GUNICORN_THREADS", "8")) + 8  # more than the threads
            until = time.monotonic() + 20
            attackers = [threading.Thread(target=slow_client, args=(stack.args.port, until, held, True)) for _ in range(count)]
            for attacker in attackers:
                attacker.start()
            for attacker in attackers:
                attacker.join()
            step = f"slow_headers ({count} at a time, {len(held)} connections, each held {max(held, default=0):.0f} s at most)"
        windows.append((step.split(" ")[0], began, time.monotonic()))
        log.append(f"{time.strftime('%H:%M:%S')} {step}")
        time.sleep(interval)


def settle(stack: Stack, filed: list[int], seconds: int) -> dict:
    """Wait for every queued job to run; then count what was lost and what ran twice."""
    deadline = time.monotonic() + seconds
    while True:
        pending = pg_admin("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL", DB_NAME)[0][0]
        not_run = pg_admin(
            "SELECT count(*) FROM core_outboxmessage o LEFT JOIN core_jobrun j ON j.key = 'outbox-' || o.id "
            "WHERE o.job = 'reports.jobs.report_event_notify_job' AND j.done_at IS NULL",
            DB_NAME,
        )[0][0]
        if (pending == 0 and not_run == 0) or time.monotonic() > deadline:
            break
        time.sleep(5)
    states = dict(pg_admin("SELECT id, state FROM reports_report WHERE id = ANY(%s)", DB_NAME, [filed])) if filed else {}
    lost = [report for report in filed if states.get(report) not in {"submitted", "accepted"}]
    mails = collections.Counter()
    if stack.mail_dir.exists():
        for path in stack.mail_dir.iterdir():
            for message in path.read_text(errors="replace").split("-" * 79):
                to = re.search(r"^To: (.+)$", message, re.M)
                if to:
                    body = re.sub(r"^(Date|Message-ID): .*$", "", message, flags=re.M)
                    mails[(to.group(1), body.strip())] += 1
    return {
        "outbox_pending": pending,
        "jobs_not_run": not_run,
        "lost": lost,
        "mails": sum(mails.values()),
        "duplicate_mails": sum(count - 1 for count in mails.values() if count > 1),
        "jobs_ran_twice": pg_admin("SELECT count(*) FROM core_jobrun WHERE attempts > 1", DB_NAME)[0][0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--port", type=int, default=8143)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--settle-minutes",
        type=float,
        default=13,
        help="how long to wait for the last jobs after the load (a lost job is sent again after OUTBOX_REDELIVER_SECONDS, 10.5 min)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    stack = Stack(args, work)
    fault_log: list[str] = []
    windows: list[tuple[str, float, float]] = []
    try:
        stack.redis_start()
        prepare(stack)
        stack.gunicorn_start()
        stack.worker_start()
        stack.beat_start()
        time.sleep(4)
        load = Load(f"http://127.0.0.1:{args.port}", args.minutes)
        slots = report_slots()
        threads = [threading.Thread(target=load.officer, args=(officer, head, slots[officer])) for officer, head in OFFICERS]
        threads += [threading.Thread(target=load.leader), threading.Thread(target=load.anonymous)]
        # Faults stop a little before the load, so the last one is caught up while clients still run.
        chaos = threading.Thread(target=faults, args=(stack, load, load.until - 45, fault_log, windows), daemon=True)
        for thread in [*threads, chaos]:
            thread.start()
        for thread in threads:
            thread.join()
        chaos.join(timeout=60)
        for name, start in (("redis", stack.redis_start), ("worker", stack.worker_start)):
            if stack.processes[name].poll() is not None:
                start()
        result = settle(stack, load.filed, int(args.settle_minutes * 60))
        durations = sorted(load.durations)
        print(
            f"soak: {args.minutes:g} min, PostgreSQL {DB_NAME}, demo data, gunicorn.conf.py with {args.gunicorn_workers} workers, worker -c 2, beat"
        )
        print("faults:", ", ".join(fault_log) or "none")
        print(f"requests: {load.requests}  errors (5xx or broken): {sum(load.errors.values())}  4xx: {sum(load.client_errors.values())}")
        for line, count in (load.errors + load.client_errors).most_common(8):
            print(f"   {count:5d}  {line}")
        print(f"median {durations[len(durations) // 2] * 1000:.0f} ms, p95 {durations[int(len(durations) * 0.95)] * 1000:.0f} ms")
        print(f"slowest request: {load.slowest[0]:.1f} s  ({load.slowest[1]})")
        print(f"requests held over 2 s: {sum(1 for _started, seconds, _label in load.timed if seconds > 2)}")
        per_fault = {}
        for kind in dict.fromkeys(kind for kind, _start, _end in windows):
            during = sorted(
                (seconds, label) for started, seconds, label in load.timed if any(k == kind and a <= started <= b for k, a, b in windows)
            )
            if during:
                p95 = during[min(len(during) - 1, int(len(during) * 0.95))][0]
                held = [f"{label} {seconds:.1f} s" for seconds, label in during if seconds > 2]
                per_fault[kind] = {"requests": len(during), "p95_ms": round(p95 * 1000), "held_over_2s": len(held),
                                   "slowest_s": round(during[-1][0], 1), "held": held}  # fmt: skip
                print(
                    f"   during {kind}: {len(during)} requests, p95 {p95 * 1000:.0f} ms, held over 2 s: {len(held)}, slowest {during[-1][0]:.1f} s"
                )
                for line in held[:5]:
                    print(f"      held: {line}")
        print(f"reports filed and acknowledged: {len(load.filed)}  reports lost: {len(result['lost'])}")
        print(f"e-mails: {result['mails']}  duplicate jobs (e-mails sent twice): {result['duplicate_mails']}")
        print(f"jobs never run: {result['jobs_not_run']}  outbox still pending: {result['outbox_pending']}  "
              f"job keys run again after a failure or a dead worker: {result['jobs_ran_twice']}")  # fmt: skip
        print(f"logs: {work}")
        if args.json:
            figures = {
                "minutes": args.minutes, "database": DB_NAME, "gunicorn_workers": args.gunicorn_workers, "faults": fault_log,
                "requests": load.requests, "errors_5xx_or_broken": dict(load.errors), "client_errors_4xx": dict(load.client_errors),
                "median_ms": round(durations[len(durations) // 2] * 1000), "p95_ms": round(durations[int(len(durations) * 0.95)] * 1000),
                "slowest": f"{load.slowest[0]:.1f} s ({load.slowest[1]})",
                "held_over_2s": sum(1 for _started, seconds, _label in load.timed if seconds > 2), "per_fault": per_fault,
                "reports_acknowledged": len(load.filed), "reports_lost": len(result["lost"]), "mails": result["mails"],
                "duplicate_mails": result["duplicate_mails"], "jobs_not_run": result["jobs_not_run"],
                "outbox_pending": result["outbox_pending"], "jobs_ran_twice": result["jobs_ran_twice"],
            }  # fmt: skip
            print(json.dumps(figures, ensure_ascii=False, indent=1))
    finally:
        stack.stop_all()


if __name__ == "__main__":
    main()
