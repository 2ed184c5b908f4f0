"""A real gunicorn refuses a huge body early and keeps answering /healthz meanwhile (bodies sent are bounded)."""

import socket
import threading

import pytest

from .live_gunicorn import free_port, gunicorn_running, healthz_seconds

PORT = free_port()
CHUNK = b"x" * (64 * 1024)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    sync_workers = ("-w", "2", "--timeout", "30")
    with gunicorn_running(PORT, tmp_path_factory.mktemp("gunicorn"), args=sync_workers, REQUEST_MAX_BYTES=str(8 * 1024 * 1024)) as process:
        yield process


def _status(connection: socket.socket) -> int:
    connection.settimeout(10)
    head = connection.recv(4096).split(b"\r\n", 1)[0]
    return int(head.split()[1])


def _send_body(headers: bytes, body_bytes: int, chunked: bool = False) -> tuple[int, int]:
    """Send headers then up to ``body_bytes``; returns (status, bytes sent before the answer)."""
    connection = socket.create_connection(("127.0.0.1", PORT))
    connection.sendall(headers)
    sent = 0
    try:
        while sent < body_bytes:
            piece = (b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n") if chunked else CHUNK
            connection.sendall(piece)
            sent += len(CHUNK)
            connection.setblocking(False)
            try:
                if connection.recv(1, socket.MSG_PEEK):
                    break  # the server answered before the body ended
            except BlockingIOError:
                pass
            finally:
                connection.setblocking(True)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        return _status(connection), sent
    finally:
        connection.close()


def test_a_body_declared_at_one_gibibyte_is_refused_before_it_is_sent(gunicorn):
    headers = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        b"Content-Length: 1073741824\r\n\r\n"
    )
    status, sent = _send_body(headers, 64 * 1024 * 1024)
    assert status == 413
    assert sent < 16 * 1024 * 1024, f"{sent} bytes were accepted before the refusal"


def test_a_chunked_body_is_cut_off_at_the_limit(gunicorn):
    headers = (
        b"POST /dang-nhap/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    status, sent = _send_body(headers, 64 * 1024 * 1024, chunked=True)
    assert status == 413
    assert sent < 24 * 1024 * 1024, f"{sent} bytes were read before the cut-off"


def test_healthz_answers_while_two_huge_bodies_are_being_sent(gunicorn):
    headers = b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1073741824\r\n\r\n"
    senders = [threading.Thread(target=_send_body, args=(headers, 32 * 1024 * 1024)) for _ in range(2)]
    for sender in senders:
        sender.start()
    try:
        assert [healthz_seconds(PORT)[0] for _ in range(3)] == [200, 200, 200]
    finally:
        for sender in senders:
            sender.join(timeout=30)
