from .agency import AgencyTaskListView, my_home
from .dashboard import DashboardTaskListView, DashboardView, TaskPageView
from .inbox import InboxView, inbox_accept
from .report import AttachmentDeleteView, AttachmentDownloadView, ReportDetailView, ReportEditView, ReportTransitionView

__all__ = [
    "AgencyTaskListView",
    "AttachmentDeleteView",
    "AttachmentDownloadView",
    "DashboardTaskListView",
    "DashboardView",
    "TaskPageView",
    "InboxView",
    "ReportDetailView",
    "ReportEditView",
    "ReportTransitionView",
    "inbox_accept",
    "my_home",
]
