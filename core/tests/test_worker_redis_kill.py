"""A real Celery worker (prefork, as deployed) survives its Redis being killed while it holds an unacknowledged job.

Celery 5.7.0 closed the lost connection after collecting it; the channel then tried to restore the job's
message through a transport already detached (kombu ``_connparams``: ``'NoneType' object has no attribute
'hostname'``), and the worker stopped with "Unrecoverable error". requirements.txt pins celery 5.6.3.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.tests.brokers import broker_use
from core.tests.worker_jobs import marked_run
from reports.tests.test_broker_outage import RedisServer

# No "redis" marker: the test starts a redis-server of its own (skipped, saying so, only when the program is absent).
ROOT = Path(settings.BASE_DIR)


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _marks(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@pytest.fixture
def redis_server():
    server = RedisServer()  # skips, saying so, when the redis-server program is absent
    server.start()
    previous = broker_use(server.url, eager=False)
    yield server
    broker_use(previous[0], eager=previous[1])
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.stop()


@pytest.fixture
def worker(redis_server, tmp_path):
    log = tmp_path / "worker.log"
    env = {**os.environ, "REDIS_URL": redis_server.url, "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings"}
    with log.open("w") as output:
        process = subprocess.Popen(
            # The deployed command (deploy/systemd/cmcn4-worker.service): prefork, two processes.
            [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "worker", "--concurrency=2", "--loglevel=INFO"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip", "-I", "core.tests.worker_jobs"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    assert _wait(lambda: "ready." in log.read_text() or process.poll() is not None, 60), "the worker never started"
    process.log = log
    yield process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def test_the_worker_survives_redis_killed_while_it_holds_a_job_and_runs_that_job_once(redis_server, worker, tmp_path):
    held, after = tmp_path / "held.txt", tmp_path / "after.txt"
    marked_run.delay(str(held), 6)
    assert _wait(lambda: "start" in _marks(held), 30), "the worker never took the job"
    redis_server.process.kill()  # SIGKILL while the job runs, its message unacknowledged
    redis_server.process.wait(timeout=10)
    time.sleep(2)
    assert worker.poll() is None, worker.log.read_text()[-3000:]
    redis_server.start()  # the same port, empty (no persistence)
    assert _wait(lambda: _marks(held) == ["start", "done"], 60), _marks(held)
    broker_use(redis_server.url, eager=False)  # this process's producer connects again too
    marked_run.delay(str(after), 0)  # the worker consumes again once Redis is back
    assert _wait(lambda: "done" in _marks(after), 60), "no job ran after Redis came back: " + worker.log.read_text()[-3000:]
    time.sleep(3)
    assert worker.poll() is None, worker.log.read_text()[-3000:]
    assert "Unrecoverable error" not in worker.log.read_text()
    assert _marks(held) == ["start", "done"] and _marks(after) == ["start", "done"]  # each ran once
