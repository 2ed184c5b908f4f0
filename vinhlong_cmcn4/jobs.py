"""Celery jobs of the portal itself."""

from celery import shared_task

from .outbox import outbox_publish


@shared_task(acks_late=True, ignore_result=True)
def outbox_drain() -> int:
    """Publish what waited for the broker (run every minute by beat)."""
    return outbox_publish()
