from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("co-quan/", views.AgencyRegistryView.as_view(), name="agencies"),
]
