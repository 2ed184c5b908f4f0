"""Celery jobs of the reports app. Thin: each calls a service; retried with backoff on
transient errors (database or mail server unreachable), acknowledged late, idempotent."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from core.outbox import job_enqueue
from plans.models import Plan, User

from .handoffs import handoff_email_send, notices_digest_send
from .notifications import report_event_notify
from .periods import parse_period_code
from .reminders import reminder_email_send, reminders_send
from .summaries.delivery import webhook_attempt
from .summaries.pdf import summary_pdf_render
from .summaries.service import summaries_due, summary_compile, summary_failure_record
from .upkeep import upkeep_run

# Retried: the database or the mail server out of reach. A data error (IntegrityError…) is not: it would fail again.
TRANSIENT = (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 30, "retry_backoff_max": 1800, "retry_jitter": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def report_event_notify_job(event_id: int) -> int:
    return report_event_notify(event_id, base_url=settings.SITE_URL)


@shared_task(acks_late=True, bind=True, **RETRY)
def summary_compile_job(self, plan_id: int, code: str, user_id: int | None = None) -> int:
    """Compile one plan's summary for one period (code as 2018-Q4)."""
    plan = Plan.objects.get(pk=plan_id)
    by = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        return summary_compile(plan=plan, period=parse_period_code(code, deadline_day=plan.report_deadline_day), by=by).pk
    except TRANSIENT:
        raise  # retried by autoretry_for
    except Exception as error:
        summary_failure_record(plan_id=plan_id, code=code, error=f"{type(error).__name__}: {error}")
        raise


@shared_task(acks_late=True, **RETRY)
def summary_pdf_job(summary_id: int) -> bool:
    """Render a summary's Word document as PDF with LibreOffice (when installed)."""
    return summary_pdf_render(summary_id=summary_id)


@shared_task(acks_late=True, **RETRY)
def summaries_compile_due_job() -> int:
    """After each cut-off: queue the summaries due (one job each, so one failure stops no other)."""
    due = summaries_due(today=timezone.localdate())
    with transaction.atomic():
        for plan, period in due:
            job_enqueue(summary_compile_job, plan.pk, period.code)
    return len(due)


@shared_task(acks_late=True, **RETRY)
def reminders_send_job() -> dict:
    return reminders_send(today=timezone.localdate())


@shared_task(acks_late=True, **RETRY)
def reminder_email_job(reminder_id: int) -> int:
    return reminder_email_send(reminder_id=reminder_id)


@shared_task(acks_late=True, **RETRY)
def upkeep_job() -> dict:
    return upkeep_run(today=timezone.localdate())


@shared_task(acks_late=True, **RETRY)
def handoff_email_job(key: str) -> int:
    """E-mail the notices of one event that handed work to someone (``reports.handoffs``)."""
    return handoff_email_send(key=key)


@shared_task(acks_late=True, **RETRY)
def notices_digest_job() -> int:
    """The daily digest of notices for those who chose it."""
    return notices_digest_send()


@shared_task(acks_late=True, bind=True, max_retries=None)
def webhook_deliver_job(self, delivery_id: int) -> bool:
    """Send one webhook delivery; tried again with growing waits until it is delivered or has used its attempts.

    Run in-process (no Redis), nothing waits to try again: the delivery stays waiting in the log, where the
    administrator sends it again."""
    wait = webhook_attempt(delivery_id=delivery_id)
    if wait is None or self.request.is_eager:
        return wait is None
    raise self.retry(countdown=wait)
