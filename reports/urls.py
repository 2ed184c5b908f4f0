from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("trang-cua-toi/", views.my_home, name="my_home"),
    path("don-vi/nhiem-vu/", views.AgencyTaskListView.as_view(), name="agency_tasks"),
    path("nhiem-vu/<int:task_pk>/bao-cao/<str:period_code>/", views.ReportEditView.as_view(), name="report_edit"),
    path("bao-cao/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("bao-cao/<int:pk>/thao-tac/<str:action>/", views.ReportTransitionView.as_view(), name="report_transition"),
    path("bao-cao/<int:pk>/tep/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("bao-cao/<int:pk>/tep/<int:attachment_pk>/xoa/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
    path("dieu-hanh/", views.DashboardView.as_view(), name="dashboard"),
    path("dieu-hanh/nhiem-vu/", views.DashboardTaskListView.as_view(), name="dashboard_tasks"),
    path("dieu-hanh/nhiem-vu/<int:pk>/", views.TaskPageView.as_view(), name="task_page"),
    path("dau-moi/hop-thu/", views.InboxView.as_view(), name="inbox"),
    path("dau-moi/hop-thu/tiep-nhan/", views.inbox_accept, name="inbox_accept"),
]
