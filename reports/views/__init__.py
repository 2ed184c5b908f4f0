from .agency import AgencyTaskListView, my_home, notice_read
from .chasing import chase
from .dashboard import DashboardReportListView, DashboardTaskListView, DashboardView, TaskPageView
from .delegation import stand_in_add, task_owners
from .extensions import extension_decide_view, task_extensions
from .inbox import InboxView, inbox_accept
from .public_summaries import PublicSummaryListView
from .reassign import ReassignQueueView, reassign
from .report import AttachmentDeleteView, AttachmentDownloadView, ReportDetailView, ReportEditView, ReportTransitionView
from .summaries import (
    SummaryDetailView,
    SummaryListView,
    summary_download,
    summary_regenerate_view,
    summary_request_view,
)
from .summary_steps import SummaryPreviewView, summary_record_download, summary_section_view, summary_signed_upload, summary_step_view
from .work import WorkView, notice_email_set

__all__ = [
    "PublicSummaryListView",
    "AgencyTaskListView",
    "AttachmentDeleteView",
    "AttachmentDownloadView",
    "DashboardReportListView",
    "DashboardTaskListView",
    "DashboardView",
    "TaskPageView",
    "InboxView",
    "ReportDetailView",
    "ReportEditView",
    "ReportTransitionView",
    "SummaryDetailView",
    "SummaryListView",
    "summary_download",
    "SummaryPreviewView",
    "summary_record_download",
    "summary_section_view",
    "summary_signed_upload",
    "summary_step_view",
    "summary_regenerate_view",
    "summary_request_view",
    "notice_read",
    "inbox_accept",
    "extension_decide_view",
    "task_extensions",
    "my_home",
    "ReassignQueueView",
    "reassign",
    "WorkView",
    "notice_email_set",
    "stand_in_add",
    "task_owners",
    "chase",
]
