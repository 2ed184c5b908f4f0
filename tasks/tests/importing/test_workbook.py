"""The annex reader's workbook reads the same values as openpyxl's own read-only workbook, faster."""

import io
import zipfile

import pytest
from defusedxml import ElementTree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont, Text

from tasks.importing.workbook import load_workbook as load_annex_workbook
from tasks.importing.workbook import plain_text

from .annexes import build
from .test_hostile_files import replace_member

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    "inner",
    [
        "<t>Sở Nội vụ</t>",
        '<t xml:space="preserve">  có khoảng trắng  </t>',
        "<t/>",
        "",
        "<r><t>Sở </t></r><r><rPr><b/></rPr><t>Tài chính</t></r>",
        "<t>Đầu </t><r><t>và runs</t></r>",
        "<r><t>Tokyo</t></r><rPh sb='0' eb='1'><t>トウキョウ</t></rPh><phoneticPr fontId='1'/>",
        "<r><rPr><i/></rPr></r><r><t>chỉ run thứ hai</t></r>",
    ],
)
def test_plain_text_is_what_openpyxl_reads_as_the_cell_content(inner):
    element = ElementTree.fromstring(f'<si xmlns="{MAIN}">{inner}</si>')
    assert plain_text(element) == Text.from_tree(element).content


def values(workbook) -> list[list]:
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            row = list(row)
            while row and row[-1] is None:  # the annex reader's rows are as long as their cells
                row.pop()
            rows.append(row)
    return rows


def shared_strings_of(data: bytes, strings: list[str]) -> bytes:
    """The same workbook with a shared-strings part, as Excel writes one (rich runs and phonetic guides included)."""
    items = "".join(f"<si>{item}</si>" for item in strings)
    xml = f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    override = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    data = replace_member(data, "[Content_Types].xml", types.replace("</Types>", override + "</Types>").encode())
    return replace_member(data, "xl/sharedStrings.xml", xml.encode())


def test_an_annex_with_rich_text_numbers_and_dates_reads_as_openpyxl_reads_it():
    import datetime

    data = build([["I", "Nhóm nhiệm vụ"], [1, "Nhiệm vụ", "Sở Nội vụ", None, datetime.date(2018, 6, 30), 2.5, True]])
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["H20"] = CellRichText("Ghi ", TextBlock(InlineFont(b=True), "chú đậm"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    stock = values(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    assert values(load_annex_workbook(data)) == stock
    assert [value for row in stock for value in row if value == "Ghi chú đậm"] == ["Ghi chú đậm"]


def test_shared_strings_with_runs_and_phonetic_guides_read_as_openpyxl_reads_them():
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row><row r="3"><c r="B3" t="s"><v>3</v></c></row></sheetData></worksheet>'
    )
    data = replace_member(build([]), "xl/worksheets/sheet1.xml", sheet.encode())
    data = shared_strings_of(
        data,
        [
            "<t>STT</t>",
            "<r><t>Cơ quan </t></r><r><rPr><b/></rPr><t>chủ trì</t></r>",
            "<r><t>東京</t></r><rPh sb='0' eb='2'><t>トウキョウ</t></rPh>",
            "<t>x005F_x000D_ giữ</t>",
        ],
    )
    stock = values(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    assert values(load_annex_workbook(data)) == stock == [["STT", "Cơ quan chủ trì", "東京"], [], [None, "x000D_ giữ"]]


def test_a_big_annex_reads_as_openpyxl_reads_it():
    data = build([[n, f"Nhiệm vụ số {n}", "Sở Nội vụ", "Sở Tài chính; Sở Y tế", "Năm 2018", "Báo cáo", ""] for n in range(1, 2001)])
    assert values(load_annex_workbook(data)) == values(load_workbook(io.BytesIO(data), read_only=True, data_only=True))


def test_an_empty_workbook_is_read():
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert values(load_annex_workbook(buffer.getvalue())) == []
