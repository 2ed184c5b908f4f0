"""Models of the reports app: periods, reports and their workflow, stored figures, summaries, reminders."""

from .delivery import WebhookDelivery, WebhookSubscription
from .figures import LateReportCount, SentLeadCount, TrendPoint
from .indicators import ReportedValue
from .reminders import EscalationLadder, Notice, Reminder
from .reporting import (
    Attachment,
    Report,
    ReportEvent,
    ReportingPeriod,
    _attachment_path,  # noqa: F401 - migration 0002 names it here
)
from .summaries import Summary
from .summary_records import SummaryEvent, SummarySection, TrustRoot

__all__ = [
    "Attachment",
    "EscalationLadder",
    "LateReportCount",
    "SentLeadCount",
    "Notice",
    "Reminder",
    "Report",
    "ReportEvent",
    "ReportedValue",
    "ReportingPeriod",
    "Summary",
    "SummaryEvent",
    "SummarySection",
    "TrendPoint",
    "TrustRoot",
    "WebhookDelivery",
    "WebhookSubscription",
]
