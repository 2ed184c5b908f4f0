"""What a report must say to make sense: the one validation of its content (web form, API and admin alike)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Task

from ..choices import WorkState
from ..models import Report

CONTENT_FIELDS = ("progress", "work_state", "completed_on", "results", "difficulties", "proposals")


def report_content_check(*, report: Report, sending: bool = False) -> None:
    """Check a report's stored content (``sending``: also what a report needs to be sent)."""
    content_errors(
        task=report.task,
        data={name: getattr(report, name) for name in CONTENT_FIELDS},
        sending=sending,
        has_evidence=sending and report.attachments.exists(),
    )


def content_errors(*, task: Task, data: dict, sending: bool, has_evidence: bool, today: datetime.date | None = None) -> None:
    """The rules a report's content must meet, each with a message on its field (web form, API and admin alike).

    - Sending (not saving a draft) needs the results achieved, or evidence attached.
    - "Đã hoàn thành": 100%, and a completion date neither in the future nor before the task started.
    - "Chưa triển khai": 0%.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    raw = data.get("progress")
    progress = int(raw) if raw is not None and raw != "" else None
    completed_on = data.get("completed_on")
    if data.get("work_state") == WorkState.COMPLETED:
        if progress != 100:
            errors["progress"] = _("A completed task is at 100%.")
        if not completed_on:
            errors["completed_on"] = _("Give the date the task was completed.")
        elif completed_on > today:
            errors["completed_on"] = _("The completion date %(date)s is in the future.") % {"date": f"{completed_on:%d/%m/%Y}"}
        elif task.start_date and completed_on < task.start_date:
            errors["completed_on"] = _("The completion date %(date)s is before the task started (%(start)s).") % {
                "date": f"{completed_on:%d/%m/%Y}",
                "start": f"{task.start_date:%d/%m/%Y}",
            }
    elif data.get("work_state") == WorkState.NOT_STARTED and progress:
        errors["progress"] = _("A task not started yet is at 0%.")
    if sending and not (data.get("results") or "").strip() and not has_evidence:
        errors["results"] = _("Write the results achieved, or attach evidence, before sending the report.")
    if errors:
        raise ValidationError(errors)
