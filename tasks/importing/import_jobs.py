"""Annex imports as jobs: upload, preview (a dry run), confirm, import; small files at once, large ones in the background."""

import datetime
import io

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core.locking import locked
from core.outbox import job_enqueue
from plans.models import Plan, User

from ..choices import ImportState
from ..models import ImportJob
from .errors import AnnexRejected
from .reader import open_annex, read_bytes, uncompressed_size
from .service import ImportOutcome, annex_import

PROGRESS_TTL = 60 * 60


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def import_progress(job: ImportJob) -> dict:
    """Where a running job is: stage, rows done, rows in all (0 when unknown)."""
    return cache.get(_progress_key(job.pk)) or {"stage": job.state, "done": 0, "total": 0}


def _reporter(job_id: int):
    def report(stage: str, done: int, total: int) -> None:
        cache.set(_progress_key(job_id), {"stage": stage, "done": done, "total": total}, PROGRESS_TTL)

    return report


def needs_background(data: bytes) -> bool:
    """Whether an annex is too large to check inside the web request, measured, never as the file claims.

    Large once unpacked (``IMPORT_SYNC_MAX_BYTES``, read from the zip's directory: huge shared
    strings are never parsed here), or more than ``IMPORT_SYNC_MAX_ROWS`` rows, counted while
    streaming and no further than that limit. A file that cannot be opened is checked at once
    (it fails fast, with its message).
    """
    if uncompressed_size(data) > int(getattr(settings, "IMPORT_SYNC_MAX_BYTES", 4 * 1024 * 1024)):
        return True
    limit = int(getattr(settings, "IMPORT_SYNC_MAX_ROWS", 300))
    try:
        sheet = open_annex(data)
    except AnnexRejected:
        return False
    try:
        return any(count > limit for count, _row in enumerate(sheet.rows, start=1))
    except AnnexRejected:
        return False
    finally:
        sheet.close()


def import_job_create(*, plan: Plan, upload, by: User) -> ImportJob:
    """Store an uploaded annex privately and check it: at once if small, else in the background."""
    try:
        data = read_bytes(upload)
    except AnnexRejected as rejected:
        raise ValidationError(rejected.errors[0].message) from None
    name = getattr(upload, "name", "phu-luc.xlsx")
    job = ImportJob(plan=plan, uploaded_by=by, original_name=name[-255:])
    job.file.save(f"{get_random_string(24)}.xlsx", ContentFile(data), save=False)  # renamed on storage
    job.background = needs_background(data)
    job.save()
    if job.background:
        job_enqueue("tasks.jobs.annex_preview_job", job.pk)
    else:
        try:
            import_job_preview(job=job)
        except Exception:
            import_job_fail(job_id=job.pk, message=_("The file could not be checked: it may be damaged. Save it again as .xlsx and retry."))
            raise
    return job


def _outcome_dict(outcome: ImportOutcome) -> dict:
    return {
        **outcome.as_dict(),
        "sheet": outcome.sheet,
        "sections": outcome.sections,
        "tasks": outcome.tasks,
        "title_lines": outcome.title_lines[:6],
        "rows": [{**row, "start_date": str(row["start_date"]), "due_date": str(row["due_date"] or "")} for row in outcome.preview],
    }


def import_job_preview(*, job: ImportJob) -> ImportJob:
    """Dry-run the stored file and keep the totals, every error and the first rows."""
    with job.file.open("rb") as handle:
        data = handle.read()
    outcome = annex_import(plan=job.plan, upload=io.BytesIO(data), dry_run=True, progress=_reporter(job.pk))
    job.preview = _outcome_dict(outcome)
    job.state = ImportState.PREVIEWED if outcome.ok else ImportState.REJECTED
    job.state_since = timezone.now()
    job.save(update_fields=["preview", "state", "state_since"])
    return job


def import_job_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Start the import of a previewed job (once: a second click finds it already importing)."""
    with transaction.atomic():
        job = locked(ImportJob.objects).get(pk=job.pk)
        if job.state != ImportState.PREVIEWED:
            raise ValidationError(_("This file is not waiting for confirmation (state: %(state)s).") % {"state": job.get_state_display()})
        job.state, job.state_since = ImportState.IMPORTING, timezone.now()
        job.save(update_fields=["state", "state_since"])
        if job.background:
            job_enqueue("tasks.jobs.annex_import_job", job.pk)
    if job.background:
        job.refresh_from_db()
        return job
    return import_job_run(job=job)


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Import the stored file for real; all rows or none."""
    with job.file.open("rb") as handle:
        data = handle.read()
    outcome = annex_import(plan=job.plan, upload=io.BytesIO(data), progress=_reporter(job.pk), by=job.uploaded_by)
    job.result = _outcome_dict(outcome)
    job.state = ImportState.DONE if outcome.ok else ImportState.REJECTED
    job.finished_at = job.state_since = timezone.now()
    job.save(update_fields=["result", "state", "finished_at", "state_since"])
    return job


def import_job_fail(*, job_id: int, message: str) -> None:
    """End a job in "failed" with the reason, for the admin page and the API."""
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(state=ImportState.FAILED, error=message[:2000], finished_at=now, state_since=now)


def import_jobs_expire(*, now) -> int:
    """End in "failed" every job left checking or importing longer than ``IMPORT_JOB_TIMEOUT_SECONDS``.

    Its worker died, or the request checking it broke: nobody will finish it, and the page
    would otherwise wait for ever.
    """
    limit = now - datetime.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT_SECONDS)
    stuck = ImportJob.objects.filter(state__in=[ImportState.PREVIEWING, ImportState.IMPORTING], state_since__lt=limit)
    message = _(
        "The file was still being processed after %(minutes)d minutes and was stopped: upload it again, or split it into smaller files."
    ) % {"minutes": settings.IMPORT_JOB_TIMEOUT_SECONDS // 60}
    return stuck.update(state=ImportState.FAILED, error=message, finished_at=now, state_since=now)
