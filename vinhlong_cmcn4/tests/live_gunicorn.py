"""A real gunicorn for the tests that need one: a free port, the server started on it, /healthz asked, a slow body sent.

The server runs this checkout's ``vinhlong_cmcn4.wsgi`` on a fresh SQLite database, without Redis or the Prometheus
directory of the environment, and by default from ``deploy/gunicorn.conf.py`` as shipped. A test module starts it in
its own module-scoped fixture: ``with gunicorn_running(PORT, tmp_path_factory.mktemp("slow"), ...) as process``.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
AS_SHIPPED = ("--config", "deploy/gunicorn.conf.py")
# Settings of the environment the server must not inherit (a test sets the ones it means).
NOT_INHERITED = ("REDIS_URL", "GUNICORN_WORKERS", "GUNICORN_THREADS", "PROMETHEUS_MULTIPROC_DIR")


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz_seconds(port: int) -> tuple[int, float]:
    """GET /healthz on a new connection: the status and how long the answer took."""
    started = time.monotonic()
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = connection.recv(4096).split(b"\r\n", 1)[0]
        return int(head.split()[1]), time.monotonic() - started
    finally:
        connection.close()


@contextmanager
def gunicorn_running(port: int, directory: Path, *, args: Sequence[str] = AS_SHIPPED, **env: str) -> Iterator[subprocess.Popen]:
    """gunicorn on ``port`` with ``args`` and the settings ``env``, its database in ``directory``; stopped on leaving.

    Entered once /healthz answers 200 and every worker is past its first request (the URLconf is loaded then).
    """
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DEBUG": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    for name in NOT_INHERITED:
        environment.pop(name, None)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "vinhlong_cmcn4.wsgi", *args, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if healthz_seconds(port)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for _ in range(20):
            healthz_seconds(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=40)


def slow_body(port: int, outcome: dict, sent: threading.Event | None = None) -> None:
    """POST /dang-nhap/ declaring 100,000 bytes, then a byte every half second until the server answers.

    ``outcome`` gets the answer's ``status`` (None when the connection was cut) and the ``seconds`` it took;
    ``sent`` is set once the headers are sent.
    """
    connection = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    connection.sendall(
        b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    if sent is not None:
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
