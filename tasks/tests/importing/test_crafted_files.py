"""Crafted annexes: limits are measured while the file streams, never taken from what it claims about itself."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.choices import ImportState
from tasks.importing.import_jobs import import_job_create, import_jobs_expire, needs_background
from tasks.importing.reader import open_annex
from tasks.importing.service import annex_import
from tasks.models import ImportJob

from .annexes import build
from .test_hostile_files import replace_member

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"


def rows(count: int) -> list[list]:
    return [[str(n), f"Nhiệm vụ số {n}", "Sở Nội vụ", None, "Năm 2018"] for n in range(1, count + 1)]


def with_dimension(data: bytes, ref: str | None) -> bytes:
    """The same workbook with its sheet's <dimension> claiming ``ref``, or with none at all."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode()
    xml = re.sub(r"<dimension [^>]*/>", f'<dimension ref="{ref}"/>' if ref else "", xml)
    return replace_member(data, SHEET, xml.encode())


@pytest.fixture
def plan(db):
    agency_registry_load()
    return PlanFactory(symbol="28/KH-UBND")


def test_a_file_without_a_dimension_is_counted_and_sent_to_the_background(plan, sysadmin, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 10
    data = with_dimension(build(rows(40)), None)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    job = import_job_create(plan=plan, upload=io.BytesIO(data), by=sysadmin)
    assert job.background and job.state == ImportState.PREVIEWING  # queued, not checked in the request


def test_a_small_file_without_a_dimension_is_still_checked_at_once(plan, sysadmin):
    job = import_job_create(plan=plan, upload=io.BytesIO(with_dimension(build(rows(3)), None)), by=sysadmin)
    assert not job.background and job.state == ImportState.PREVIEWED


def test_a_claim_of_a1_to_xfd1048576_neither_pads_the_rows_nor_sends_a_small_file_away(plan):
    data = with_dimension(build(rows(3)), "A1:XFD1048576")
    sheet = open_annex(data)
    try:
        widths = {len(sheet.header), *(len(values) for _number, values in sheet.rows)}
    finally:
        sheet.close()
    assert max(widths) <= 7  # as many cells as the rows hold, not 16,384
    assert not needs_background(data)
    outcome = annex_import(plan=plan, upload=data, dry_run=True)
    assert outcome.ok and outcome.tasks == 3


def test_a_sheet_without_a_dimension_is_parsed_once_not_first_scanned_for_its_size(plan, monkeypatch):
    from openpyxl.worksheet._reader import WorkSheetParser

    def scanned(self):
        raise AssertionError("the whole sheet was parsed to look for its <dimension>")

    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", scanned)
    outcome = annex_import(plan=plan, upload=with_dimension(build(rows(3)), None), dry_run=True)
    assert outcome.ok and outcome.tasks == 3


def test_a_row_with_cells_beyond_the_column_limit_is_refused_naming_the_row(plan, settings):
    from openpyxl import load_workbook

    settings.IMPORT_MAX_COLUMNS = 50
    workbook = load_workbook(io.BytesIO(build(rows(3))))
    workbook.active.cell(row=10, column=300, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = annex_import(plan=plan, upload=buffer.getvalue(), dry_run=True)
    assert [error.message for error in outcome.errors] == ["Dòng 10 có ô vượt quá cột 50: hãy xoá các cột sau bảng rồi lưu lại phụ lục."]


def test_huge_shared_strings_go_to_the_background_without_being_parsed_in_the_request(plan, settings, monkeypatch):
    from tasks.importing import reader

    settings.IMPORT_SYNC_MAX_BYTES = 1024 * 1024
    strings = "".join(f"<si><t>Chuỗi {n} {n * 7919 % 10007}</t></si>" for n in range(60_000))
    xml = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="60000" uniqueCount="60000">{strings}</sst>'
    data = replace_member(build(rows(3)), "xl/sharedStrings.xml", xml.encode())
    assert len(data) < 1024 * 1024 < len(xml)

    def parsed(*args, **kwargs):
        raise AssertionError("the workbook was parsed inside the request")

    monkeypatch.setattr(reader, "load_workbook", parsed)
    assert needs_background(data)


def test_a_genuine_19000_row_annex_is_imported_by_the_job_not_the_request(plan, settings):
    data = build(rows(19_000), merge_sections=False)
    assert needs_background(with_dimension(data, None)) and needs_background(with_dimension(data, "A1:G20"))


def _job(plan, user, state, since) -> ImportJob:
    job = ImportJob(plan=plan, uploaded_by=user, original_name="phu-luc.xlsx", state=state, state_since=since)
    job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job


def test_a_job_stuck_checking_or_importing_ends_failed_with_a_message(plan, sysadmin, settings):
    settings.IMPORT_JOB_TIMEOUT_SECONDS = 30 * 60
    now = timezone.now()
    stuck = _job(plan, sysadmin, ImportState.PREVIEWING, now - datetime.timedelta(hours=2))
    importing = _job(plan, sysadmin, ImportState.IMPORTING, now - datetime.timedelta(minutes=31))
    running = _job(plan, sysadmin, ImportState.IMPORTING, now - datetime.timedelta(minutes=5))
    assert import_jobs_expire(now=now) == 2
    for job in (stuck, importing):
        job.refresh_from_db()
        assert job.state == ImportState.FAILED and "sau 30 phút" in job.error
    running.refresh_from_db()
    assert running.state == ImportState.IMPORTING


def test_a_job_past_its_time_limit_fails_with_a_vietnamese_message(plan, sysadmin):
    from celery.exceptions import SoftTimeLimitExceeded

    from tasks.jobs import _fail

    job = _job(plan, sysadmin, ImportState.PREVIEWING, timezone.now())
    _fail(job.pk, SoftTimeLimitExceeded())
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and "quá lâu" in job.error


def test_an_annex_of_two_and_a_half_million_distinct_shared_strings_is_refused_naming_the_limit_with_little_memory(plan):
    import tracemalloc

    from tasks.importing.errors import AnnexRejected

    strings = b"".join(b"<si><t>%x</t></si>" % (n * 2654435761 % 2**32) for n in range(2_500_000))
    xml = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    data = replace_member(build(rows(3)), "xl/sharedStrings.xml", xml)
    types = (
        zipfile.ZipFile(io.BytesIO(data))
        .read("[Content_Types].xml")
        .replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    data = replace_member(data, "[Content_Types].xml", types)
    assert len(data) < 16 * 1024 * 1024
    del strings, xml
    tracemalloc.start()
    try:
        with pytest.raises(AnnexRejected) as refused:
            open_annex(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [error.message for error in refused.value.errors] == [
        "Tệp có hơn 200.000 đoạn văn bản khác nhau: phụ lục nhiệm vụ không bao giờ cần nhiều như vậy. Tệp không được đọc."
    ]
    assert peak < 64 * 1024 * 1024  # the table was given up at the limit, not read whole (547 MiB before)
