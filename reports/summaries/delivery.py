"""Issued summaries handed to other systems by webhook: a JSON body signed with HMAC-SHA256, delivered by a job
that tries again with growing waits, every attempt kept in the delivery log (admin).

- A summary's event (issued: once its PDF exists; signed: once the signed copy is received) makes one
  delivery row per active subscription listening to it, in the same transaction, and queues its job through
  the outbox (``core.outbox``): a broker outage delays the delivery, never loses it.
- The body is fixed when the row is made, so every attempt sends the same bytes and the same signature:
  ``X-Portal-Signature: sha256=<hex HMAC-SHA256 of the body under the subscription's secret>``; the receiver
  recomputes it. ``X-Portal-Delivery`` (the row's id) lets the receiver ignore a repeat.
- A 2xx answer delivers it; anything else (another status, no answer in ``WEBHOOK_TIMEOUT_SECONDS``) is
  tried again after :func:`backoff_seconds`, up to ``WEBHOOK_MAX_ATTEMPTS`` attempts, then marked failed.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.locking import locked
from core.outbox import job_enqueue

from ..choices import DeliveryState
from ..models import Summary, WebhookDelivery, WebhookSubscription
from ..models.delivery import webhook_url_refusal


def backoff_seconds(attempt: int) -> int:
    """The wait after attempt ``attempt`` failed: ``WEBHOOK_RETRY_BASE_SECONDS`` (a minute), doubled each time, at most 6 hours."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), 6 * 3600)


def signature(secret: str, body: bytes) -> str:
    """The value of ``X-Portal-Signature`` for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def summary_payload(summary: Summary) -> dict:
    """What other systems are told of an issued summary: its metadata and where to take its files (API, with a token)."""
    api = settings.SITE_URL + reverse("api:summary-detail", args=[summary.pk])

    def file(kind: str) -> str:
        return f"{api}tep/{kind}/"

    return {
        "id": summary.pk,
        "plan": summary.plan.symbol,
        "period": summary.period.as_period().code,
        "period_label": summary.snapshot.get("period", {}).get("label", ""),
        "number": summary.document_number,
        "issuer": summary.issuer,
        "issued_at": summary.issued_at.isoformat() if summary.issued_at else None,
        "pdf_sha256": summary.pdf_sha256,
        "signed": summary.is_signed,
        "signed_sha256": summary.signed_sha256,
        "signatures": summary.signatures,
        "files": {
            "record": file("record") if summary.record else None,
            "pdf": file("pdf") if summary.pdf else None,
            "docx": file("docx") if summary.document else None,
            "xlsx": file("xlsx") if summary.annex else None,
        },
        "url": settings.SITE_URL + summary.get_absolute_url(),
    }


def deliveries_create(*, summary: Summary, event: str) -> list[WebhookDelivery]:
    """One delivery per active subscription listening to ``event``, each queued after the commit (call inside the change's transaction)."""
    created = []
    for subscription in WebhookSubscription.objects.filter(active=True).order_by("pk"):
        if not subscription.listens_to(event):
            continue
        delivery, new = WebhookDelivery.objects.get_or_create(
            subscription=subscription, summary=summary, event=event, defaults={"body": ""}
        )
        if not new:
            continue  # this event was already sent to this subscription
        body = {"event": event, "delivery": delivery.pk, "sent_for": timezone.now().isoformat(), "summary": summary_payload(summary)}
        delivery.body = json.dumps(body, ensure_ascii=False, sort_keys=True)
        delivery.save(update_fields=["body"])
        job_enqueue("reports.jobs.webhook_deliver_job", delivery.pk)
        created.append(delivery)
    return created


def webhook_attempt(*, delivery_id: int) -> int | None:
    """Send one delivery once; the seconds to wait before the next attempt, or None when there is nothing more to do
    (delivered, failed for good after ``WEBHOOK_MAX_ATTEMPTS``, or gone)."""
    with transaction.atomic():
        delivery = locked(WebhookDelivery.objects).select_related("subscription").filter(pk=delivery_id).first()
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return None
    if refusal := webhook_url_refusal(delivery.subscription.url):  # saved before the rule, or past the admin's form
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED, last_error=str(refusal), last_attempt_at=timezone.now()
        )
        return None
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 - an https address (http to a development host) an administrator typed in
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "cong-theo-doi-ke-hoach/1",
            "X-Portal-Event": delivery.event,
            "X-Portal-Delivery": str(delivery.pk),
            "X-Portal-Signature": signature(delivery.subscription.secret, body),
        },
    )
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:2000]
    ok = status is not None and 200 <= status < 300
    attempts = delivery.attempts + 1
    last = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_status=status,
        last_error="" if ok else error or f"HTTP {status}",
        last_attempt_at=timezone.now(),
        state=DeliveryState.DELIVERED if ok else (DeliveryState.FAILED if last else DeliveryState.PENDING),
        delivered_at=timezone.now() if ok else None,
    )
    return None if ok or last else backoff_seconds(attempts)


def deliveries_send_again(*, deliveries) -> int:
    """Queue again deliveries that failed for good (or wait): each gets ``WEBHOOK_MAX_ATTEMPTS`` new attempts."""
    count = 0
    with transaction.atomic():
        for delivery in locked(deliveries).exclude(state=DeliveryState.DELIVERED):
            delivery.state, delivery.attempts = DeliveryState.PENDING, 0
            delivery.save(update_fields=["state", "attempts"])
            job_enqueue("reports.jobs.webhook_deliver_job", delivery.pk)
            count += 1
    return count
