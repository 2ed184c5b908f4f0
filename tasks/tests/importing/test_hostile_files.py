"""Broken and hostile files get one clear Vietnamese message, fast, and write nothing."""

import io
import time
import zipfile

import pytest

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.importing.service import annex_import
from tasks.models import Task

from .annexes import build

pytestmark = pytest.mark.django_db
GOOD_ROWS = [
    ["1", "Nhiệm vụ", "Sở Nội vụ", None, "Năm 2018"],
    ["2", "Nhiệm vụ hai", "Sở Nội vụ", None, "Năm 2018"],
    ["3", "Nhiệm vụ ba", "Sở Nội vụ", None, "Năm 2018"],
]


@pytest.fixture
def plan(db):
    agency_registry_load()
    return PlanFactory()


def only_message(plan, upload) -> str:
    started = time.monotonic()
    outcome = annex_import(plan=plan, upload=upload)
    assert time.monotonic() - started < 10
    assert len(outcome.errors) == 1, outcome.errors
    assert not Task.objects.exists()
    return outcome.errors[0].message


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item.filename, source.read(item.filename))
        archive.writestr(name, content)
    return target.getvalue()


def test_a_file_that_is_not_a_spreadsheet(plan):
    assert "không phải tệp Excel .xlsx" in only_message(plan, b"%PDF-1.7 this is a PDF")


def test_an_old_xls_file_is_told_to_save_as_xlsx(plan):
    assert "lưu lại dưới dạng .xlsx" in only_message(plan, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_an_empty_file(plan):
    assert only_message(plan, b"") == "Tệp rỗng."


def test_a_truncated_file(plan):
    data = build(GOOD_ROWS)
    assert "không phải tệp Excel .xlsx" in only_message(plan, data[: len(data) // 2])


def test_a_zip_that_is_not_a_workbook(plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    assert "không phải sổ tính Excel" in only_message(plan, buffer.getvalue())


def test_a_decompression_bomb_is_refused_before_parsing(plan, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = replace_member(build(GOOD_ROWS), "xl/media/image1.bin", b"\0" * (8 * 1024 * 1024))
    assert "bom nén" in only_message(plan, bomb)


def test_an_xml_entity_attack_is_refused(plan):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    attack = replace_member(build(GOOD_ROWS), "xl/worksheets/sheet1.xml", laughs)
    assert "khai báo thực thể XML" in only_message(plan, attack)


def test_a_file_over_the_size_limit(plan, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024
    assert "lớn hơn" in only_message(plan, build(GOOD_ROWS))


def test_a_file_over_the_row_limit(plan, settings):
    settings.IMPORT_MAX_ROWS = 2
    assert "hơn 2 dòng" in only_message(plan, build(GOOD_ROWS))


def test_a_workbook_without_a_task_table(plan):
    assert "Không tìm thấy bảng nhiệm vụ" in only_message(plan, build([], header=["Họ và tên", "Đơn vị"], numbers_row=False))


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ('<c r="A8" t="inlineStr" s="không-phải-số"><is><t>1</t></is></c>', "Không đọc được tệp"),  # a style that is not a number
        ('<c r="ZZZ8" t="inlineStr"><is><t>1</t></is></c>', "Dòng 8 có ô vượt quá cột 200"),  # a column far past the table
        ('<c r="A8" t="inlineStr"><is><t>1</t></is>', "Không đọc được tệp"),  # a cell never closed
    ],
)
def test_a_broken_text_cell_gets_one_message_and_writes_nothing(plan, cell, said):
    header = "".join(
        f'<c r="{col}7" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABCE", ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"], strict=True)
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="7">{header}</row><row r="8">{cell}</row></sheetData></worksheet>'
    )
    message = only_message(plan, replace_member(build(GOOD_ROWS), "xl/worksheets/sheet1.xml", sheet.encode()))
    assert said in message


def test_an_xml_entity_attack_says_what_the_file_does_not_a_damaged_row(plan):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    attack = replace_member(build(GOOD_ROWS), "xl/worksheets/sheet1.xml", laughs)
    outcome = annex_import(plan=plan, upload=attack)
    [error] = outcome.errors
    assert error.row is None  # no row is at fault: the file is
    assert "khai báo thực thể XML" in error.message and "không được chấp nhận" in error.message
    assert "hỏng" not in error.message
