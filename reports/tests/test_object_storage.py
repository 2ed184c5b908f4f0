"""Evidence, summaries and import files in an S3-compatible object store, over HTTP, through django-storages.

The test starts moto's S3 server as a separate process (port S3_TEST_PORT, default 5150) and points the
default storage at it: the portal's own code (uploads, downloads through its views, summaries, imports,
backups) runs unchanged with boto3 underneath. Downloads must stream through the portal's access checks:
no page ever carries a bucket address.
"""

import os
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.services import agency_registry_load
from reports.models import Attachment
from reports.periods import parse_period_code
from reports.services import reporting_period_get_or_create
from reports.summaries.service import summary_compile
from reports.tests.helpers import report_accept
from tasks.choices import ImportState
from tasks.models import ImportJob
from tasks.tests.importing.annexes import build
from vinhlong_cmcn4.backup import backup_create, storage_names

from .conftest import report_data

pytestmark = pytest.mark.django_db
PORT = int(os.environ.get("S3_TEST_PORT", "5150"))
ENDPOINT = f"http://127.0.0.1:{PORT}"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in a process of its own, for this module's tests."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"moto's S3 server did not start on port {PORT}")
            time.sleep(0.2)
    yield ENDPOINT
    process.terminate()
    process.wait(timeout=10)


def _client():
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def bucket(s3_server, settings):
    """An empty bucket of this test's own, made the default storage the way settings.py does for STORAGE_BACKEND=s3."""
    name = f"cmcn4-{uuid.uuid4().hex[:12]}"
    _client().create_bucket(Bucket=name)
    options = {
        "bucket_name": name,
        "endpoint_url": s3_server,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}
    settings.STORAGE_BACKEND = "s3"
    return name


def objects(bucket: str) -> dict[str, bytes]:
    client = _client()
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_evidence_goes_to_the_bucket_and_is_downloaded_only_through_the_portal(client, world, officer_a, officer_b, bucket):
    client.force_login(officer_a)
    client.post(
        reverse("reports:report_edit", args=[world.task.pk, world.period_code]),
        {**report_data(), "attachments": [SimpleUploadedFile("Minh chứng.pdf", PDF)]},
    )
    attachment = Attachment.objects.get()
    assert objects(bucket) == {attachment.file.name: PDF}
    page = client.get(reverse("reports:report_detail", args=[attachment.report_id])).content.decode()
    assert bucket not in page and ENDPOINT not in page and "X-Amz" not in page  # never a bucket address
    url = reverse("reports:attachment", args=[attachment.report_id, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_a_summarys_document_and_annex_are_written_to_and_served_from_the_bucket(
    client, world, agency_a, officer_a, head_a, coordinator, leader, bucket, django_capture_on_commit_callbacks
):
    period = parse_period_code("2018-H2")
    row = reporting_period_get_or_create(period=period)
    report_accept(task=world.task, agency=agency_a, period=row, officer=officer_a, head=head_a, coordinator=coordinator)
    summary = summary_compile(plan=world.plan, period=period)
    stored = objects(bucket)
    assert set(stored) == {summary.document.name, summary.annex.name}
    client.force_login(leader)
    response = client.get(reverse("reports:summary_download", args=[summary.pk, "docx"]))
    assert b"".join(response.streaming_content) == stored[summary.document.name]
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_compile(plan=world.plan, period=period)  # compiling again replaces both files
    assert set(objects(bucket)) == {summary.document.name, summary.annex.name}


def test_an_uploaded_annex_is_kept_in_the_bucket_and_read_back_for_its_preview(client, sysadmin, world, bucket):
    agency_registry_load()
    client.force_login(sysadmin)
    content = build([["I", "TUYÊN TRUYỀN"], ["1", "Tuyên truyền Chỉ thị 16", "Sở TT&TT", "Báo Vĩnh Long", "Thường xuyên"]])
    client.post(reverse("admin:plans_plan_import_annex", args=[world.plan.pk]), {"file": SimpleUploadedFile("phu-luc.xlsx", content)})
    job = ImportJob.objects.get()
    assert job.state == ImportState.PREVIEWED, job.result
    assert objects(bucket) == {job.file.name: content}


def test_a_backup_reads_every_object_of_the_bucket(bucket, tmp_path):
    default_storage.save("attachments/1/abc", SimpleUploadedFile("x", PDF))
    default_storage.save("summaries/2/bao-cao.docx", SimpleUploadedFile("y", b"PK docx"))
    assert list(storage_names(default_storage)) == ["attachments/1/abc", "summaries/2/bao-cao.docx"]
    manifest = backup_create(output=tmp_path / "backup.tar")
    assert {entry["name"]: entry["bytes"] for entry in manifest["files"]} == {"attachments/1/abc": len(PDF), "summaries/2/bao-cao.docx": 7}
