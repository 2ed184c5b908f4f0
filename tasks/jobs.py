"""Celery jobs of the tasks app: annex previews and imports too large to run in a request."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ImportState
from .importing.import_jobs import import_job_fail, import_job_preview, import_job_run, import_jobs_expire
from .models import ImportJob


def _fail(job_id: int, error: Exception) -> None:
    if isinstance(error, SoftTimeLimitExceeded):
        message = _("The file took too long to process and was stopped: split it into smaller files and upload them one by one.")
    else:
        message = str(error)
    import_job_fail(job_id=job_id, message=message)


@shared_task(acks_late=True)
def import_jobs_expire_job() -> int:
    """End in "failed" the imports nobody will finish (every 10 minutes)."""
    return import_jobs_expire(now=timezone.now())


@shared_task(acks_late=True, bind=True, max_retries=3)
def annex_preview_job(self, job_id: int) -> str:
    job = ImportJob.objects.select_related("plan").get(pk=job_id)
    try:
        return import_job_preview(job=job).state
    except Exception as error:
        _fail(job_id, error)
        raise


@shared_task(acks_late=True, bind=True, max_retries=3)
def annex_import_job(self, job_id: int) -> str:
    job = ImportJob.objects.select_related("plan").get(pk=job_id)
    if job.state != ImportState.IMPORTING:
        return job.state  # already done: a redelivered message imports nothing twice
    try:
        return import_job_run(job=job).state
    except Exception as error:
        _fail(job_id, error)
        raise
