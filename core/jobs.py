"""Celery jobs of the core app: a list's download too long for a request (``core.exports``)."""

from celery import shared_task

from .exports import export_run


@shared_task(acks_late=True)
def export_job(job_id: int) -> str:
    return export_run(job_id).state
