"""A list's download longer than a screenful of work is written by a job (issue 29): the browser follows its progress
on a page of its own, its owner gets a notice when it is ready and downloads it there; nobody else can."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import ExportJob
from reports.models import Notice

from .test_dashboard import build

pytestmark = pytest.mark.django_db


def test_a_long_list_is_written_by_a_job_followed_on_its_page_and_announced_by_a_notice(
    client, leader, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    plan, _agencies = build(8, agencies=2)
    client.force_login(leader)
    url = reverse("reports:dashboard_tasks")
    with django_capture_on_commit_callbacks(execute=True):  # the job runs eagerly once the request commits
        asked = client.get(url, {"plan": plan.pk, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("core:export_job", args=[job.pk])
    assert job.user == leader and job.total == 8 and job.state == ExportJob.DONE and job.address.endswith("format=xlsx")
    page = client.get(asked["Location"]).content.decode()
    assert reverse("core:export_job_file", args=[job.pk]) in page and "export-progress.js" in page
    assert client.get(reverse("core:export_job_progress", args=[job.pk])).json() == {
        "state": "done",
        "running": False,
        "done": 8,
        "total": 8,
        "done_label": "8",
        "total_label": "8",
    }
    notice = Notice.objects.get(user=leader)
    assert notice.key == f"export-{job.pk}" and notice.url == asked["Location"] and job.filename in notice.text
    assert "Tải về" in client.get(asked["Location"]).content.decode()  # the page speaks Vietnamese
    download = client.get(reverse("core:export_job_file", args=[job.pk]))
    rows = list(load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 8 and rows[1][0] == "Kế hoạch"  # the same file as the list's own download


def test_a_short_list_is_still_sent_at_once(client, leader, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 100
    plan, _agencies = build(8, agencies=2)
    client.force_login(leader)
    response = client.get(reverse("reports:dashboard_tasks"), {"plan": plan.pk, "format": "xlsx"})
    assert response.status_code == 200 and response.streaming and not ExportJob.objects.exists()


def test_another_persons_download_does_not_exist_for_you(client, leader, coordinator, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    plan, _agencies = build(8, agencies=2)
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:dashboard_tasks"), {"plan": plan.pk, "format": "xlsx"})
    job = ExportJob.objects.get()
    client.force_login(coordinator)
    for name in ("core:export_job", "core:export_job_progress", "core:export_job_file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_the_page_of_a_download_moves_its_bar_then_offers_the_file_without_a_reload_by_hand(browser, leader, width):
    from django.core.cache import cache

    from conftest import sign_in
    from core.exports import progress_reporter

    job = ExportJob.objects.create(
        user=leader, address="/dieu-hanh/nhiem-vu/?format=xlsx", title="Nhiệm vụ", filename="danh-sach-nhiem-vu.xlsx", total=50000
    )
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.RUNNING)
    progress_reporter(job)(12000)
    page = sign_in(browser, "leader", width=width)
    page.goto(browser.base_url + reverse("core:export_job", args=[job.pk]))
    from playwright.sync_api import expect

    # The page's Content-Security-Policy forbids evaluated scripts: wait through the locator, not wait_for_function.
    expect(page.locator("#export-progress .progress-bar")).to_have_attribute("style", re.compile(r"width:\s*24%"))
    assert "12.000 / 50.000 dòng đã ghi" in page.locator("#export-progress-count").inner_text()
    page.screenshot(path=f"docs/export-job-running-{width}.png")
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.DONE, file="exports/danh-sach-nhiem-vu.xlsx", finished_at=timezone.now())
    cache.clear()
    page.get_by_role("link", name="Tải về danh-sach-nhiem-vu.xlsx").wait_for()  # the page reloaded itself
    page.screenshot(path=f"docs/export-job-ready-{width}.png")


def test_the_daily_upkeep_deletes_downloads_a_week_old_with_their_files(leader):
    import datetime

    from django.core.files.base import ContentFile

    from reports.upkeep import upkeep_run

    old, recent = (
        ExportJob.objects.create(user=leader, address="/", title="Nhiệm vụ", filename=f"{name}.xlsx", state=ExportJob.DONE)
        for name in ("cu", "moi")
    )
    for job in (old, recent):
        job.file.save(job.filename, ContentFile(b"PK"), save=True)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    storage, old_name = old.file.storage, old.file.name
    assert upkeep_run(today=timezone.localdate())["downloads_removed"] == 1
    assert list(ExportJob.objects.all()) == [recent] and not storage.exists(old_name) and storage.exists(recent.file.name)


def test_the_page_of_a_download_groups_its_row_counts_as_vietnamese_write_them(client, leader):
    # Walk: the page read "50000 rows, asked at …" and "12000 / 50000 rows written"; people write 50.000.
    from core.exports import export_notice_text, progress_reporter

    job = ExportJob.objects.create(
        user=leader, address="/dieu-hanh/nhiem-vu/?format=xlsx", title="Nhiệm vụ", filename="nhiem-vu.xlsx", total=50000
    )
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.RUNNING)
    progress_reporter(job)(12000)
    client.force_login(leader)
    page = client.get(reverse("core:export_job", args=[job.pk])).content.decode()
    assert "50.000 dòng" in page and "12.000 / 50.000 dòng đã ghi" in page and "50000" not in page
    progress = client.get(reverse("core:export_job_progress", args=[job.pk])).json()
    assert progress["done"] == 12000 and progress["done_label"] == "12.000" and progress["total_label"] == "50.000"
    job.state = ExportJob.DONE
    assert "(50.000 dòng)" in export_notice_text(job)


def test_the_page_of_a_download_leads_back_to_its_list_with_its_filters(client, leader):
    # Walk: the download's page had no way back to the list it was asked from.
    job = ExportJob.objects.create(
        user=leader, address="/dieu-hanh/nhiem-vu/?plan=3&status=overdue&format=xlsx", title="Nhiệm vụ", filename="nhiem-vu.xlsx", total=5
    )
    client.force_login(leader)
    page = client.get(reverse("core:export_job", args=[job.pk])).content.decode()
    assert 'href="/dieu-hanh/nhiem-vu/?plan=3&amp;status=overdue">Quay lại danh sách' in page


def test_a_job_writes_the_rows_of_the_whole_address_asked_however_long_its_filters(
    client, leader, settings, django_capture_on_commit_callbacks
):
    """A search typed at length (Vietnamese letters take up to nine characters each in an address) comes before the
    plan chosen: the job writes the rows the page showed, not those of an address cut short."""
    from urllib.parse import urlencode

    from plans.tests.factories import PlanFactory
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    settings.EXPORT_SYNC_MAX_ROWS = 3
    chosen, other = PlanFactory(symbol="28/KH-UBND"), PlanFactory(symbol="125/KH-SKHCN")
    for plan in (chosen, other):
        for n in range(4):
            TaskAssignmentFactory(task=TaskFactory(plan=plan, number=str(n + 1), title="Triển khai chuyển đổi số tỉnh Vĩnh Long"))
    client.force_login(leader)
    url = reverse("reports:dashboard_tasks")
    params = {"q": " ".join(["chuyển đổi số"] * 60), "plan": chosen.pk, "format": "xlsx"}
    assert len(f"{url}?{urlencode(params)}") > 2000
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url, params)
    job = ExportJob.objects.get()
    assert job.total == 4 and job.state == ExportJob.DONE
    download = client.get(reverse("core:export_job_file", args=[job.pk]))
    rows = list(load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 4
