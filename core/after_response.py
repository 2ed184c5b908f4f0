"""Work done once the current response has gone, so its reader does not wait for it.

A request queues work with :func:`after_response`; Django's ``request_finished`` (sent once the server has written the
response: gunicorn closes it after the last byte) runs it, in the request's language, with its failure logged, never
raised. The thread does it before it reads the connection's next request: gthread keeps the connection alive, and
nginx sends the browser's next request (the redirect after a POST) on the upstream connection it got back last, so that
request waits for the work (measured with gthread: a 302 in 21 ms, the GET after it on the same connection 1058 ms
behind a 1 s work, 3 ms on a new one). Outside a request (a job, a command, a test calling a service) nothing is
queued: the caller does the work now.

Modules that keep state for the length of a request (``core.shared_figures``' generations read once per request)
register its reset with :func:`request_scoped`: it runs when a request starts and when it ends, before the work queued,
which therefore sees the state of no request.

A response whose server never says it has gone (no ``request_finished``: Django's test client with a streamed download
left unread, a WSGI handler that failed before returning the response) leaves its work to the thread's next request,
which does it when it starts: the previous response has gone by then. Tests forget such a request between them
(:func:`request_forget`, the root ``conftest``), so one test's unread download never holds the next one's jobs.
"""

import logging
from collections.abc import Callable

from asgiref.local import Local
from django.core.signals import request_finished, request_started
from django.db import connections
from django.utils import translation

logger = logging.getLogger(__name__)
_request = Local()
_resets: list[Callable[[], None]] = []


def request_scoped(reset: Callable[[], None]) -> None:
    """Call ``reset()`` when each request starts and ends (before the work queued for after its response)."""
    _resets.append(reset)


def in_request() -> bool:
    """Is a request being answered in this thread (its response not gone yet)?"""
    return getattr(_request, "open", False)


def after_response(work: Callable[[], None]) -> bool:
    """Queue ``work`` to run once the current response has gone, in this request's language; False (nothing queued) outside a request."""
    if not in_request():
        return False
    language = translation.get_language()

    def run() -> None:
        try:
            with translation.override(language):
                work()
        except Exception:  # noqa: BLE001 - the response has gone: nobody to tell but the log
            logger.exception("work done after the response failed")

    _request.after.append(run)
    return True


def _started(**kwargs) -> None:
    if in_request():
        _finished()  # the thread's previous response never said it had gone: it has, this thread answers another
    _request.open, _request.after = True, []
    for reset in _resets:
        reset()


def request_forget() -> None:
    """Leave the request this thread is said to answer, its work dropped: for tests, whose client says a streamed
    response has gone only once its body is read (the work left was the previous test's, its database gone)."""
    _request.open, _request.after = False, []
    for reset in _resets:
        reset()


def _finished(**kwargs) -> None:
    after = getattr(_request, "after", None) or []
    _request.open, _request.after = False, []
    for reset in _resets:
        reset()
    for work in after:
        work()
    if after:
        _close_old_connections()


def _close_old_connections() -> None:
    """Django's ``close_old_connections`` (its receiver ran before this work): the work may have opened a connection
    past its age. A connection still inside a transaction is not the request's (a test's, kept by Django's test client,
    which disconnects that receiver): closing it would break its next query."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


request_started.connect(_started, dispatch_uid="after_response_started")
request_finished.connect(_finished, dispatch_uid="after_response_finished")
