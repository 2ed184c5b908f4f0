"""gunicorn's threaded worker, giving a thread to a connection only once its request's headers have all arrived.

gunicorn's ``gthread`` worker hands a new connection to a thread at once; the thread waits up to five seconds
for a first byte, then reads the headers with a blocking socket and no deadline. A client sending its
headers a byte every few seconds held that thread for as long as it liked: 32 such connections (4 workers
of 8 threads) and no request was answered. Here the worker's main loop, which watches every socket at
no cost, receives the headers itself, as nginx would (``client_header_timeout``): a connection goes to a
thread once the blank line ending its headers has arrived, and is closed if that has not happened within
``REQUEST_HEADER_SECONDS`` (10 s) of its opening or of its previous answer. The body is the portal's
business (``vinhlong_cmcn4.body_deadline``). Used by ``deploy/gunicorn.conf.py`` (``worker_class``).

A worker whose threads all have a request stops accepting until one of them is free: gthread accepted while it
had fewer than ``worker_connections`` (1000) connections, and queued them behind the busy threads while the other
workers, sharing the listening socket, were idle (issue 31's soak: 8 slow bodies, ordinary requests ~9.5 s late).
Only requests handed to threads count; connections whose headers the main loop is still receiving do not.
"""

import errno
import selectors
import time
from functools import partial

from django.conf import settings
from gunicorn.workers.gthread import TConn, ThreadWorker

# Headers larger than this go to the parser as they are, which refuses them (limit_request_field_size…).
HEADER_BYTES = 64 * 1024


def headers_complete(received: bytes) -> bool:
    return b"\r\n\r\n" in received or b"\n\n" in received


class HeadersFirstWorker(ThreadWorker):
    """``gthread`` whose threads only ever read requests whose headers are all in, accepting only while one is free."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nr_busy = 0  # connections handed to the thread pool and not yet back: requests running or queued

    def set_accept_enabled(self, enabled):
        """gthread's loop turns accepting on whenever it has fewer than worker_connections: not while no thread is free."""
        super().set_accept_enabled(enabled and self.nr_busy < self.cfg.threads)

    def enqueue_req(self, conn):
        # Always called on the main loop (accept, readable sockets, finish_request), as is finish_request: no lock.
        self.nr_busy += 1
        if self.nr_busy >= self.cfg.threads:
            self.set_accept_enabled(False)  # the kernel keeps new connections for a worker with a free thread
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        """A thread is free again: the main loop's next turn accepts again (run() calls set_accept_enabled)."""
        self.nr_busy -= 1
        super().finish_request(conn, fs)

    def accept(self, listener):
        if self.cfg.is_ssl:  # the bytes would be TLS records: gunicorn's own path
            return super().accept(listener)
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._await_headers(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))  # non-blocking

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection sends its next request: its headers are awaited the same way."""
        if self.cfg.is_ssl:
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_headers(conn)
        self._receive(conn, client)

    def _await_headers(self, conn) -> None:
        conn.received = b""
        # Closed by murder_pending() at this deadline; every entry gets the same delay, so the deque stays sorted.
        conn.timeout = time.monotonic() + settings.REQUEST_HEADER_SECONDS  # the portal is loaded: its settings are read
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._receive, conn))

    def _receive(self, conn, client) -> None:
        try:
            chunk = conn.sock.recv(HEADER_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._forget(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.received += chunk
        if headers_complete(conn.received) or len(conn.received) >= HEADER_BYTES:
            self._forget(conn)
            conn.data_ready = True
            self.enqueue_req(conn)

    def _forget(self, conn) -> None:
        self.poller.unregister(conn.sock)
        self.pending_conns.remove(conn)

    def handle(self, conn):
        received = getattr(conn, "received", b"")
        if received:
            conn.received = b""
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(received)  # the parser reads them first, then the socket
        return super().handle(conn)
