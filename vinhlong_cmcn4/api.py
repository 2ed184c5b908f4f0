"""What every endpoint of the REST API shares: permissions, pagination and the error shape.

Errors are always ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with a stable
machine code and a Vietnamese message; field errors name the field.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .conflicts import Conflict

CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class ReadOnlyUnlessSignedIn(permissions.BasePermission):
    """Anyone may read what the policy shows them; only signed-in users may write (views narrow further)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class PageNumbers(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {field: [str(m) for m in (messages if isinstance(messages, list) else [messages])] for field, messages in detail.items()}
    return {}


def error_response(exc, context):
    """DRF's handler, with Django's own errors mapped and every error in one JSON shape."""
    from rest_framework.views import exception_handler  # here: DRF imports this module while it loads its views

    if isinstance(exc, Conflict):
        return Response(
            {"error": {"code": "conflict", "message": str(exc), "fields": {}, "current_version": exc.current_version}},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = next((name for kind, name in CODES.items() if isinstance(exc, kind)), "error")
    fields = _flatten(exc.detail) if isinstance(exc, exceptions.ValidationError) else {}
    if isinstance(exc, exceptions.ValidationError):
        message = _("The data sent is not valid: see the fields.")
        if list(fields) == ["non_field_errors"]:
            message = " ".join(fields.pop("non_field_errors"))
    else:
        message = str(exc.detail) if not isinstance(exc.detail, (list, dict)) else str(exc)
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
