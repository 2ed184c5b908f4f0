from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("ke-hoach/<int:pk>/chi-tieu/", views.PlanIndicatorsView.as_view(), name="plan"),
    path("ke-hoach/<int:pk>/chi-tieu/du-lieu.<str:fmt>", views.plan_open_data, name="open_data"),
    path("du-lieu-mo/tu-dien-chi-tieu.<str:fmt>", views.open_data_dictionary, name="open_data_dictionary"),
    path("chi-tieu/<int:pk>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("dieu-hanh/chi-tieu/", views.IndicatorListView.as_view(), name="list"),
]
