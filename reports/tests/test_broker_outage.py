"""A report submitted while Redis is down — refused or frozen — still goes through within seconds, and
the notice it queues reaches the broker once Redis is back. A real redis-server, stopped and paused."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse

from core.models import OutboxMessage
from core.outbox import outbox_publish
from core.redis_breaker import breaker
from core.tests.brokers import broker_use
from reports.choices import ReportState, WorkflowAction
from reports.models import Report
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, so stopping it disturbs nothing else."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if not binary:
            message = "needs the redis-server program (apt-get install redis-server; CI machines have it)"
            pytest.fail(message) if os.environ.get("REQUIRE_SERVICES") else pytest.skip(message)
        self.binary, self.port, self.process = binary, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def queued(self) -> int:
        return redis.Redis(port=self.port).llen("celery")


@pytest.fixture
def private_redis():
    server = RedisServer()
    server.start()
    previous = broker_use(server.url, eager=False)
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.stop()
    broker_use(previous[0], eager=previous[1])


@pytest.fixture
def pending_report(world, agency_a, officer_a):
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 30, "work_state": "in_progress", "results": "Đã triển khai"},
        version=None,
    )
    return report_transition(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, by=officer_a, notify=False)


def _submit(client, head, report, capture) -> float:
    client.force_login(head)
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(reverse("reports:report_transition", args=[report.pk, WorkflowAction.SUBMIT]))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    return elapsed


def test_a_submission_while_redis_is_stopped_succeeds_and_its_job_follows_when_redis_is_back(
    client, head_a, pending_report, private_redis, django_capture_on_commit_callbacks
):
    private_redis.stop()
    elapsed = _submit(client, head_a, pending_report, django_capture_on_commit_callbacks)
    assert elapsed < 8, f"the submission took {elapsed:.1f} s"
    waiting = OutboxMessage.objects.get(sent_at__isnull=True)
    assert waiting.job == "reports.jobs.report_event_notify_job" and waiting.last_error
    private_redis.start()
    breaker.reset()  # REDIS_BREAKER_SECONDS later, as the next drain comes
    assert outbox_publish() == 1
    assert private_redis.queued() == 1 and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_submission_while_redis_is_frozen_succeeds_within_seconds_and_catches_up_on_resume(
    client, head_a, pending_report, private_redis, django_capture_on_commit_callbacks
):
    private_redis.process.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing
    elapsed = _submit(client, head_a, pending_report, django_capture_on_commit_callbacks)
    assert elapsed < 12, f"the submission took {elapsed:.1f} s"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
    private_redis.process.send_signal(signal.SIGCONT)
    broker_use(private_redis.url, eager=False)  # a fresh connection, as the next drain would have
    breaker.reset()  # REDIS_BREAKER_SECONDS later, as the next drain comes
    assert outbox_publish() == 1
    assert private_redis.queued() == 1


def test_with_redis_frozen_no_request_waits_on_it_more_than_once_a_few_seconds(
    client, settings, head_a, leader, pending_report, private_redis, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_breaker.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": settings.REDIS_SOCKET_TIMEOUT, "socket_timeout": settings.REDIS_SOCKET_TIMEOUT},
        }
    }
    client.force_login(leader)
    assert client.get(reverse("reports:dashboard")).status_code == 200  # the figures are cached in Redis
    private_redis.process.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing
    took = {}
    for name, call in [
        ("dashboard", lambda: client.get(reverse("reports:dashboard"))),
        ("api, throttled", lambda: client.get("/api/v1/plans/")),
        ("dashboard again", lambda: client.get(reverse("reports:dashboard"))),
        ("healthz", lambda: client.get(reverse("healthz"))),
    ]:
        started = time.monotonic()
        assert call().status_code == 200, name
        took[name] = time.monotonic() - started
    took["submission"] = _submit(client, head_a, pending_report, django_capture_on_commit_callbacks)
    assert max(took.values()) < 2, took  # each call waits REDIS_SOCKET_TIMEOUT at most
    assert sum(took.values()) < 3, took  # and Redis is given up after the first: the others do not wait at all
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1  # the notice waits for the next drain
