"""Celery jobs of the tasks app: annex previews and imports too large to run in a request."""

from celery import shared_task
from django.utils import timezone

from .choices import ImportState
from .models import ImportJob


def _fail(job_id: int, error: Exception) -> None:
    ImportJob.objects.filter(pk=job_id).update(state=ImportState.FAILED, error=str(error)[:2000], finished_at=timezone.now())


@shared_task(acks_late=True, bind=True, max_retries=3)
def annex_preview_job(self, job_id: int) -> str:
    from .importing.import_jobs import import_job_preview

    job = ImportJob.objects.select_related("plan").get(pk=job_id)
    try:
        return import_job_preview(job=job).state
    except Exception as error:
        _fail(job_id, error)
        raise


@shared_task(acks_late=True, bind=True, max_retries=3)
def annex_import_job(self, job_id: int) -> str:
    from .importing.import_jobs import import_job_run

    job = ImportJob.objects.select_related("plan").get(pk=job_id)
    if job.state != ImportState.IMPORTING:
        return job.state  # already done: a redelivered message imports nothing twice
    try:
        return import_job_run(job=job).state
    except Exception as error:
        _fail(job_id, error)
        raise
