"""The Excel download of every list: readable as opened (found by walking the portal, stop 22: no column widths,
no header that stays in view, no filters), and inert (formula injection)."""

import io
import zipfile

import openpyxl
import pytest

from core.spreadsheets import WIDEST, xlsx_response


def _sheet(headers, rows):
    response = xlsx_response("ds.xlsx", "Nhiệm vụ", headers, rows)
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_a_list_opens_with_its_headers_in_view_filters_on_them_and_columns_sized_to_the_content():
    long_title = "Triển khai nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP) kết nối với nền tảng quốc gia NDXP " * 2
    rows = [["1", long_title, "=1+1"], *([str(n), "Ngắn", "Sở Y tế"] for n in range(2, 250))]
    sheet = _sheet(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"], iter(rows))  # a stream, as the lists give it
    assert sheet["A1"].value == "Nhiệm vụ" and [c.value for c in sheet[2]] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:C251"
    assert sheet.max_row == 251 and sheet["B3"].value == long_title and sheet["B251"].value == "Ngắn"
    assert sheet["C3"].value == "=1+1" and sheet["C3"].data_type == "s"  # a text cell as written, never a formula
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] == 8 and widths["B"] == WIDEST and len("Cơ quan chủ trì") < widths["C"] < WIDEST


def test_an_empty_list_still_has_its_title_and_headers():
    sheet = _sheet(["STT", "Nội dung"], iter([]))
    assert [c.value for c in sheet[2]] == ["STT", "Nội dung"] and sheet.auto_filter.ref == "A2:B2"


def test_text_beginning_with_a_formula_sign_is_a_text_cell_shown_as_written():
    sheet = _sheet(["A", "B", "C", "D"], iter([["=1+1", "+84 270", "-Báo cáo", "@ghi chú"]]))
    assert [cell.value for cell in sheet[3]] == ["=1+1", "+84 270", "-Báo cáo", "@ghi chú"]
    assert {cell.data_type for cell in sheet[3]} == {"s"}


def test_a_download_is_sent_while_its_rows_are_read_never_held_whole():
    """Found by benchmarks/downloads.py (issue 29): the leadership list's Excel of 50,000 tasks was built whole
    before its first byte (+507 MB). The first bytes now leave before most rows are even read."""
    total, read = 20_000, []

    def rows():
        for number in range(total):
            read.append(number)
            yield [str(number), f"Nhiệm vụ số {number}", "Sở Y tế"]

    response = xlsx_response("ds.xlsx", "Nhiệm vụ", ["STT", "Nội dung", "Cơ quan"], rows())
    assert response.streaming and not response.has_header("Content-Length")
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK") and len(read) < total // 10  # the zip has begun, the rows mostly unread
    data = first + b"".join(chunks)
    assert len(read) == total
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == total + 2 and sheet["B20002"].value == "Nhiệm vụ số 19999"


def test_a_download_cut_by_a_database_error_raises_and_never_ends_as_a_whole_workbook():
    """The rows' query fails after the first rows were sent: the error reaches the WSGI server (which closes the
    connection without the last chunk and logs it), and no end of the zip is handed out after it, so what the client
    holds is no workbook (the writer closes its archive on the error, but nothing it writes then is sent)."""
    from django.db import OperationalError

    def rows():
        for number in range(20_000):
            yield [str(number), f"Nhiệm vụ số {number}", "Sở Y tế"]
        raise OperationalError("server closed the connection unexpectedly")

    chunks = iter(xlsx_response("ds.xlsx", "Nhiệm vụ", ["STT", "Nội dung", "Cơ quan"], rows()).streaming_content)
    sent = []
    with pytest.raises(OperationalError):
        sent.extend(chunks)
    assert len(sent) >= 3 and len(b"".join(sent)) > 64 * 1024  # the zip's first header, then rows, before the error
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(io.BytesIO(b"".join(sent)))
