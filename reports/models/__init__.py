"""Models of the reports app: periods, reports and their workflow, stored figures, summaries, reminders."""

from .figures import LateReportCount, TrendPoint
from .indicators import ReportedValue
from .reminders import Notice, Reminder
from .reporting import (
    Attachment,
    Report,
    ReportEvent,
    ReportingPeriod,
    _attachment_path,  # noqa: F401 - migration 0002 names it here
)
from .summaries import Summary

__all__ = [
    "Attachment",
    "LateReportCount",
    "Notice",
    "Reminder",
    "Report",
    "ReportEvent",
    "ReportedValue",
    "ReportingPeriod",
    "Summary",
    "TrendPoint",
]
