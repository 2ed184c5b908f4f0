"""Outgrowing one machine (issue 29): two app servers, as two nodes would run, share one PostgreSQL, one Redis and one
S3-compatible store, with a Celery worker of their own. What one starts the other sees: the session signed in on A
opens pages on B, an annex uploaded on A is imported from the store on B, the import's clearing of the shared figures
shows in A's lists, and a download started as a job on A is followed and fetched on B.

Each node is a separate process (``manage.py runserver --noreload``, ports NODE_PORTS, default 8150 and 8151), on this
test's database; moto's S3 server runs on the third port (default 8152). Skipped, saying why, without PostgreSQL or
Redis (``REQUIRE_SERVICES=1``, CI's second pass, turns the skip into a failure).
"""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
PORTS = [int(port) for port in os.environ.get("NODE_PORTS", "8150,8151,8152").split(",")]
SAMPLE = ROOT / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"
PASSWORD = "Hai-máy-chủ-2026"


def _wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode(errors="replace")[-3000:] if process.stdout and process.poll() is not None else ""
                pytest.fail(f"{what} did not start on port {port}: {output}")
            time.sleep(0.3)


class Node:
    """A browser's view of one server: its own address, the cookies the person carries from node to node."""

    def __init__(self, port: int, cookies: dict):
        import requests

        self.base, self.cookies, self.http = f"http://127.0.0.1:{port}", cookies, requests.Session()

    def _send(self, method: str, path: str, **kwargs):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": self.base + path}
        response = self.http.request(method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kwargs)
        self.http.cookies.clear()  # the cookies travel with the person, not with the node
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return response

    def get(self, path: str, **kwargs):
        return self._send("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self._send("POST", path, data={"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}, **kwargs)


@pytest.fixture
def nodes(transactional_db, django_db_blocker):
    """Two app servers and a Celery worker on this test's database, Redis (REDIS_URL) and moto's S3 server."""
    import boto3
    from django.db import connection

    database = connection.settings_dict
    bucket = f"two-nodes-{uuid.uuid4().hex[:10]}"
    s3_port = PORTS[2]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "DEBUG": "1",  # plain HTTP between the test and the nodes (production runs the same code behind TLS)
        "SECRET_KEY": "two-nodes-test-" + "k" * 40,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "EXPORT_SYNC_MAX_ROWS": "1",  # every download a job, to see one cross from node to node
        "SUMMARY_PDF_SOFFICE": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    processes = []

    def start(command: list[str], port: int | None, what: str) -> None:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
        processes.append(process)
        if port:
            _wait_for_port(port, process, what)

    try:
        start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], s3_port, "moto's S3 server")
        boto3.client(
            "s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket=bucket)
        for port in PORTS[:2]:
            start([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"], port, f"node {port}")
        start(
            [sys.executable, "-m", "celery", "-A", "vinhlong_cmcn4", "worker", "--pool=solo", "--concurrency=1", "-l", "warning"],
            None,
            "worker",
        )
        yield PORTS[:2]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_nodes_share_sessions_uploads_figures_and_jobs(nodes, roles):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from plans.services import agency_registry_load
    from plans.tests.factories import PlanFactory, UserFactory

    agency_registry_load()  # the annex names its agencies by the registry (a transactional test starts without it)
    plan = PlanFactory(symbol="1091/KH-UBND")
    admin = UserFactory(username="admin_hai_may", is_staff=True, is_superuser=True)
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "hai-may-chu", iterations=1000)  # the nodes' own hashers read it
    admin.save(update_fields=["password"])
    cookies: dict = {}
    a, b = (Node(port, cookies) for port in nodes)

    # A session signed in on A is the same person on B.
    a.get("/dang-nhap/")
    signed_in = a.post("/dang-nhap/", {"username": admin.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and "sessionid" in cookies, signed_in.text[:500]
    listing = b.get("/dieu-hanh/nhiem-vu/")
    assert listing.status_code == 200 and "/dang-nhap/" not in listing.headers.get("Location", "")
    before = b.get("/dieu-hanh/nhiem-vu/", params={"plan": plan.pk}).text  # read, and kept in the shared cache
    assert "Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg" not in before

    # An annex uploaded on A (kept in the object store) is imported on B, which reads it from there.
    form = a.get(f"/admin/plans/plan/{plan.pk}/nhap-excel/")
    assert form.status_code == 200
    with SAMPLE.open("rb") as annex:
        uploaded = a.post(f"/admin/plans/plan/{plan.pk}/nhap-excel/", {}, files={"file": (SAMPLE.name, annex)})
    assert uploaded.status_code == 302, uploaded.text[:1000]
    job_page = uploaded.headers["Location"]
    job_id = int(re.search(r"/nhap-excel/(\d+)/", job_page).group(1))
    b.get(job_page)
    confirmed = b.post(f"/admin/plans/plan/{plan.pk}/nhap-excel/{job_id}/xac-nhan/", {})
    assert confirmed.status_code == 302, confirmed.text[:1000]
    # The import ran in B's request (a small annex); it cleared the figures A had kept: A's next read shows the tasks,
    # never after waiting for their expiry.
    assert "Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg" in a.get("/dieu-hanh/nhiem-vu/", params={"plan": plan.pk}).text

    # A download started on A runs as a job (the worker); B follows it and hands out its file, read from the store.
    asked = a.get("/dieu-hanh/nhiem-vu/", params={"plan": plan.pk, "format": "xlsx"})
    assert asked.status_code == 302 and "/tai-ve/" in asked.headers["Location"], asked.status_code
    export_page = asked.headers["Location"]
    deadline = time.monotonic() + 120
    while (progress := b.get(export_page + "tien-do/").json())["running"]:
        assert time.monotonic() < deadline, f"the job never finished: {progress}"
        time.sleep(1)
    assert progress["state"] == "done" and progress["done"] == progress["total"] == 7
    download = b.get(export_page + "tep/")
    assert download.status_code == 200 and download.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(download.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 7 and any("Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg" in str(cell) for row in rows for cell in row)
