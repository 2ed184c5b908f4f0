"""gunicorn as shipped (deploy/gunicorn.conf.py) keeps answering while clients send their bodies a byte at a time.

Four sync workers used to be held by four such clients until the worker timeout (121 s) while /healthz waited.
Now each slow body holds one thread of many and is cut off with 408 once it falls below the least rate.
Slow headers hold no thread at all: the worker's main loop receives them (vinhlong_cmcn4.gunicorn_worker) and
closes a connection whose headers are not all in after REQUEST_HEADER_SECONDS.
"""

import socket
import threading
import time

import pytest

from .live_gunicorn import free_port, gunicorn_running, healthz_seconds, slow_body

PORT = free_port()
GRACE = 4  # REQUEST_BODY_GRACE_SECONDS for this server (10 in production), to keep the test short
SLOW_CLIENTS = 6
HEADER_SECONDS = 6  # REQUEST_HEADER_SECONDS for this server (10 in production)
THREADS = 4 * 8  # deploy/gunicorn.conf.py: 4 workers of 8 threads


@pytest.fixture(scope="module")
def gunicorn_as_shipped(tmp_path_factory):
    with gunicorn_running(
        PORT, tmp_path_factory.mktemp("slow"), REQUEST_BODY_GRACE_SECONDS=str(GRACE), REQUEST_HEADER_SECONDS=str(HEADER_SECONDS)
    ) as process:
        yield process


def assert_healthz_answers_while(attackers: list[threading.Thread]) -> None:
    """/healthz, asked every 0.1 s while the ``attackers`` hold their connections (at least 5 times), answers 200 within 2 s."""
    probes = []
    while any(attacker.is_alive() for attacker in attackers) and len(probes) < 40:
        probes.append(healthz_seconds(PORT))
        time.sleep(0.1)
    for attacker in attackers:
        attacker.join(timeout=60)
    assert len(probes) >= 5  # they were held while /healthz was asked
    assert {status for status, _ in probes} == {200}
    assert max(seconds for _, seconds in probes) < 2, probes


def test_six_clients_sending_a_byte_at_a_time_neither_hold_the_workers_nor_stay_for_long(gunicorn_as_shipped):
    outcomes = [{} for _ in range(SLOW_CLIENTS)]
    attackers = [threading.Thread(target=slow_body, args=(PORT, outcome)) for outcome in outcomes]
    for attacker in attackers:
        attacker.start()
    time.sleep(0.5)
    assert_healthz_answers_while(attackers)  # while the slow bodies are held
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
    assert_healthz_answers_while(attackers)  # while the slow headers are held
    # each connection is closed once REQUEST_HEADER_SECONDS have passed without the end of its headers
    assert max(outcome["seconds"] for outcome in outcomes) < HEADER_SECONDS + 3, sorted(o["seconds"] for o in outcomes)
