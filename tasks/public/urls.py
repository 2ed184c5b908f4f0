from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("ke-hoach/", views.PlanListView.as_view(), name="plans"),
    path("ke-hoach/nhiem-vu/", views.TaskListView.as_view(), name="tasks"),
    path("ke-hoach/<int:pk>/du-lieu.<str:fmt>", views.plan_open_data, name="open_data"),
    path("du-lieu-mo/tu-dien/", views.open_data_dictionary, name="open_data_dictionary_page"),
    path("du-lieu-mo/tu-dien.<str:fmt>", views.open_data_dictionary, name="open_data_dictionary"),
    path("ke-hoach/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("ke-hoach/<int:plan_pk>/nhiem-vu/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
]
