from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("trang-cua-toi/", views.my_home, name="my_home"),
    path("viec-can-xu-ly/", views.WorkView.as_view(), name="work"),
    path("viec-can-xu-ly/thu-dien-tu/", views.notice_email_set, name="notice_email_set"),
    path("viec-can-xu-ly/uy-quyen/", views.stand_in_add, name="stand_in_add"),
    path("nhiem-vu/<int:pk>/phu-trach/", views.task_owners, name="task_owners"),
    path("don-vi/nhiem-vu/", views.AgencyTaskListView.as_view(), name="agency_tasks"),
    path("nhiem-vu/<int:task_pk>/bao-cao/<str:period_code>/", views.ReportEditView.as_view(), name="report_edit"),
    path("bao-cao/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("bao-cao/<int:pk>/thao-tac/<str:action>/", views.ReportTransitionView.as_view(), name="report_transition"),
    path("bao-cao/<int:pk>/tep/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("bao-cao/<int:pk>/tep/<int:attachment_pk>/xoa/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
    path("dieu-hanh/", views.DashboardView.as_view(), name="dashboard"),
    path("dieu-hanh/nhiem-vu/", views.DashboardTaskListView.as_view(), name="dashboard_tasks"),
    path("dieu-hanh/nhiem-vu/<int:pk>/", views.TaskPageView.as_view(), name="task_page"),
    path("dieu-hanh/bao-cao/", views.DashboardReportListView.as_view(), name="dashboard_reports"),
    path("dieu-hanh/bao-cao-tong-hop/", views.SummaryListView.as_view(), name="summary_list"),
    path("dieu-hanh/bao-cao-tong-hop/tong-hop/", views.summary_request_view, name="summary_request"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/", views.SummaryDetailView.as_view(), name="summary_detail"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/tai/<str:kind>/", views.summary_download, name="summary_download"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/tong-hop-lai/", views.summary_regenerate_view, name="summary_regenerate"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/ban-hanh/", views.summary_step_view, {"action": "issue"}, name="summary_issue"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/buoc/<str:action>/", views.summary_step_view, name="summary_step"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/phan/<str:key>/", views.summary_section_view, name="summary_section"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/xem-truoc/", views.SummaryPreviewView.as_view(), name="summary_preview"),
    path("dieu-hanh/bao-cao-tong-hop/<int:pk>/ban-ky-so/", views.summary_signed_upload, name="summary_signed_upload"),
    path("bao-cao-tong-hop/", views.PublicSummaryListView.as_view(), name="public_summaries"),
    path("bao-cao-tong-hop/<int:pk>/van-ban.pdf", views.summary_record_download, name="summary_record"),
    path("thong-bao/<int:pk>/da-doc/", views.notice_read, name="notice_read"),
    path("nhiem-vu/<int:pk>/gia-han/", views.task_extensions, name="task_extensions"),
    path("gia-han/<int:pk>/<str:decision>/", views.extension_decide_view, name="extension_decide"),
    path("dau-moi/hop-thu/", views.InboxView.as_view(), name="inbox"),
    path("dau-moi/hop-thu/tiep-nhan/", views.inbox_accept, name="inbox_accept"),
    path("dau-moi/don-doc/", views.chase, name="chase"),
    path("dau-moi/giao-lai/", views.ReassignQueueView.as_view(), name="reassign_queue"),
    path("dau-moi/giao-lai/giao/", views.reassign, name="reassign"),
]
