"""The REST API: /api/v1/ (each app's viewsets), the token endpoint, the OpenAPI schema and its docs."""

from django.conf import settings
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import SimpleRouter

from indicators.api.views import IndicatorViewSet
from plans.api.views import AgencyViewSet, DirectiveViewSet, PlanViewSet
from reports.api.views import ReportViewSet, SummaryViewSet
from tasks.api.views import ImportJobViewSet, TaskViewSet

from .clients import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for a token (rate-limited); tokens are revoked in the admin."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        summary=_("Get a token for a username and password (attempts are rate-limited)"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField(help_text=_("Send it as: Authorization: Token <key>."))})
        },
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # A locked account (django-axes, or the per-address limit) is refused by the backends as if the
            # password were wrong; say it is locked, as the sign-in page does.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                raise exceptions.PermissionDenied(
                    _(
                        "Too many failed sign-ins: this account cannot sign in from your address for %(minutes)d minutes. Try again later, or reset your password."
                    )
                    % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
                ) from None
            raise


router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("directives", DirectiveViewSet, basename="directive")
router.register("plans", PlanViewSet, basename="plan")
router.register("tasks", TaskViewSet, basename="task")
router.register("reports", ReportViewSet, basename="report")
router.register("summaries", SummaryViewSet, basename="summary")
router.register("imports", ImportJobViewSet, basename="import")
router.register("indicators", IndicatorViewSet, basename="indicator")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
