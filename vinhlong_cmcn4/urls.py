from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from tasks.public.views import HomeView

from . import metrics, verification, views
from .health import HealthView

handler404 = "vinhlong_cmcn4.views.not_found"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: the emblem, not a 404 in every log.
    # (at request time: the static files' manifest is read then, not when the URLs load)
    path("favicon.ico", login_not_required(lambda request: HttpResponsePermanentRedirect(static("img/emblem.svg"))), name="favicon"),
    path("health/", login_not_required(HealthView.as_view()), name="health"),
    path("metrics", metrics.metrics, name="metrics"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("xac-thuc/", verification.verify_page, name="verify"),
    path("", include("core.urls")),
    path("", include("tasks.public.urls")),
    path("", include("plans.urls")),
    path("", include("reports.urls")),
    path("", include("indicators.urls")),
    path("api/", include("vinhlong_cmcn4.api_urls")),
    path("admin/", admin.site.urls),
]
