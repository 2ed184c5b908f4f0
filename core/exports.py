"""Downloads too long to write while the browser waits: a list's Excel of more rows than ``EXPORT_SYNC_MAX_ROWS``
becomes a job (``core.jobs.export_job``) that writes the file, shows its progress on its page and, when done, gives
its owner a link there and a notice (``export_ready``: the reports app files it among "Việc cần xử lý").

The job runs the list's own view again, as its owner, with the filters of the address that was asked: the rows,
the columns and who may see what are the page's own, not a copy of them.
"""

import datetime
import tempfile
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import ExportJob
from .outbox import job_enqueue

export_ready = Signal()  # sent with ``job`` when an export's file is ready (or has failed: ``job.state``)
PROGRESS_TTL = 60 * 60


def sync_limit() -> int:
    """Rows a list's download may have and still be written while the browser waits (about a second's work)."""
    return int(getattr(settings, "EXPORT_SYNC_MAX_ROWS", 2000))


def _progress_key(job_id: int) -> str:
    return f"export-job:{job_id}:progress"


def rows_label(rows: int) -> str:
    """A count of rows as the page's language writes it (Vietnamese: 50.000), for the page, its script and the notice."""
    return formats.number_format(rows, force_grouping=True)


def export_progress(job: ExportJob) -> dict:
    """Where a job is: its state, rows written, rows in all (and both as the page writes them)."""
    done = job.total if job.state == ExportJob.DONE else (cache.get(_progress_key(job.pk)) or 0)
    return {
        "state": job.state,
        "running": job.state in (ExportJob.QUEUED, ExportJob.RUNNING),
        "done": done,
        "total": job.total,
        "done_label": rows_label(done),
        "total_label": rows_label(job.total),
    }


def progress_reporter(job: ExportJob):
    def report(done: int) -> None:
        cache.set(_progress_key(job.pk), done, PROGRESS_TTL)

    return report


def export_job_start(request, *, filename: str, title: str, total: int) -> ExportJob:
    """Queue the download the request asked for (``?format=xlsx`` and its filters) as a job of the signed-in user."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=request.user,
            address=request.get_full_path(),
            title=str(title)[:255],
            filename=filename[:255],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            total=total,
        )
        job_enqueue("core.jobs.export_job", job.pk)
    return job


class _NoSession(SessionBase):
    """A job's request has no browser session: nothing it writes is kept."""

    def load(self):
        return {}

    def exists(self, session_key):
        return False

    def save(self, must_create=False):
        pass


def export_run(job_id: int) -> ExportJob:
    """Write the job's file: its list's view run as its owner, the streamed file stored (default storage)."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.state not in (ExportJob.QUEUED, ExportJob.RUNNING):
        return job  # already done: a redelivered message writes nothing twice
    job.state = ExportJob.RUNNING
    job.save(update_fields=["state"])
    try:
        request = RequestFactory().get(job.address)
        request.user, request.session = job.user, _NoSession()
        request.export_job = job  # type: ignore[attr-defined]  # read by core.columns.xlsx: write here, with progress
        with translation.override(job.language), tempfile.TemporaryFile() as handle:
            match = resolve(request.path_info)
            response = match.func(request, *match.args, **match.kwargs)
            if response.status_code != 200 or not response.streaming:
                raise RuntimeError(f"{job.address} answered {response.status_code}")
            for chunk in response.streaming_content:
                handle.write(chunk)
            handle.seek(0)
            job.file.save(job.filename, File(handle), save=False)
    except Exception as error:
        job.state, job.error, job.finished_at = ExportJob.FAILED, f"{type(error).__name__}: {error}"[:2000], timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        export_ready.send(sender=ExportJob, job=job)
        raise
    job.state, job.finished_at = ExportJob.DONE, timezone.now()
    job.save(update_fields=["state", "file", "finished_at"])
    export_ready.send(sender=ExportJob, job=job)
    return job


def export_notice_text(job: ExportJob) -> str:
    if job.state == ExportJob.DONE:
        return _("Your download “%(name)s” (%(rows)s rows) is ready.") % {"name": job.filename, "rows": rows_label(job.total)}
    return _("Your download “%(name)s” could not be written; ask again, or narrow the list with its filters.") % {"name": job.filename}


def export_page_url(job: ExportJob) -> str:
    return reverse("core:export_job", args=[job.pk])


def export_list_url(job: ExportJob) -> str:
    """The list the download was asked from, with its filters: the job's address without ``format``."""
    path, _, query = job.address.partition("?")
    kept = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if key != "format"]
    return f"{path}?{urlencode(kept)}" if kept else path


EXPORTS_KEPT = datetime.timedelta(days=7)  # a written download waits this long for its owner; the daily upkeep deletes it after


def exports_remove(*, now: datetime.datetime) -> int:
    """Delete the downloads written more than ``EXPORTS_KEPT`` ago, rows and files (the daily upkeep)."""
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=now - EXPORTS_KEPT):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
