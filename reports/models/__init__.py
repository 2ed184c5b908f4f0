"""Models of the reports app: periods, reports and their workflow, stored figures, summaries, reminders."""

from .figures import TrendPoint
from .reporting import (
    Attachment,
    Report,
    ReportEvent,
    ReportingPeriod,
    _attachment_path,  # noqa: F401 - migration 0002 names it here
)

__all__ = ["Attachment", "Report", "ReportEvent", "ReportingPeriod", "TrendPoint"]
