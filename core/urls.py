from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("tai-ve/<int:pk>/", views.export_job_page, name="export_job"),
    path("tai-ve/<int:pk>/tien-do/", views.export_job_progress, name="export_job_progress"),
    path("tai-ve/<int:pk>/tep/", views.export_job_file, name="export_job_file"),
]
