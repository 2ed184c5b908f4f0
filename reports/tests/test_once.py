"""Jobs that run once: a key claimed before the side effect, and only one beat, with a real Redis and worker."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.models import JobRun, OutboxMessage
from core.once import BUSY, DONE, RUN, job_claim, job_done, job_release
from core.outbox import job_enqueue, outbox_publish
from core.tests.brokers import broker_use
from reports.choices import WorkflowAction
from reports.jobs import report_event_notify_job, summary_compile_job
from reports.models import ReportEvent, Summary
from reports.periods import parse_period_code
from reports.services import report_save, reporting_period_get_or_create
from reports.tests.test_broker_outage import RedisServer

ROOT = Path(settings.BASE_DIR)
NOW = timezone.now()
# A worker of the tests: short limits so a dead worker's job comes back in seconds, not minutes.
FAST = {"JOB_TIME_LIMIT_SECONDS": "6", "BROKER_VISIBILITY_TIMEOUT": "12", "BEAT_LOCK_SECONDS": "6"}


@pytest.mark.django_db
def test_a_key_runs_once_and_a_duplicate_finds_it_done(settings):
    assert job_claim(key="k", job="j", now=NOW)[0] == RUN
    state, wait = job_claim(key="k", job="j", now=NOW + datetime.timedelta(seconds=1))
    assert state == BUSY and 0 < wait <= settings.JOB_LEASE_SECONDS
    job_done(key="k")
    assert job_claim(key="k", job="j", now=NOW + datetime.timedelta(seconds=2))[0] == DONE


@pytest.mark.django_db
def test_a_failed_run_is_released_for_its_retry_and_a_dead_one_taken_over_after_the_lease(settings):
    assert job_claim(key="k", job="j", now=NOW)[0] == RUN
    job_release(key="k")
    assert job_claim(key="k", job="j", now=NOW)[0] == RUN
    later = NOW + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)  # the claimer died
    assert job_claim(key="k", job="j", now=later)[0] == RUN
    assert JobRun.objects.get(key="k").attempts == 3


@pytest.mark.django_db
def test_a_job_that_never_finishes_is_given_up_after_its_attempts(settings):
    settings.JOB_MAX_ATTEMPTS = 2
    step = datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    assert job_claim(key="k", job="j", now=NOW)[0] == RUN
    assert job_claim(key="k", job="j", now=NOW + step)[0] == RUN
    assert job_claim(key="k", job="j", now=NOW + 2 * step)[0] == DONE


def test_the_visibility_timeout_outlasts_every_job_and_is_minutes_not_an_hour(settings):
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert settings.CELERY_TASK_TIME_LIMIT < settings.JOB_LEASE_SECONDS < options["visibility_timeout"] <= 600
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


# --- a real Redis, worker and beat ------------------------------------------------------------------


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, on a port free when it starts, so it can be stopped and restarted (restarted on
    the same port). A fixed port (6390) was shared by the tests of two test processes run at once: one's server did not
    start, its test talked to the other's, and failed when that one was stopped ("Connection refused")."""
    server = RedisServer()
    server.start()
    previous = broker_use(server.url, eager=False)
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.stop()
    broker_use(previous[0], eager=previous[1])


def _environment(url: str, **extra) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        **FAST,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
        **extra,
    }


def _worker(url: str, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat"],
        cwd=ROOT,
        env=_environment(url, **extra),
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.postgres
def test_a_notice_republished_after_a_broker_freeze_sends_its_e_mail_once(world, agency_a, officer_a, head_a, own_redis, tmp_path):
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(
        task=world.task, agency=agency_a, period=period, by=officer_a, data={"progress": 30, "work_state": "in_progress"}, version=None
    )
    event = ReportEvent.objects.create(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, to_state="pending", actor=officer_a, at=NOW)
    head_a.email = "truong@example.vn"
    head_a.save()
    mails = tmp_path / "mails"
    message = job_enqueue(report_event_notify_job, event.pk)  # autocommit: published at once
    assert OutboxMessage.objects.get(pk=message.pk).sent_at
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None)  # the publish "timed out" but had arrived
    assert outbox_publish() == 1  # the drain sends it again: two messages with one key
    assert redis.Redis.from_url(own_redis.url).llen("celery") == 2
    worker = _worker(own_redis.url, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mails))
    try:
        assert _wait(
            lambda: redis.Redis.from_url(own_redis.url).llen("celery") == 0 and JobRun.objects.filter(done_at__isnull=False).exists()
        )
        time.sleep(3)  # let the duplicate run (it finds the key done, or waits for the lease and then does)
    finally:
        _stop(worker)
    sent = [path.read_text() for path in mails.iterdir()] if mails.exists() else []
    assert sum(text.count("truong@example.vn") for text in sent) == 1, sent
    assert JobRun.objects.get(key=f"outbox-{message.pk}").done_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.postgres
