"""What every endpoint of the REST API shares: permissions, pagination and the error shape.

Errors are always ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with a stable
machine code and a Vietnamese message; field errors name the field.
"""

import copy
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from .conflicts import Conflict
from .paging import SharedCountPaginator

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


class FieldsBuiltOnce:
    """For a ``ModelSerializer``: its fields worked out from the model once per class, each serializer given its own copy
    (as DRF copies the declared ones). DRF works them out for every serializer made: each answer of a report's save or
    workflow step, thousands on a deadline day, built the same eighteen fields again. For serializers whose fields do not
    depend on the request (``context``)."""

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            type(self)._fields_built = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, the filter set it builds from a view's ``filterset_fields`` built once per view and model
    (django-filter builds a new class, every filter introspected, on every request: a few milliseconds of each API call,
    a workflow step's included, as DRF filters the object of a detail route too)."""

    _built: dict[tuple[type, type], type] = {}

    def get_filterset_class(self, view, queryset=None):
        if getattr(view, "filterset_class", None) is not None or queryset is None:
            return super().get_filterset_class(view, queryset)
        key = (type(view), queryset.model)
        if key not in self._built:
            self._built[key] = super().get_filterset_class(view, queryset)
        return self._built[key]

    def filter_queryset(self, request, queryset, view):
        """A list's filters narrow lists, and a read of one row (a row they exclude is not found); a write to one row (a
        draft saved, a workflow step) is not filtered: its service checks what it needs, and the filter set's form
        built and validated for nothing was a tenth of a workflow step's own work."""
        if getattr(view, "detail", False) and request.method not in permissions.SAFE_METHODS:
            return queryset
        return super().filter_queryset(request, queryset, view)


class ReadOnlyUnlessSignedIn(permissions.BasePermission):
    """Anyone may read what the policy shows them; only signed-in users may write (views narrow further)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class PageNumbers(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _IdsFirst(SharedCountPaginator):
    """Pages that read their ids first (from the ordering's index alone), then only those rows: a deep page
    skips tens of thousands of index entries instead of tens of thousands of joined rows. The count of
    rows is shared by every client asking the same question (``core.paging``)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class _Cursor(CursorPagination):
    page_size = PageNumbers.page_size
    page_size_query_param = PageNumbers.page_size_query_param
    max_page_size = PageNumbers.max_page_size
    invalid_cursor_message = gettext_lazy("This cursor is not valid: start again with `cursor=` and follow the `next` links.")

    def __init__(self, ordering: tuple[str, ...]):
        self.ordering = ordering

    def get_ordering(self, request, queryset, view):
        return self.ordering  # one order for every walk, whatever `ordering` asks: the cursor is a place in it


class PagesOrCursor(PageNumbers):
    """Page numbers for people; a cursor for clients that walk the whole list (``?cursor=``, then ``next``).

    A cursor page is a range of the index on ``cursor_ordering`` (its first field nearly unique), so
    the last page costs what the first does and rows added meanwhile are neither skipped nor repeated.
    """

    cursor_query_param = "cursor"
    cursor_ordering: tuple[str, ...] = ("id",)
    django_paginator_class = _IdsFirst

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor = None
        if self.cursor_query_param in request.query_params:
            self.cursor = _Cursor(self.cursor_ordering)
            return self.cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["results"]
        response["properties"]["count"]["description"] = gettext_lazy("How many rows in all; absent when walking by cursor.")
        response["properties"]["next"]["description"] = gettext_lazy("The next page (by number, or by cursor when walking).")
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": gettext_lazy(
                    "Walk the whole list: send `cursor=` (empty) for the first page, then follow `next` until it is null. "
                    "Every page is as fast as the first, in the default order; `page` and `ordering` are then ignored."
                ),
                "schema": {"type": "string"},
            },
        ]


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {field: [str(m) for m in (messages if isinstance(messages, list) else [messages])] for field, messages in detail.items()}
    return {}


PARSERS_WORDS = ("JSON parse error - ", "Multipart form parse error - ")  # how DRF's parsers pass on what they could not read
# How DRF's parsers refuse a Content-Type's charset that is no text encoding (``rest_framework.parsers.get_encoding``): in
# English, never through gettext, so no catalogue can translate it.
CHARSET_WORDS = 'Unsupported charset "'


def _unparsed(error: BaseException) -> exceptions.ParseError:
    """A body DRF's parsers could not read, said in Vietnamese, with where in JSON (they passed on Python's and Django's
    English: 'JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)')."""
    if isinstance(error, MultiPartParserError):
        return exceptions.ParseError(_("The body sent is not a valid multipart form."))
    if isinstance(error, json.JSONDecodeError):
        where = {"line": error.lineno, "column": error.colno}
        return exceptions.ParseError(_("The body sent is not valid JSON (line %(line)d, column %(column)d).") % where)
    return exceptions.ParseError(_("The body sent is not valid JSON."))  # not UTF-8, NaN or Infinity


def _charset_refused(request) -> exceptions.ParseError:
    """A body whose Content-Type names a charset DRF will not decode it with (one Python knows that is no text encoding,
    'bz2_codec'), said in Vietnamese with the charset named."""
    charset = getattr(request, "encoding", None) or "?"
    return exceptions.ParseError(
        _("The charset “%(charset)s” in the Content-Type header is not supported: send the body in UTF-8.") % {"charset": charset}
    )


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
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(PARSERS_WORDS) and exc.__context__ is not None:
        exc = _unparsed(exc.__context__)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(CHARSET_WORDS):
        exc = _charset_refused(context.get("request"))
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
