"""Middleware that guards every request before the views see it.

- ``RequestBodyLimitMiddleware`` (first in ``MIDDLEWARE``): a body larger than ``REQUEST_MAX_BYTES``
  is refused with 413 from its ``Content-Length`` before a byte of it is read; any other body is
  received whole into a spooled file first (a chunked one cut off as soon as it passes the limit), at
  the least rate of ``vinhlong_cmcn4.body_deadline`` or refused with 408, so a slow client cannot hold a
  thread. It runs before sessions and authentication: the same rules for anonymous and signed-in users.
- ``QueryStringNulMiddleware``: a NUL byte in the query string (``?q=%00``) is refused with 400;
  no database stores it, and PostgreSQL raises on it.
- ``PrivateNoStoreMiddleware``: pages for signed-in users and private downloads are never cached
  (``Cache-Control: no-store``); public pages keep their own caching.
- ``LostConnectionRetryMiddleware``: a view whose database connection was cut (a restarted or failed-over
  PostgreSQL, ``pg_terminate_backend``) before it wrote anything runs once more on a new connection,
  instead of answering 500; a view that had written, or received files, is not run twice. So a request whose first
  statement reads who sends it (their session, their API token) skips Django's health check (``CONN_HEALTH_CHECKS``,
  a ``SELECT 1`` before the request's first statement): a cut connection fails that read, before anything is done,
  and the request runs again. The public's requests are checked first (the API's throttles count a call in Redis
  before its first statement: run again, it was counted twice), and so are those that send files; a request that
  ran no statement before this middleware returned has its check back, for what reads after it (a streamed download
  reading its rows as it is sent, which no run again can help).
- ``SignInRequiredMiddleware`` (Django's ``LoginRequiredMiddleware``): an anonymous request for a page that needs
  signing in is sent to the sign-in page; one for a private file (``core.access``) is answered 401, so a program
  fetching the file never receives the sign-in form in its place.
- ``IdleSessionMiddleware``: a session in use is renewed (its idle expiry pushed back by
  ``SESSION_COOKIE_AGE``) at most once every ``SESSION_RENEW_SECONDS``, not written on every request.
"""

import json
import logging
import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.wsgi import LimitedStream
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from core.access import fetches_file

from .body_deadline import BodyTooLarge, BodyTooSlow, receive

logger = logging.getLogger(__name__)


def refusal(request, status: int, code: str, message: str) -> HttpResponse:
    """The refusal in the API's error shape under /api/, as plain text elsewhere."""
    if request.path.startswith("/api/"):
        body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}, ensure_ascii=False)
        response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return response


class RequestBodyLimitMiddleware:
    """Refuse a body larger than ``REQUEST_MAX_BYTES`` (413) or sent too slowly (408) before Django reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared > limit:
            return self._too_large(request, declared)
        if declared or chunked:
            try:
                spool, received = receive(
                    request.META["wsgi.input"], length=None if chunked else declared, limit=limit, sock=request.META.get("gunicorn.socket")
                )
            except BodyTooLarge:
                return self._too_large(request, None)
            except BodyTooSlow:
                return self._too_slow(request, declared)
            # Django reads CONTENT_LENGTH bytes: give it the body received, with its true length.
            request.META["CONTENT_LENGTH"] = str(received)
            request._stream = LimitedStream(spool, received)
            request._closable_objects = [*getattr(request, "_closable_objects", []), spool]
        return self.get_response(request)

    def _too_large(self, request, declared: int | None) -> HttpResponse:
        limit = filesizeformat(settings.REQUEST_MAX_BYTES)
        logger.warning("request body refused (%s bytes declared, limit %s): %s %s", declared, limit, request.method, request.path)
        response = refusal(
            request,
            413,
            "too_large",
            _("The data sent is larger than %(limit)s: it was not received. Send smaller files, or fewer at a time.") % {"limit": limit},
        )
        response["Connection"] = "close"  # the rest of the body is never read: the connection cannot be reused
        return response

    def _too_slow(self, request, declared: int) -> HttpResponse:
        logger.warning("request body cut off: sent too slowly (%s bytes declared): %s %s", declared, request.method, request.path)
        response = refusal(
            request,
            408,
            "too_slow",
            _("The data arrived too slowly and was not received. Check the connection and send it again."),
        )
        response["Connection"] = "close"
        return response


class QueryStringNulMiddleware:
    """A NUL byte in the query string is refused (400) rather than reaching a search or a filter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return refusal(request, 400, "malformed", _("The address contains a null character (%00): remove it and try again."))
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user and every private download."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Private downloads need a session or a token, so they are covered; DRF sets request.user for tokens.
        signed_in = bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in:
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response