def test_the_job_of_a_sigkilled_worker_runs_again_within_the_visibility_timeout(world, own_redis):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    summary = Summary.objects.create(plan=world.plan, period=period)
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    cursor = blocker.cursor()
    cursor.execute("SELECT id FROM reports_summary WHERE id = %s FOR UPDATE", [summary.pk])  # the job will wait on this row
    first = _worker(own_redis.url)
    second = None
    try:
        message = job_enqueue(summary_compile_job, world.plan.pk, "2018-H2")
        assert _wait(lambda: JobRun.objects.filter(key=f"outbox-{message.pk}").exists()), "the worker took nothing"
        first.send_signal(signal.SIGKILL)  # mid-job: its message stays unacknowledged in Redis
        first.wait(timeout=10)
        blocker.rollback()
        killed_at = time.monotonic()
        second = _worker(own_redis.url)
        assert _wait(lambda: Summary.objects.filter(pk=summary.pk, compiled_at__isnull=False).exists(), 90), "the job was lost"
        recovered = time.monotonic() - killed_at
    finally:
        blocker.close()
        _stop(first)
        if second:
            _stop(second)
    assert recovered < 60, f"recovered after {recovered:.0f} s"
    assert JobRun.objects.get(key=f"outbox-{message.pk}").attempts == 2


def _beat(url: str, tmp_path: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "beat", "--loglevel=INFO", "--pidfile", str(tmp_path / f"{name}.pid"),
         "--schedule", str(tmp_path / f"{name}.db")],
        cwd=ROOT, env=_environment(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.postgres
def test_after_a_redis_restart_the_beat_takes_its_lock_again_and_a_second_beat_never_schedules_beside_it(own_redis, tmp_path):
    client = lambda: redis.Redis.from_url(own_redis.url)  # noqa: E731
    first = _beat(own_redis.url, tmp_path, "first")
    second = None
    try:
        assert _wait(lambda: client().exists(settings.BEAT_LOCK_KEY), 30), "the first beat took no lock"
        token = client().get(settings.BEAT_LOCK_KEY)
        own_redis.stop()
        own_redis.start()  # empty: the lock is gone
        assert not client().exists(settings.BEAT_LOCK_KEY)
        assert _wait(lambda: client().exists(settings.BEAT_LOCK_KEY), 15), "the beat did not take its lock again"
        assert client().get(settings.BEAT_LOCK_KEY) != token and first.poll() is None
        # Redis restarts again and a second beat starts at once: at most one of them may live on.
        own_redis.stop()
        own_redis.start()
        second = _beat(own_redis.url, tmp_path, "second")
        time.sleep(15)  # several renewals of the first beat
        alive = [process for process in (first, second) if process.poll() is None]
        assert len(alive) == 1, "two schedulers run"
        assert client().exists(settings.BEAT_LOCK_KEY)
    finally:
        for process in (first, second):
            if process:
                _stop(process)


@pytest.mark.django_db
def test_a_published_job_whose_key_is_not_done_is_sent_again_and_a_done_one_never(world, agency_a, officer_a, settings):
    from reports.jobs import upkeep_job

    previous = broker_use("memory://", eager=False)
    try:
        message = job_enqueue(upkeep_job)
        assert outbox_publish(ids=[message.pk]) == 1
        long_ago = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS + 1)
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=long_ago)
        assert outbox_publish() == 1  # lost on the way (Redis restarted without it): sent again
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=long_ago)
        JobRun.objects.create(key=f"outbox-{message.pk}", job=upkeep_job.name, done_at=timezone.now())
        assert outbox_publish() == 0  # it ran: nothing to send
    finally:
        broker_use(previous[0], eager=previous[1])
