"""A real Celery worker and beat against the machine's Redis and PostgreSQL (CI's second pass)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_celery_results.models import TaskResult

from core.outbox import job_enqueue
from core.tests.brokers import broker_use
from reports.choices import DeliveryState
from reports.jobs import summary_compile_job
from reports.models import Summary, WebhookDelivery, WebhookSubscription
from reports.periods import parse_period_code
from reports.services import reporting_period_get_or_create
from reports.summaries.drafting import summary_issue
from reports.summaries.service import summary_compile
from reports.tests.helpers import report_accept
from reports.tests.test_summary_delivery import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def broker_url():
    """A Redis database of its own (15, 14… one per pytest-xdist worker), emptied, so the worker sees only this test's jobs."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{15 - worker}"
    redis.Redis.from_url(url).flushdb()
    previous = broker_use(url, eager=False)
    yield url
    broker_use(previous[0], eager=previous[1])
    redis.Redis.from_url(url).flushdb()


def _environment(url: str) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
    }


@pytest.fixture
def worker(broker_url):
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat"],
        cwd=ROOT,
        env=_environment(broker_url),
    )
    yield process
    process.terminate()
    process.wait(timeout=20)


def _wait(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_a_real_worker_compiles_a_summary_sent_through_redis(world, agency_a, officer_a, head_a, coordinator, worker):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report_accept(task=world.task, agency=agency_a, period=period, officer=officer_a, head=head_a, coordinator=coordinator, progress=40)
    job_enqueue(summary_compile_job, world.plan.pk, "2018-H2")  # autocommit: published at once
    assert _wait(lambda: Summary.objects.filter(plan=world.plan, compiled_at__isnull=False).exists()), "the worker compiled nothing"
    summary = Summary.objects.get(plan=world.plan)
    assert summary.snapshot["totals"]["progress"] == 20 and summary.document and summary.annex


def test_a_job_that_fails_for_good_is_kept_with_its_error_for_the_admin(world, worker, client, sysadmin):
    job_enqueue(summary_compile_job, 999_999, "2018-H2")  # no such plan
    assert _wait(lambda: TaskResult.objects.filter(status="FAILURE").exists()), "no failure was stored"
    failure = TaskResult.objects.get(status="FAILURE")
    assert failure.task_name == "reports.jobs.summary_compile_job" and "DoesNotExist" in failure.result
    client.force_login(sysadmin)
    assert "summary_compile_job" in client.get("/admin/django_celery_results/taskresult/?status__exact=FAILURE").content.decode()


def test_a_second_beat_stops_while_the_first_holds_the_lock(broker_url, tmp_path):
    command = [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "beat", "--loglevel=INFO"]
    redis.Redis.from_url(broker_url).delete(settings.BEAT_LOCK_KEY)
    env = _environment(broker_url)
    first = subprocess.Popen([*command, "--pidfile", str(tmp_path / "1.pid")], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: redis.Redis.from_url(broker_url).exists(settings.BEAT_LOCK_KEY), 30), "the first beat took no lock"
        second = subprocess.run(
            [*command, "--pidfile", str(tmp_path / "2.pid")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode != 0
        assert "Another celery beat holds" in second.stderr + second.stdout
        assert first.poll() is None  # the first one keeps running
    finally:
        first.terminate()
        first.wait(timeout=20)


@pytest.fixture
def quick_webhook_retries(monkeypatch):
    """The worker waits 1 s (then 2, 4…) between webhook attempts instead of a minute."""
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "1")


def test_a_real_worker_tries_a_webhook_again_after_a_failure_until_it_arrives(filed, leader, quick_webhook_retries, worker):
    with Receiver([503, 500, 200]) as receiver:
        WebhookSubscription.objects.create(name="Hệ thống quản lý văn bản", url=receiver.url)
        summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
        summary_issue(summary=summary, number="125", by=leader)  # autocommit: the delivery's job is published at once
        assert _wait(lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).exists(), 90), "never delivered"
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3 and len(receiver.received) == 3 and delivery.last_status == 200
