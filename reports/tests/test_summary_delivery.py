"""Issued summaries handed to other systems: the API's files and metadata, webhooks signed with HMAC-SHA256 and tried again."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from reports.choices import DeliveryState, WebhookEvent
from reports.models import WebhookDelivery, WebhookSubscription
from reports.periods import parse_period_code
from reports.summaries.delivery import backoff_seconds, deliveries_send_again, signature, webhook_attempt
from reports.summaries.drafting import summary_issue
from reports.summaries.service import summary_compile

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 answering each POST with the next status of ``statuses`` (the last one repeats)."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/nhan-van-ban"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def issue(filed, leader, capture):
    summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    with capture(execute=True):
        return summary_issue(summary=summary, number="125", by=leader)


def test_an_issued_summary_is_posted_with_a_body_the_receiver_can_check(filed, leader, django_capture_on_commit_callbacks):
    with Receiver([200]) as receiver:
        subscription = WebhookSubscription.objects.create(name="Hệ thống quản lý văn bản", url=receiver.url)
        WebhookSubscription.objects.create(name="Chỉ nhận bản ký số", url=receiver.url, events=[WebhookEvent.SIGNED])
        summary = issue(filed, leader, django_capture_on_commit_callbacks)
    [(headers, body)] = receiver.received
    expected = "sha256=" + hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Portal-Signature"] == expected == signature(subscription.secret, body)
    assert headers["X-Portal-Event"] == "summary.issued" and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["event"] == "summary.issued" and data["summary"]["number"] == "125/BC-UBND" and data["summary"]["plan"] == "28/KH-UBND"
    assert data["summary"]["files"]["docx"].endswith(f"/api/v1/summaries/{summary.pk}/tep/docx/")
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.DELIVERED, 1, 200)
    assert headers["X-Portal-Delivery"] == str(delivery.pk) and delivery.body.encode() == body


def test_a_failed_delivery_is_tried_again_with_the_same_signed_body_until_it_arrives(filed, leader, django_capture_on_commit_callbacks):
    with Receiver([500, 503, 200]) as receiver:
        WebhookSubscription.objects.create(name="Trục liên thông", url=receiver.url)
        issue(filed, leader, django_capture_on_commit_callbacks)  # the first attempt, run in-process: 500
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.PENDING, 1, "HTTP 500")
        # The worker's later attempts: each says how long to wait before the next (Celery's countdown).
        assert [webhook_attempt(delivery_id=delivery.pk) for _ in range(3)] == [120, None, None]  # 503, then 200, then nothing
    assert len(receiver.received) == 3
    assert len({(headers["X-Portal-Signature"], body) for headers, body in receiver.received}) == 1  # the same bytes each time
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.last_error) == (DeliveryState.DELIVERED, 3, 200, "")


def test_a_delivery_that_never_arrives_fails_for_good_after_its_attempts_and_the_admin_sends_it_again(
    filed, leader, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with Receiver([500, 500, 500, 200]) as receiver:
        WebhookSubscription.objects.create(name="Trục liên thông", url=receiver.url)
        issue(filed, leader, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert [webhook_attempt(delivery_id=delivery.pk) for _ in range(2)] == [120, None]  # the third attempt is the last
        delivery.refresh_from_db()
        assert len(receiver.received) == 3 and (delivery.state, delivery.attempts, delivery.last_error) == (
            DeliveryState.FAILED,
            3,
            "HTTP 500",
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert deliveries_send_again(deliveries=WebhookDelivery.objects.all()) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(receiver.received)) == (DeliveryState.DELIVERED, 1, 4)


def test_the_wait_between_attempts_doubles_from_a_minute_up_to_six_hours():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(30) == 6 * 3600


def test_the_api_gives_an_issued_summarys_metadata_and_files_to_a_token(filed, leader, coordinator, django_capture_on_commit_callbacks):
    summary = issue(filed, leader, django_capture_on_commit_callbacks)
    summary.pdf.save("bao-cao.pdf", ContentFile(b"%PDF-1.7 issued"), save=False)
    summary.pdf_sha256 = hashlib.sha256(b"%PDF-1.7 issued").hexdigest()
    summary.save()
    api = APIClient()
    token = api.post(reverse("api:token"), {"username": coordinator.username, "password": "Mật-khẩu-thử-2026"}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = api.get(reverse("api:summary-detail", args=[summary.pk])).json()
    assert data["state"] == "issued" and data["number"] == "125" and data["pdf_sha256"] == summary.pdf_sha256 and data["signed"] is False
    response = api.get(data["record_url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.7 issued"
    assert api.get(reverse("api:summary-file", args=[summary.pk, "xlsx"])).status_code == 200


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://vpdt.vinhlong.gov.vn/nhan-bao-cao", True),
        ("http://vpdt.vinhlong.gov.vn/nhan-bao-cao", False),
        ("ftp://vpdt.vinhlong.gov.vn/nhan-bao-cao", False),
        ("http://127.0.0.1:8080/hook", True),  # a development host, allowed in DEBUG and tests only
        ("http://localhost.attacker.example/hook", False),
    ],
)
def test_a_webhook_address_is_https_except_to_a_development_host(url, allowed):
    subscription = WebhookSubscription(name="Hệ thống quản lý văn bản", url=url)
    if allowed:
        subscription.full_clean()
        return
    with pytest.raises(ValidationError) as refused:
        subscription.full_clean()
    assert "phải bắt đầu bằng https://" in " ".join(refused.value.message_dict["url"])


def test_in_production_no_host_may_receive_webhooks_in_clear_and_the_admin_says_why(client, sysadmin, settings):
    settings.WEBHOOK_HTTP_HOSTS = []  # DEBUG off: the list is empty
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:reports_webhooksubscription_add"),
        {"name": "Hệ thống quản lý văn bản", "url": "http://127.0.0.1:8080/hook", "secret": "bi-mat", "events": "[]", "active": "on"},
    )
    assert response.status_code == 200 and not WebhookSubscription.objects.exists()
    assert "phải bắt đầu bằng https://" in response.content.decode()


def test_a_delivery_to_an_address_in_clear_saved_before_the_rule_is_never_sent(filed, leader, settings, django_capture_on_commit_callbacks):
    with Receiver([200]) as receiver:
        WebhookSubscription.objects.create(name="Hệ thống cũ", url=receiver.url)  # http://127.0.0.1:…, saved without the form
        settings.WEBHOOK_HTTP_HOSTS = []
        summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
        with django_capture_on_commit_callbacks(execute=True):
            summary_issue(summary=summary, number="126", by=leader)
    delivery = WebhookDelivery.objects.get()
    assert receiver.received == [] and delivery.state == DeliveryState.FAILED and "https://" in delivery.last_error
