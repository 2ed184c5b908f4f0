"""The streaming .xlsx writer: what openpyxl (and so Excel and LibreOffice) reads back is what was written."""

from openpyxl import load_workbook

from core.xlsx_writer import CellStyle, SheetWriter, column_letter

STYLES = {
    "header": CellStyle(font="Times New Roman", size=12, bold=True, wrap=True, border="999999", horizontal="center"),
    "text": CellStyle(font="Times New Roman", size=12, wrap=True, border="999999"),
}


def test_what_is_written_is_read_back_with_its_styles_widths_and_frozen_header(tmp_path):
    path = tmp_path / "annex.xlsx"
    with SheetWriter(path, "Phụ lục", styles=STYLES, widths=[6, 50], freeze_rows=1) as sheet:
        sheet.append([("STT", "header"), ("Nhiệm vụ", "header")])
        sheet.append([(1, "text"), ('Hạ tầng & <dữ liệu> "mở"\ndòng hai\tcột', "text")])
        sheet.append([(2.5, "text"), (None, "text")])
        sheet.append([(3, "text"), ("", "text")])
    workbook = load_workbook(path)
    rows = workbook.active
    assert rows.title == "Phụ lục" and rows.freeze_panes == "A2"
    assert [list(row) for row in rows.iter_rows(values_only=True)] == [
        ["STT", "Nhiệm vụ"],
        [1, 'Hạ tầng & <dữ liệu> "mở"\ndòng hai\tcột'],
        [2.5, None],
        [3, None],
    ]
    assert rows["A1"].font.bold and rows["A1"].font.name == "Times New Roman" and rows["A1"].alignment.horizontal == "center"
    assert not rows["B2"].font.bold and rows["B2"].alignment.wrap_text and rows["B2"].border.left.style == "thin"
    assert rows.column_dimensions["B"].width == 50


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path):
    path = tmp_path / "annex.xlsx"
    with SheetWriter(path, "Phụ lục", styles=STYLES) as sheet:
        sheet.append([("báo\x00cáo\x1b", "text")])
    assert load_workbook(path).active["A1"].value == "báocáo"


def test_a_failure_while_writing_leaves_no_half_file_behind_for_the_caller_to_read(tmp_path):
    path = tmp_path / "annex.xlsx"
    try:
        with SheetWriter(path, "Phụ lục", styles=STYLES) as sheet:
            sheet.append([("một", "text")])
            raise RuntimeError("the database went away")
    except RuntimeError:
        pass
    import zipfile

    assert "xl/workbook.xml" not in zipfile.ZipFile(path).namelist()


def test_column_letters_go_past_z():
    assert [column_letter(n) for n in (1, 26, 27, 52, 53)] == ["A", "Z", "AA", "AZ", "BA"]


def test_a_date_is_written_as_a_date_cell_shown_day_first(tmp_path):
    import datetime

    path = tmp_path / "dates.xlsx"
    styles = {**STYLES, "date": CellStyle(number_format="dd/mm/yyyy")}
    with SheetWriter(path, "Ngày", styles=styles) as sheet:
        sheet.append([(datetime.date(2018, 6, 30), "date"), (datetime.date(1900, 3, 1), "date"), ("Thường xuyên", "text")])
    cells = load_workbook(path).active["A1":"C1"][0]
    assert [cell.value for cell in cells[:2]] == [datetime.datetime(2018, 6, 30), datetime.datetime(1900, 3, 1)]
    assert cells[0].is_date and cells[0].number_format == "dd/mm/yyyy" and not cells[2].is_date
