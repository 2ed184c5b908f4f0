"""Annex files the tests build themselves, in the styles offices really use."""

import io

from openpyxl import Workbook

TITLE_ROWS = [
    ["ỦY BAN NHÂN DÂN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["TỈNH VĨNH LONG", None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["PHỤ LỤC"],
    ["DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 28/KH-UBND NGÀY 23/8/2017"],
    [],
]
HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"]
NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]


def build(rows, *, header=HEADER, title_rows=TITLE_ROWS, numbers_row=True, sheets_before=0, merge_sections=True) -> bytes:
    workbook = Workbook()
    first = workbook.active
    for index in range(sheets_before):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = f"Hướng dẫn {index + 1}"
        sheet.append(["Hướng dẫn điền phụ lục"])
    sheet = workbook.create_sheet("Phụ lục") if sheets_before else first
    if not sheets_before:
        sheet.title = "Phụ lục"
    for row in title_rows:
        sheet.append(row)
    sheet.append(header)
    if numbers_row:
        sheet.append(NUMBERS[: len(header)])
    for row in rows:
        sheet.append(row)
        if merge_sections and len(row) == 2 and row[1]:
            sheet.merge_cells(start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=len(header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def first_data_row(*, title_rows=TITLE_ROWS, numbers_row=True) -> int:
    return len(title_rows) + 1 + (1 if numbers_row else 0) + 1
