"""gunicorn as shipped (deploy/gunicorn.conf.py) keeps answering while clients send their bodies a byte at a time.

Four sync workers used to be held by four such clients until the worker timeout (121 s) while /healthz waited.
Now each slow body holds one thread of many and is cut off with 408 once it falls below the least rate.
Slow headers hold no thread at all: the worker's main loop receives them (vinhlong_cmcn4.gunicorn_worker) and
closes a connection whose headers are not all in after REQUEST_HEADER_SECONDS.
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
GRACE = 4  # REQUEST_BODY_GRACE_SECONDS for this server (10 in production), to keep the test short
SLOW_CLIENTS = 6
HEADER_SECONDS = 6  # REQUEST_HEADER_SECONDS for this server (10 in production)
THREADS = 4 * 8  # deploy/gunicorn.conf.py: 4 workers of 8 threads


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
def gunicorn_as_shipped(tmp_path_factory):
    database = tmp_path_factory.mktemp("slow") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "REQUEST_BODY_GRACE_SECONDS": str(GRACE),
        "REQUEST_HEADER_SECONDS": str(HEADER_SECONDS),
    }
    for name in ("REDIS_URL", "GUNICORN_WORKERS", "GUNICORN_THREADS", "PROMETHEUS_MULTIPROC_DIR"):
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


def _trickle(outcome: dict) -> None:
    """POST /dang-nhap/ declaring 100,000 bytes, then two bytes a second until the server answers."""
    connection = socket.create_connection(("127.0.0.1", PORT))
    started = time.monotonic()
    connection.sendall(
        b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
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


def test_six_clients_sending_a_byte_at_a_time_neither_hold_the_workers_nor_stay_for_long(gunicorn_as_shipped):
    outcomes = [{} for _ in range(SLOW_CLIENTS)]
    attackers = [threading.Thread(target=_trickle, args=(outcome,)) for outcome in outcomes]
    for attacker in attackers:
        attacker.start()
    time.sleep(0.5)
    probes = []
    while any(attacker.is_alive() for attacker in attackers) and len(probes) < 40:
        probes.append(_healthz_seconds())
        time.sleep(0.1)
    for attacker in attackers:
        attacker.join(timeout=60)
    assert len(probes) >= 5  # the slow bodies were held while /healthz was asked
    assert {status for status, _ in probes} == {200}
    assert max(seconds for _, seconds in probes) < 2, probes
    # each slow body is refused soon after the grace period: 408, connection closed
    assert [outcome.get("status") for outcome in outcomes] == [408] * SLOW_CLIENTS
    assert max(outcome["seconds"] for outcome in outcomes) < GRACE + 3


def _slow_headers(outcome: dict, opened: threading.Event) -> None:
    """A request whose headers come a byte a second and never end; how long until the server closes it."""
    connection = socket.create_connection(("127.0.0.1", PORT))
    started = time.monotonic()
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    opened.set()
    connection.settimeout(1)
    try:
        while time.monotonic() - started < 40:
            try:
                if connection.recv(4096) == b"":
                    break  # closed by the server
            except TimeoutError:
                connection.send(b"a")
    except OSError:
        pass
    outcome["seconds"] = time.monotonic() - started
    connection.close()


def test_more_clients_sending_their_headers_a_byte_at_a_time_than_threads_hold_none_of_them(gunicorn_as_shipped):
    outcomes = [{} for _ in range(THREADS + 8)]
    opened = [threading.Event() for _ in outcomes]
    attackers = [threading.Thread(target=_slow_headers, args=pair) for pair in zip(outcomes, opened, strict=True)]
    for attacker in attackers:
        attacker.start()
    for event in opened:
        event.wait(10)
    time.sleep(1.5)  # every connection has sent its first bytes, and one more
    probes = []
    while any(attacker.is_alive() for attacker in attackers) and len(probes) < 40:
        probes.append(_healthz_seconds())
        time.sleep(0.1)
    for attacker in attackers:
        attacker.join(timeout=60)
    assert len(probes) >= 5  # the slow headers were held while /healthz was asked
    assert {status for status, _ in probes} == {200}
    assert max(seconds for _, seconds in probes) < 2, probes
    # each connection is closed once REQUEST_HEADER_SECONDS have passed without the end of its headers
    assert max(outcome["seconds"] for outcome in outcomes) < HEADER_SECONDS + 3, sorted(o["seconds"] for o in outcomes)
