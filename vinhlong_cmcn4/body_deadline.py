"""A request body arrives at a least rate, or its connection is cut: slow clients cannot hold the workers.

gunicorn's threaded worker (``deploy/gunicorn.conf.py``) gives each connection a thread, not a process,
while it waits for a request to start; but once a request has begun, the thread reading its body blocks
for as long as the client takes. A client declaring 100 kB and sending a byte a second would keep that
thread for a day. So every body is received whole before the portal looks at it
(``RequestBodyLimitMiddleware``), and while it is received one watchdog thread per process checks, every
half second, that the client has sent at least ``REQUEST_BODY_MIN_BYTES_PER_SECOND`` for each second past
``REQUEST_BODY_GRACE_SECONDS``. A client that falls behind has the reading side of its socket shut: the
blocked read returns at once with what came, and the request is answered 408 and the connection closed.

A real upload over a poor mobile link (a few hundred kbit/s) stays well above the rate; behind nginx,
which receives the whole body before passing it on, every body arrives at once.
"""

import contextlib
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

READ_STEP = 8 * 1024  # small reads: the watchdog sees progress within a fraction of a second at the least rate
SPOOL_IN_MEMORY = 1024 * 1024
CHECK_EVERY_SECONDS = 0.5


class BodyTooLarge(Exception):
    """More than the limit arrived."""


class BodyTooSlow(Exception):
    """The client sent its body slower than the least rate; its connection was cut."""


@dataclass
class _Watched:
    sock: socket.socket | None
    started: float = field(default_factory=time.monotonic)
    received: int = 0
    cut: bool = False


class _Watchdog:
    """One daemon thread per process that cuts the bodies falling behind the least rate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, _Watched] = {}
        self._thread: threading.Thread | None = None

    def watch(self, entry: _Watched) -> None:
        with self._lock:
            self._watched[id(entry)] = entry
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="body-deadline", daemon=True)
                self._thread.start()

    def forget(self, entry: _Watched) -> None:
        with self._lock:
            self._watched.pop(id(entry), None)

    def _run(self) -> None:
        while True:
            time.sleep(CHECK_EVERY_SECONDS)
            with self._lock:
                entries = list(self._watched.values())
            now = time.monotonic()
            for entry in entries:
                if not entry.cut and behind(entry.received, now - entry.started):
                    entry.cut = True
                    with contextlib.suppress(OSError):  # already closed by the client
                        entry.sock.shutdown(socket.SHUT_RD)  # the blocked recv() returns b"" at once


_watchdog = _Watchdog()


def behind(received: int, elapsed: float) -> bool:
    """Whether ``received`` bytes after ``elapsed`` seconds is below the least rate (after the grace period)."""
    late = elapsed - settings.REQUEST_BODY_GRACE_SECONDS
    return late > 0 and received < late * settings.REQUEST_BODY_MIN_BYTES_PER_SECOND


def receive(stream, *, length: int | None, limit: int, sock: socket.socket | None) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The whole body (``length`` bytes, or up to the end when chunked) in a spooled file, rewound.

    Raises :class:`BodyTooLarge` past ``limit`` bytes and :class:`BodyTooSlow` when the watchdog cut a client
    that fell behind. Without the server's socket (the test client, runserver) nothing can be cut.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - the request owns it
    entry = _Watched(sock=sock)
    if sock is not None:
        _watchdog.watch(entry)
    try:
        while length is None or entry.received < length:
            step = READ_STEP if length is None else min(READ_STEP, length - entry.received)
            chunk = stream.read(step)
            if not chunk:
                break
            entry.received += len(chunk)
            if entry.received > limit:
                raise BodyTooLarge
            spool.write(chunk)
    except Exception as error:  # the server's reader may raise on a cut connection (NoMoreData, OSError)
        spool.close()
        if entry.cut:
            raise BodyTooSlow from error
        raise
    finally:
        _watchdog.forget(entry)
    if entry.cut:
        spool.close()
        raise BodyTooSlow
    spool.seek(0)
    return spool, entry.received
