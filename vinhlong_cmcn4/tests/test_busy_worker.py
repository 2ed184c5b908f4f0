"""A gunicorn worker whose threads are all busy leaves new connections to the other workers.

The 10-minute soak of issue 31 (docs/benchmarks-issue31-soak.txt): eight slow bodies held the eight threads of
one worker, which kept accepting connections and queued them behind those threads: ordinary requests waited
~9.5 s although the other worker was idle. Here gunicorn runs from deploy/gunicorn.conf.py with 2 workers of
2 threads; three slow bodies fill at least one worker's threads (the other keeps one free) while /healthz is asked
twenty times: every answer must come well before the slow bodies are cut off.
"""

import threading
import time

import pytest

from .live_gunicorn import free_port, gunicorn_running, healthz_seconds, slow_body

PORT = free_port()
GRACE = 10  # REQUEST_BODY_GRACE_SECONDS: a slow body holds its thread about this long, then gets 408
WORKERS, THREADS = 2, 2
SLOW_BODIES = 3  # at least one worker gets two of them (all its threads); fewer than all 4 threads


@pytest.fixture(scope="module")
def gunicorn_two_by_two(tmp_path_factory):
    with gunicorn_running(
        PORT,
        tmp_path_factory.mktemp("busy"),
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_THREADS=str(THREADS),
        REQUEST_BODY_GRACE_SECONDS=str(GRACE),
    ) as process:
        yield process


def test_a_worker_whose_threads_are_all_busy_leaves_new_requests_to_the_other(gunicorn_two_by_two):
    outcomes: list[dict] = [{} for _ in range(SLOW_BODIES)]
    sent = [threading.Event() for _ in outcomes]
    holders = [threading.Thread(target=slow_body, args=(PORT, *pair)) for pair in zip(outcomes, sent, strict=True)]
    for holder, event in zip(holders, sent, strict=True):
        holder.start()
        event.wait(10)
        time.sleep(0.3)  # its headers are in and a thread has it before the next one connects
    time.sleep(0.5)
    started = time.monotonic()
    probes = []
    for _ in range(20):
        probes.append(healthz_seconds(PORT))
        time.sleep(0.05)
    probing = time.monotonic() - started
    for holder in holders:
        holder.join(timeout=60)
    assert {status for status, _ in probes} == {200}
    assert max(seconds for _, seconds in probes) < 2, [round(seconds, 2) for _, seconds in probes]
    # the slow bodies were still held while /healthz was asked: none was answered (408) before the probes ended
    assert min(outcome["seconds"] for outcome in outcomes) > probing, (probing, outcomes)
