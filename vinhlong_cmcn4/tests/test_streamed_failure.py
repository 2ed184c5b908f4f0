"""A streamed download cut by a database error, under the real gunicorn as shipped: the client must not receive
something that looks like a whole file, and the error must be logged.

The server runs on a fresh SQLite database without tables, so the list's query, run by the response's generator after
the CSV's heading and column names were sent, fails with the driver's own ``OperationalError``: a database lost in the
middle of a download, as the client sees it. The portal's generators let the error through
(``tasks/tests/test_public_views.py``, ``core/tests/test_spreadsheets.py``); here gunicorn answers it."""

import socket

import pytest

from .live_gunicorn import AS_SHIPPED, free_port, gunicorn_running

PORT = free_port()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cut")
    errors = directory / "error.log"
    with gunicorn_running(PORT, directory, args=(*AS_SHIPPED, "--error-logfile", str(errors)), GUNICORN_WORKERS="1"):
        yield errors


def _get(path: str) -> tuple[bytes, bytes, bool]:
    """GET ``path`` over HTTP/1.1 (as nginx asks, ``proxy_http_version 1.1``), read until the server closes the
    connection: the head, the body's chunks joined, and whether the terminating chunk came."""
    connection = socket.create_connection(("127.0.0.1", PORT), timeout=20)
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = b""
    try:
        while piece := connection.recv(65536):
            data += piece
    except TimeoutError:
        pytest.fail("the connection was left open after the error: the client waits for the rest of the file")
    finally:
        connection.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    body, ended = b"", False
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            ended = True
            break
        body, rest = body + rest[:size], rest[size + 2 :]
    return head, body, ended


def test_a_csv_download_cut_by_a_database_error_ends_without_its_last_chunk_and_is_logged(gunicorn):
    head, body, ended = _get("/bao-cao-tong-hop/?format=csv")
    assert head.startswith(b"HTTP/1.1 200") and b"Transfer-Encoding: chunked" in head  # the first bytes had left
    assert "Số văn bản" in body.decode("utf-8-sig")  # the column names were sent before the query ran
    assert not ended  # no terminating chunk: client and proxy know the file was cut, never a short "whole" file
    log = gunicorn.read_text()
    assert "Error handling request" in log and "OperationalError: no such table" in log
