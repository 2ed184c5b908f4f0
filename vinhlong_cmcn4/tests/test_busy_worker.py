"""A gunicorn worker whose threads are all busy leaves new connections to the other workers.

The 10-minute soak of issue 31 (docs/benchmarks-issue31-soak.txt): eight slow bodies held the eight threads of
one worker, which kept accepting connections and queued them behind those threads: ordinary requests waited
~9.5 s although the other worker was idle. Here gunicorn runs from deploy/gunicorn.conf.py with 2 workers of
2 threads; three slow bodies fill at least one worker's threads (the other keeps one free) while /healthz is asked
twenty times: every answer must come well before the slow bodies are cut off.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
ROOT = Path(settings.BASE_DIR)
GRACE = 10  # REQUEST_BODY_GRACE_SECONDS: a slow body holds its thread about this long, then gets 408
WORKERS, THREADS = 2, 2
SLOW_BODIES = 3  # at least one worker gets two of them (all its threads); fewer than all 4 threads


def _healthz_seconds() -> tuple[int, float]:
    started = time.monotonic()
    connection = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    try:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = connection.recv(4096).split(b"\r\n", 1)[0]
        return int(head.split()[1]), time.monotonic() - started
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn_two_by_two(tmp_path_factory):
    database = tmp_path_factory.mktemp("busy") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
        "REQUEST_BODY_GRACE_SECONDS": str(GRACE),
    }
    for name in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "vinhlong_cmcn4.wsgi", "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _healthz_seconds()[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    for _ in range(20):  # every worker past its first request (the URLconf is loaded then)
        _healthz_seconds()
    yield process
    process.terminate()
    process.wait(timeout=40)


def _slow_body(outcome: dict, sent: threading.Event) -> None:
    """POST /dang-nhap/ declaring 100,000 bytes, then a byte every half second until the server answers."""
    connection = socket.create_connection(("127.0.0.1", PORT))
    started = time.monotonic()
    connection.sendall(
        b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    sent.set()
    connection.settimeout(0.5)
    try:
        while time.monotonic() - started < 60:
            try:
                answer = connection.recv(4096)
            except TimeoutError:
                connection.send(b"a")
                continue
            outcome["status"] = int(answer.split(b"\r\n", 1)[0].split()[1]) if answer else None
            break
    except OSError:
        outcome["status"] = None
    outcome["seconds"] = time.monotonic() - started
    connection.close()


def test_a_worker_whose_threads_are_all_busy_leaves_new_requests_to_the_other(gunicorn_two_by_two):
    outcomes: list[dict] = [{} for _ in range(SLOW_BODIES)]
    sent = [threading.Event() for _ in outcomes]
    holders = [threading.Thread(target=_slow_body, args=pair) for pair in zip(outcomes, sent, strict=True)]
    for holder, event in zip(holders, sent, strict=True):
        holder.start()
        event.wait(10)
        time.sleep(0.3)  # its headers are in and a thread has it before the next one connects
    time.sleep(0.5)
    started = time.monotonic()
    probes = []
    for _ in range(20):
        probes.append(_healthz_seconds())
        time.sleep(0.05)
    probing = time.monotonic() - started
    for holder in holders:
        holder.join(timeout=60)
    assert {status for status, _ in probes} == {200}
    assert max(seconds for _, seconds in probes) < 2, [round(seconds, 2) for _, seconds in probes]
    # the slow bodies were still held while /healthz was asked: none was answered (408) before the probes ended
    assert min(outcome["seconds"] for outcome in outcomes) > probing, (probing, outcomes)