class _RunAgain(BaseException):  # noqa: N818  (a signal to run again, not an error)
    """The request's connection was cut before it wrote anything: raised past the inner layers to
    :class:`LostConnectionRetryMiddleware`. Not an ``Exception``: Django's handler would make a 500 of it, log its
    traceback and count it in the metrics, for a request that is answered on its second run."""


class LostConnectionRetryMiddleware:
    """Run a request once more when its database connection was cut before it wrote anything.

    Placed early in ``MIDDLEWARE``, so the session and the user are loaded again too. A cut its statements meet is
    raised past the inner layers (:class:`_RunAgain`): the first run leaves no traceback and no 5xx in the metrics. A 500
    the inner layers made otherwise is run again when the connection is found cut (told from any other failure by the
    connection itself).
    """

    READS = ("SELECT", "SHOW", "SET", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote, cut, ran = [], [], []
        skipped = self._first_statement_reads_who(request) and not connection.health_check_done
        if skipped:
            connection.health_check_done = True  # a cut met by its first statement runs it again: no SELECT 1 first
        # A transaction around this middleware (a test's) cannot be run again; one the view opens can.
        may_run_again = [not connection.in_atomic_block]

        def watch(execute, sql, params, many, context):
            if not ran:
                ran.append(sql)
            try:
                result = execute(sql, params, many, context)  # only a statement that ran counts as written
            except (OperationalError, InterfaceError) as error:
                # Seen here, while the connection is still there to ask: inside transaction.atomic() the failed
                # rollback makes Django drop it before the 500 comes back to this middleware.
                if not cut and self._unusable():
                    cut.append(sql)
                if cut and may_run_again[0] and not wrote and not getattr(request, "_files", None):
                    raise _RunAgain from error  # past the inner layers, which would log it and count a 500
                raise
            if not wrote and not str(sql).lstrip().upper().startswith(self.READS):
                wrote.append(sql)
            return result

        with connection.execute_wrapper(watch):
            try:
                response = self.get_response(request)
            except _RunAgain:
                response = None
            if response is None or (response.status_code >= 500 and not wrote and not getattr(request, "_files", None) and self._cut(cut)):
                logger.warning("database connection lost before anything was written: %s %s runs again", request.method, request.path)
                connection.close()
                may_run_again[0] = False  # once: a second cut is the error it is
                response = self.get_response(request)
        if skipped and not ran:
            connection.health_check_done = False  # a streamed body reads after this returned: checked, as Django does
        return response

    @staticmethod
    def _first_statement_reads_who(request) -> bool:
        """Is the request's first statement the read of who sends it, before anything else is done: their session (a
        page needing sign-in asks it before its view, the API before its throttles) or their API token? Not a request that may send
        files (they are not received twice: the run that failed may have read them)."""
        if request.content_type == "multipart/form-data":
            return False
        token = request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "token"
        return token or settings.SESSION_COOKIE_NAME in request.COOKIES

    @staticmethod
    def _cut(seen: list) -> bool:
        """The request's connection was cut: seen failing during the request, or found unusable now."""
        if connection.in_atomic_block:  # a transaction around this middleware (a test's) cannot be run again
            return False
        return bool(seen) or LostConnectionRetryMiddleware._unusable()

    @staticmethod
    def _unusable() -> bool:
        if connection.connection is None:
            return False
        try:
            return not connection.is_usable()
        except (OperationalError, InterfaceError):
            return True


class IdleSessionMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` seconds idle; one in use is renewed at most once every
    ``SESSION_RENEW_SECONDS`` (a minute), so reading pages does not write the session row each time.

    Placed after ``SessionMiddleware``: marking the session modified makes it save it, with a new expiry.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session that exists and was read (a signed-in user's): never one made for an anonymous visitor.
        if session is not None and session.accessed and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response


def sign_in_required(request) -> HttpResponse:
    """401 for an anonymous request for a private file: a page saying to sign in (with a link back), or its text."""
    sign_in_url = redirect_to_login(request.get_full_path())["Location"]
    message = _("Sign in to download this file: it is kept for signed-in users only.")
    if "text/html" in request.headers.get("Accept", ""):
        body = render_to_string("401.html", {"sign_in_url": sign_in_url}, request=request)
        response = HttpResponse(body, status=401, content_type="text/html; charset=utf-8")
    else:
        response = refusal(request, 401, "not_authenticated", message)
    # A challenge is required with 401 (RFC 9110 §15.5.2): the portal's is its sign-in form.
    response["WWW-Authenticate"] = f'Cookie realm="portal", form-action="{resolve_url(settings.LOGIN_URL)}"'
    return response


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, answering 401 to an anonymous request for a private file."""

    def handle_no_permission(self, request, view_func):
        if fetches_file(request, view_func):
            return sign_in_required(request)
        return super().handle_no_permission(request, view_func)
