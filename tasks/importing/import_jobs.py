"""Annex imports as jobs: upload, preview (a dry run), confirm, import; small files at once, large ones in the background."""

import io

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from plans.models import Plan, User
from vinhlong_cmcn4.outbox import job_enqueue

from ..choices import ImportState
from ..models import ImportJob
from .errors import AnnexRejected
from .reader import open_annex, read_bytes
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


def estimated_rows(data: bytes) -> int:
    """Rows in the task sheet, from its recorded dimension (0 when the file cannot be read)."""
    try:
        sheet = open_annex(data)
    except AnnexRejected:
        return 0
    try:
        return sheet.estimated_rows
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
    job.background = estimated_rows(data) > int(getattr(settings, "IMPORT_SYNC_MAX_ROWS", 300))
    job.save()
    if job.background:
        from ..jobs import annex_preview_job

        job_enqueue(annex_preview_job, job.pk)
    else:
        import_job_preview(job=job)
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
    job.save(update_fields=["preview", "state"])
    return job


def import_job_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Start the import of a previewed job (once: a second click finds it already importing)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportState.PREVIEWED:
            raise ValidationError(_("This file is not waiting for confirmation (state: %(state)s).") % {"state": job.get_state_display()})
        job.state = ImportState.IMPORTING
        job.save(update_fields=["state"])
        if job.background:
            from ..jobs import annex_import_job

            job_enqueue(annex_import_job, job.pk)
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
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "state", "finished_at"])
    return job
