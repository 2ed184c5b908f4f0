"""Celery jobs of the portal itself."""

from celery import shared_task

from core.outbox import outbox_publish

from .heartbeats import WORKER, heartbeat_record


@shared_task(acks_late=True, ignore_result=True)
def outbox_drain() -> int:
    """Publish what waited for the broker (run every minute by beat)."""
    return outbox_publish()


@shared_task(ignore_result=True, expires=120)
def heartbeat() -> None:
    """Show /health/ that a worker takes jobs from the queue (run every minute by beat)."""
    heartbeat_record(WORKER)
