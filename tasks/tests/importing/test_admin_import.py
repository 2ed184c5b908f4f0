import pytest
from django.urls import reverse

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.choices import ImportState
from tasks.models import ImportJob, Task

from .annexes import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    agency_registry_load()
    return PlanFactory(symbol="28/KH-UBND")


def upload(client, plan, content: bytes, name="phu-luc.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("admin:plans_plan_import_annex", args=[plan.pk]), {"file": SimpleUploadedFile(name, content)})


def test_upload_previews_then_confirm_imports(client, sysadmin, plan):
    client.force_login(sysadmin)
    response = upload(
        client, plan, build([["I", "TUYÊN TRUYỀN"], ["1", "Tuyên truyền Chỉ thị 16", "Sở TT&TT", "Báo Vĩnh Long", "Thường xuyên"]])
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("admin:plans_plan_import_job", args=[plan.pk, job.pk])
    assert job.state == ImportState.PREVIEWED and not job.background
    assert not Task.objects.exists()  # nothing before confirmation
    assert job.file.name.endswith(".xlsx") and "phu-luc" not in job.file.name  # renamed on storage
    page = client.get(response.url).content.decode()
    assert "Tuyên truyền Chỉ thị 16" in page and "Xác nhận nhập" in page
    client.post(reverse("admin:plans_plan_import_confirm", args=[plan.pk, job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.result["created"] == 1
    assert plan.tasks.get().title == "Tuyên truyền Chỉ thị 16"
    # a second click on the confirm button imports nothing twice
    response = client.post(reverse("admin:plans_plan_import_confirm", args=[plan.pk, job.pk]), follow=True)
    assert "không ở trạng thái chờ xác nhận" in response.content.decode()
    assert Task.objects.count() == 1


def test_a_bad_file_shows_every_error_and_cannot_be_confirmed(client, sysadmin, plan):
    client.force_login(sysadmin)
    upload(client, plan, build([["1", "Nhiệm vụ", "Sở Không Có", None, "Quý V/2018"]]))
    job = ImportJob.objects.get()
    assert job.state == ImportState.REJECTED
    page = client.get(reverse("admin:plans_plan_import_job", args=[plan.pk, job.pk])).content.decode()
    assert "Sở Không Có" in page and "Quý V/2018" in page and "Xác nhận nhập" not in page
    client.post(reverse("admin:plans_plan_import_confirm", args=[plan.pk, job.pk]))
    assert not Task.objects.exists()


def test_a_large_file_runs_in_the_background_and_reports_progress(client, sysadmin, plan, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    rows = [[str(n), f"Nhiệm vụ số {n}", "Sở Nội vụ", None, "Năm 2018"] for n in range(1, 21)]
    client.force_login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once the upload is committed
        upload(client, plan, build(rows))
    job = ImportJob.objects.get()
    assert job.background and job.state == ImportState.PREVIEWED  # the eager worker already ran
    with django_capture_on_commit_callbacks(execute=True):  # the import is queued with the confirmation
        client.post(reverse("admin:plans_plan_import_confirm", args=[plan.pk, job.pk]))
    progress = client.get(reverse("admin:plans_plan_import_progress", args=[plan.pk, job.pk])).json()
    assert progress == {"state": "done", "running": False, "stage": "write", "done": 20, "total": 20}
    assert plan.tasks.count() == 20


def test_an_unreadable_upload_is_refused_on_the_form(client, sysadmin, plan):
    client.force_login(sysadmin)
    response = upload(client, plan, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="cu.xls")
    job = ImportJob.objects.get()
    assert job.state == ImportState.REJECTED
    assert ".xls" in client.get(response.url).content.decode()


def test_template_and_export_download_as_excel(client, sysadmin, plan):
    client.force_login(sysadmin)
    template = client.get(reverse("admin:plans_plan_annex_template"))
    assert template["Content-Disposition"].startswith("attachment")
    export = client.get(reverse("admin:plans_plan_export_annex", args=[plan.pk]))
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_coordinators_cannot_import_into_a_plan(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_plan_import_annex", args=[plan.pk]))
    assert response.status_code == 403


def test_an_annex_larger_than_the_upload_limit_is_called_too_large_with_the_limit_not_missing(client, sysadmin, plan, settings):
    from django.template.defaultfilters import filesizeformat

    settings.UPLOAD_MAX_BYTES, settings.IMPORT_MAX_FILE_BYTES = 64 * 1024, 32 * 1024
    client.force_login(sysadmin)
    page = upload(client, plan, b"PK\x03\x04" + b"0" * (200 * 1024), name="phu-luc-lon.xlsx").content.decode()
    assert "phu-luc-lon.xlsx lớn hơn" in page and filesizeformat(32 * 1024) in page
    assert "Trường này là bắt buộc" not in page
    assert not ImportJob.objects.exists()


def test_the_api_calls_an_annex_over_the_upload_limit_too_large(client, sysadmin, plan, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.authtoken.models import Token

    settings.UPLOAD_MAX_BYTES, settings.IMPORT_MAX_FILE_BYTES = 64 * 1024, 32 * 1024
    token = Token.objects.create(user=sysadmin)
    response = client.post(
        "/api/v1/imports/",
        {"plan": plan.pk, "file": SimpleUploadedFile("phu-luc-lon.xlsx", b"0" * (200 * 1024))},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 400
    assert "lớn hơn" in response.json()["error"]["fields"]["file"][0]
