from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("ke-hoach/<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("ke-hoach/<int:plan_pk>/nhiem-vu/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
]
