"""The daily upkeep: bring every stored figure back in line with the data, so that the pages
tell the truth at midnight whatever was written outside the workflow during the day.

Statuses are never stored (they are derived from today's date on every read); what is stored,
and refreshed here: each task's progress and completion date, the dashboard's trend points and
late-report counts (a change clears the cached dashboard, ``core.shared_figures``), each
task's place in the lists (tasks.ordering), each task's working-day due date (a process reads the
table of announced days once a minute, so a task it saved just after an edit was judged by the
calendar before it), and the rows of the periods now due. Parts of open work still held by an agency that has ceased into a main
successor are handed on to it first (``reorganisation.services.leftover_parts_hand_on``). Old read notices are cleared,
and files left on disk without a row (evidence of a deleted draft, the document of a compilation killed
before its commit) removed.
"""

import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

from core.exports import exports_remove
from core.once import job_runs_prune
from plans.choices import PlanState
from plans.models import Plan
from tasks.kept import lead_parts_rebuild
from tasks.services import task_due_dates_refresh, tasks_order_refresh

from .attachments import HELD, HELD_FOR
from .figures import late_counts_rebuild, trend_points_rebuild
from .models import Attachment, Notice, Summary
from .periods import main_kind, period_due
from .reorganisation.services import leftover_parts_hand_on
from .services import reporting_period_get_or_create, tasks_progress_refresh

NOTICES_KEPT = datetime.timedelta(days=180)
# A file younger than this may belong to a transaction still running (an upload, a compilation).
ORPHANS_GRACE = datetime.timedelta(hours=6)
FILE_FOLDERS = ("attachments", "summaries")


def _stored_files(storage, folder: str):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_files(storage, f"{folder}/{directory}")


def orphan_files_remove(*, now: datetime.datetime, storage=default_storage) -> int:
    """Delete the files of ``FILE_FOLDERS`` that no row names and that are older than ``ORPHANS_GRACE``."""
    known = set(Attachment.objects.values_list("file", flat=True))
    for document, annex in Summary.objects.values_list("document", "annex"):
        known.update((document, annex))
    removed = 0
    for folder in FILE_FOLDERS:
        if not storage.exists(folder):
            continue
        for name in _stored_files(storage, folder):
            if name not in known and storage.get_modified_time(name) < now - ORPHANS_GRACE:
                storage.delete(name)
                removed += 1
    return removed


def held_uploads_remove(*, now: datetime.datetime, storage=default_storage) -> int:
    """Delete the files held for a form sent back with an error (``attachments.uploads_hold``) once their token has
    expired: nobody can claim them any more, and left there they would fill the disk."""
    if not storage.exists(HELD):
        return 0
    removed = 0
    for name in _stored_files(storage, HELD):
        if storage.get_modified_time(name) < now - HELD_FOR:
            storage.delete(name)
            removed += 1
    return removed


def upkeep_run(*, today: datetime.date) -> dict[str, int]:
    """Run every step; returns how many rows each one changed."""
    plans = list(Plan.objects.filter(state=PlanState.IN_FORCE))
    for plan in plans:
        reporting_period_get_or_create(period=period_due(today, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day))
    deleted, _detail = Notice.objects.filter(read_at__lt=timezone.now() - NOTICES_KEPT).delete()
    return {
        # Before the progress: parts a decision left with an agency that has ceased go to its successor first.
        "parts_handed_on": leftover_parts_hand_on(today=today),
        "due_dates": task_due_dates_refresh(),  # before the figures that read them
        "tasks": tasks_progress_refresh(plan_ids=[plan.pk for plan in plans]),
        "trend_points": trend_points_rebuild(),
        "late_report_counts": late_counts_rebuild(),
        "lead_part_counts": lead_parts_rebuild(),
        "task_places": tasks_order_refresh(),
        "notices_cleared": deleted,
        "orphan_files_removed": orphan_files_remove(now=timezone.now()),
        "held_files_removed": held_uploads_remove(now=timezone.now()),
        "job_keys_pruned": job_runs_prune(now=timezone.now()),
        "downloads_removed": exports_remove(now=timezone.now()),
    }
