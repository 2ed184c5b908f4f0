"""Writes of the reports app. Views, admin, API and jobs call these; none re-implements them."""

from .drafts import ReportConflict, attachment_add, attachment_remove, inherited_part, period_refusal, report_period_check, report_save
from .steps import report_transition, reporting_period_get_or_create, task_progress_refresh, tasks_progress_refresh

__all__ = [
    "ReportConflict",
    "attachment_add",
    "attachment_remove",
    "inherited_part",
    "period_refusal",
    "report_period_check",
    "report_save",
    "report_transition",
    "reporting_period_get_or_create",
    "task_progress_refresh",
    "tasks_progress_refresh",
]
