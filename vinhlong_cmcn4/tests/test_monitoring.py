"""/health/, /metrics and the JSON log lines: what monitoring sees when a process stops or work piles up."""

import datetime
import io
import json
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from vinhlong_cmcn4.heartbeats import BEAT, WORKER, beat_published, heartbeat_last, heartbeat_record
from vinhlong_cmcn4.jobs import heartbeat

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.timedelta(minutes=10)


@pytest.fixture
def with_broker(settings):
    """Jobs go to a broker (as in production), so beat and worker must be alive."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def health(client, **headers):
    response = client.get(reverse("health"), {"format": "json"}, **headers)
    return response.status_code, response.json()


def test_health_reports_a_stopped_worker_and_a_stopped_beat_as_failing(client, with_broker):
    heartbeat_record(BEAT, at=timezone.now() - LONG_AGO)
    heartbeat_record(WORKER, at=timezone.now() - LONG_AGO)

    status, body = health(client)

    assert status == 503 and body["status"] == "error"
    assert not body["checks"]["heartbeat:beat"]["ok"] and "beat không hoạt động đã 60" in body["checks"]["heartbeat:beat"]["message"]
    assert not body["checks"]["heartbeat:worker"]["ok"] and "worker không hoạt động" in body["checks"]["heartbeat:worker"]["message"]
    assert body["checks"]["database"]["ok"] and body["checks"]["outboxbacklog"]["ok"]


def test_health_is_green_when_beat_published_and_a_worker_ran_the_heartbeat_job_within_the_limit(client, with_broker):
    beat_published()  # what the beat process does each time it sends a job
    heartbeat.apply()  # what a worker does every minute

    status, body = health(client)

    assert status == 200 and body["status"] == "ok", body
    assert heartbeat_last(WORKER) > timezone.now() - datetime.timedelta(seconds=5)


def test_a_beat_or_worker_that_never_ran_is_failing(client, with_broker):
    status, body = health(client)
    assert status == 503 and body["checks"]["heartbeat:beat"]["message"] == "beat chưa từng chạy."
    assert body["checks"]["heartbeat:worker"]["message"] == "worker chưa từng chạy."


def test_without_a_broker_jobs_run_in_process_and_there_is_no_beat_or_worker_to_watch(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    status, body = health(client)
    assert status == 200 and body["checks"]["heartbeat:beat"]["ok"] and body["checks"]["heartbeat:worker"]["ok"]
    assert any(name.startswith("freedisk:") for name in body["checks"])


@pytest.mark.django_db(transaction=True)  # the checks run in threads of their own: the row must be committed
def test_jobs_waiting_in_the_outbox_too_long_fail_the_health_check_and_show_in_metrics(client, settings):
    message = OutboxMessage.objects.create(job="reports.jobs.upkeep_job")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))

    status, body = health(client)

    assert status == 503 and "1 việc đang chờ gửi sang hàng đợi" in body["checks"]["outboxbacklog"]["message"]
    metrics = client.get(reverse("metrics")).content.decode()
    assert "portal_outbox_pending 1.0" in metrics


def test_a_nearly_full_disk_fails_the_health_check(client, settings):
    settings.HEALTH_DISK_MIN_FREE_PERCENT = 100.1
    status, body = health(client)
    assert status == 503 and "chỉ còn trống" in body["checks"][f"freedisk:{settings.MEDIA_ROOT}"]["message"]


def test_health_and_metrics_answer_only_the_monitoring_addresses_or_the_token(client, settings):
    settings.MONITORING_TOKEN = "bi-mat-giam-sat"
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get(reverse("health"), **outside).status_code == 403
    assert client.get(reverse("metrics"), **outside).status_code == 403
    # behind nginx the peer is 127.0.0.1: the forwarded client address decides
    assert client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="127.0.0.1", **outside).status_code == 403  # not from our proxy
    settings.MONITORING_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200  # networks too
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer bi-mat-giam-sat", **outside).status_code == 200
    assert client.get(reverse("healthz"), **outside).status_code == 200  # the proxy's probe stays open


def test_metrics_count_requests_and_jobs_by_name_and_outcome(client):
    client.get(reverse("healthz"))
    heartbeat.apply()
    heartbeat.apply()

    body = client.get(reverse("metrics")).content.decode()

    assert "django_http_requests_total_by_method_total" in body
    assert 'portal_jobs_total{job="vinhlong_cmcn4.jobs.heartbeat",state="SUCCESS"} 2.0' in body
    assert 'portal_job_duration_seconds_total{job="vinhlong_cmcn4.jobs.heartbeat"}' in body
    assert 'portal_heartbeat_age_seconds{process="worker"}' in body


@pytest.fixture
def json_lines():
    """What the request and job loggers write, through the formatter settings.LOGGING gives them."""
    stream = io.StringIO()
    loggers = [logging.getLogger("vinhlong_cmcn4.requests"), logging.getLogger("vinhlong_cmcn4.jobs")]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(loggers[0].handlers[0].formatter)
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_each_request_writes_one_json_line_with_its_user_status_duration_and_request_id(client, officer_a, json_lines):
    client.force_login(officer_a)

    response = client.get(reverse("reports:agency_tasks"), HTTP_X_REQUEST_ID="nginx-1234abcd")

    [line] = json_lines()
    assert line["message"] == "request" and line["method"] == "GET" and line["path"] == reverse("reports:agency_tasks")
    assert line["status"] == 200 and line["user_id"] == officer_a.pk and line["duration_ms"] > 0
    assert line["request_id"] == response["X-Request-ID"] == "nginx-1234abcd"


def test_each_job_writes_one_json_line_with_its_name_id_state_and_duration(json_lines):
    result = heartbeat.apply()

    [line] = json_lines()
    assert line["job"] == "vinhlong_cmcn4.jobs.heartbeat" and line["task_id"] == result.id
    assert line["state"] == "SUCCESS" and line["duration_ms"] >= 0 and line["logger"] == "vinhlong_cmcn4.jobs"


def test_a_browser_opening_health_gets_the_json_with_vietnamese_messages(client, with_broker):
    response = client.get(reverse("health"), HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json()["checks"]["heartbeat:beat"]["message"] == "beat chưa từng chạy."
