"""The summary's Word document read back against Nghị định 30/2020, Phụ lục I; and its PDF."""

import datetime
import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.periods import parse_period_code
from reports.summaries.official import short_date
from reports.summaries.service import summary_compile, summary_issue

pytestmark = pytest.mark.django_db
H2_2018 = parse_period_code("2018-H2")


def _style(paragraph):
    """Size (a run without one has the Normal style's 14 pt), bold, italic, alignment."""
    run = paragraph.runs[0]
    return run.font.size or Pt(14), bool(run.bold), bool(run.italic), paragraph.alignment


def test_body_dates_are_written_as_office_practice_writes_them():
    assert short_date(datetime.date(2017, 5, 4)) == "04/5/2017"
    assert short_date(datetime.date(2018, 1, 15)) == "15/01/2018"
    assert short_date(datetime.date(2018, 12, 31)) == "31/12/2018"


def test_the_issued_document_follows_the_decrees_layout_part_by_part(filed, leader, settings):
    settings.SUMMARY_SIGNER = "Nguyễn Văn Minh"
    summary = summary_issue(summary=summary_compile(plan=filed.plan, period=H2_2018), number="125", by=leader)
    document = Document(summary.document.open("rb"))
    section = document.sections[0]

    # Page numbers from page 2: a different first page with an empty header, a centred PAGE field after it.
    assert section.different_first_page_header_footer
    assert section.first_page_header.is_linked_to_previous is False and section.first_page_header.paragraphs[0].text == ""
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(node.text for node in number._p.iter(qn("w:instrText")))
    assert [c.get(qn("w:fldCharType")) for c in number._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]

    heading = document.tables[0]
    issuer = heading.cell(0, 0).paragraphs
    assert [p.text for p in issuer[:2]] == ["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"]
    for line in issuer[:2]:  # the issuing body: bold capitals, 13 pt, centred
        assert _style(line) == (Pt(13), True, False, WD_ALIGN_PARAGRAPH.CENTER) and line.text == line.text.upper()
    rule = issuer[2]  # the short line under it
    assert rule.text == "" and rule._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    assert 10 <= 56 - 2 * rule.paragraph_format.left_indent.mm <= 28
    motto = heading.cell(0, 1).paragraphs
    assert _style(motto[0]) == (Pt(12), True, False, WD_ALIGN_PARAGRAPH.CENTER)
    assert motto[1].text == "Độc lập - Tự do - Hạnh phúc" and _style(motto[1]) == (Pt(13), True, False, WD_ALIGN_PARAGRAPH.CENTER)
    assert motto[1].runs[0].underline  # a line exactly as long as the motto
    [number_line] = heading.cell(1, 0).paragraphs
    assert number_line.text == "Số: 125/BC-UBND" and _style(number_line) == (Pt(13), False, False, WD_ALIGN_PARAGRAPH.CENTER)
    [date_line] = heading.cell(1, 1).paragraphs
    assert date_line.text.startswith("Vĩnh Long, ngày ") and _style(date_line) == (Pt(14), False, True, WD_ALIGN_PARAGRAPH.CENTER)

    paragraphs = [p for p in document.paragraphs if p.text]
    kind = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert _style(kind) == (Pt(14), True, False, WD_ALIGN_PARAGRAPH.CENTER)
    title = paragraphs[paragraphs.index(kind) + 1]
    assert title.text.startswith("Kết quả thực hiện Kế hoạch số 28/KH-UBND ngày ") and _style(title)[1]
    assert document.styles["Normal"].font.size == Pt(14) and document.styles["Normal"].font.name == "Times New Roman"
    body = next(p for p in paragraphs if p.text.startswith("Trên cơ sở báo cáo"))
    assert body.alignment is None and document.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert "từ ngày 15/6/2018 đến ngày 14/12/2018" in body.text

    closing = document.tables[1]
    recipients = closing.cell(0, 0).paragraphs
    assert recipients[0].text == "Nơi nhận:" and _style(recipients[0]) == (Pt(12), True, True, WD_ALIGN_PARAGRAPH.LEFT)
    assert all(p.text.startswith("- ") and p.runs[0].font.size == Pt(11) for p in recipients[1:])
    assert all(p.text.endswith(";") for p in recipients[1:-1]) and recipients[-1].text.endswith(".")
    signature = list(closing.cell(0, 1).paragraphs)
    texts = [p.text for p in signature]
    assert texts[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert all(_style(p) == (Pt(14), True, False, WD_ALIGN_PARAGRAPH.CENTER) for p in signature[:3])
    assert texts[-1] == "Nguyễn Văn Minh" and _style(signature[-1]) == (Pt(14), True, False, WD_ALIGN_PARAGRAPH.CENTER)
    assert texts[3:-1] == [""] * (len(texts) - 4) and len(texts) - 4 >= 3  # room for the signature and seal


@pytest.mark.soffice
def test_the_issued_summary_is_rendered_as_a_pdf_and_offered_inline(client, filed, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_compile(plan=filed.plan, period=H2_2018)
    summary.refresh_from_db()
    assert summary.pdf.name.endswith(".pdf")
    content = summary.pdf.open("rb").read()
    assert content.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", summary.pdf.path], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
        assert "Pages:" in info and "595" in info  # A4: 595 × 842 pt
    client.force_login(leader)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Đọc bản PDF" in page
    response = client.get(f"{summary.get_absolute_url()}tai/pdf/")
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("inline")


def test_without_libreoffice_the_summary_page_says_how_to_enable_the_pdf(client, filed, leader):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    assert not summary.pdf
    client.force_login(leader)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "libreoffice-writer-nogui" in page and "SUMMARY_PDF_SOFFICE" in page


def test_the_bodys_plain_lines_written_as_text_are_the_paragraphs_python_docx_elements_make():
    """The body's result lines are written as XML text a run at a time (``_plain_xml``): the same paragraphs as the
    elements ``_plain_text`` builds one by one, tabs, markup and empty lines included."""
    from lxml import etree

    from reports.summaries.document import _plain_text, _plain_xml

    texts = ["", "Sở A: xong", "\tthụt đầu", "cuối\t", "a\t\tb", "x & <y> > z", "  hai khoảng  ", "ệ\tế"]
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    written = etree.fromstring(f'<w:body xmlns:w="{namespace}">{_plain_xml(texts)}</w:body>')
    built = etree.Element(qn("w:body"), nsmap={"w": namespace})
    for text in texts:
        _plain_text(etree.SubElement(built, qn("w:p")), text)
    assert [etree.tostring(p, method="c14n") for p in written] == [etree.tostring(p, method="c14n") for p in built]


def test_the_indicator_rows_are_the_cells_python_docx_writes_one_by_one():
    """Each indicator row is a copy of one row made once (``_indicators``): the same XML as the cells made one by one."""
    import copy

    from docx.table import _Cell
    from lxml import etree

    from reports.summaries.document import _cell_lines, _indicators

    rows = [
        {"code": "CT-01", "name": "Tỷ lệ hồ sơ trực tuyến", "baseline": "5% (2017)", "latest": "12% (14/12/2018)"},
        {"code": "", "name": "Số xã có\tđiểm\nphục vụ", "baseline": "", "latest": "—"},  # no code, an empty cell, a tab and a line break
    ]
    rows = [{**row, "target": "30% (31/12/2020)", "judgement_label": "Đạt", "share": 40.0, "illustrative": False} for row in rows]
    made = Document()
    _indicators(made, copy.deepcopy(rows))
    expected = Document()
    table = expected.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ("Chỉ tiêu", "Giá trị cơ sở", "Kết quả đến kỳ báo cáo", "Mục tiêu", "Đánh giá"), strict=True
    ):
        _cell_lines(cell, [(title, {"bold": True})])
    for row in rows:
        name = f"{row['code']} — {row['name']}" if row["code"] else row["name"]
        cells = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]
        for cell, text in zip(cells, (name, row["baseline"], row["latest"], row["target"], "Đạt (40% lộ trình)"), strict=True):
            _cell_lines(cell, [(text, {})])
    assert etree.tostring(made.tables[0]._tbl, method="c14n") == etree.tostring(table._tbl, method="c14n")
