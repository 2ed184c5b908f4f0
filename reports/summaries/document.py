"""The summary as a Word document in the administrative format of Nghị định 30/2020/NĐ-CP.

Phụ lục I of the decree, part by part:

- A4; Times New Roman; margins top and bottom 20 mm, left 30 mm, right 15 mm; body 14 pt,
  justified, first line indented 10 mm, 6 pt between paragraphs.
- Page numbers from page 2, centred in the header (a PAGE field, 14 pt); none on page 1.
- Top left: the issuing body's name in bold capitals (13 pt; a parent body, if any, above it in
  plain capitals), a short line under it, then "Số: 125/BC-UBND" (13 pt).
- Top right: quốc hiệu (12 pt bold capitals), tiêu ngữ (13 pt bold, a line of its own length
  under it), then the place and date (14 pt italic).
- The kind "BÁO CÁO" and the summary line (14 pt bold, centred), a short line under them.
- The body: an opening paragraph, then the five parts people write (Tình hình triển khai; Kết quả
  đạt được; Tồn tại, hạn chế và nguyên nhân; Nhiệm vụ, giải pháp thời gian tới; Đề xuất, kiến nghị),
  pre-filled from the data; dates in it as office practice writes them ("ngày 04/5/2017").
- Bottom left "Nơi nhận:" (12 pt bold italic) and its list (11 pt); bottom right the authority
  line (TM./KT.), the position and, after room for the signature, the signer's name (14 pt bold).

Built from the snapshot and the sections' text alone, so the same pair always gives the same document.
"""

import copy
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from core.formatting import percent_text
from plans.selectors import recipients_on

from ..choices import SummarySectionKey
from .official import date_line, number_line, roman, short_date
from .prose import Block, in_sentence, iter_blocks

FONT = "Times New Roman"
BODY_PT = 14
BODY_AFTER_PT = 6
TEXT_WIDTH_MM = 165  # A4 less the margins
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_P, _R, _BR, _TAB, _T, _SPACE = (qn(tag) for tag in ("w:p", "w:r", "w:br", "w:tab", "w:t", "xml:space"))


def _run(paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False, underline: bool = False):
    """A run in the document's face; only what differs from the Normal style is written on it,
    which keeps a summary of thousands of paragraphs quick to build and small."""
    run = paragraph.add_run(text)
    if size != BODY_PT:
        run.font.size = Pt(size)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    return run


def _plain_text(paragraph_element, text: str) -> None:
    """A run in the body's own style, built directly: what ``add_run(text)`` makes (lines break at
    newlines, tabs stay tabs) at a fraction of its cost, for the thousands of result lines."""
    run = SubElement(paragraph_element, _R)
    for index, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if index:
            SubElement(run, _BR)
        for position, piece in enumerate(line.split("\t")):
            if position:
                SubElement(run, _TAB)
            if piece:
                element = SubElement(run, _T, {_SPACE: "preserve"})
                element.text = piece


def _paragraph(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, after: float = 6, **style):
    if isinstance(container, DocxDocument):
        # Appended in front of the closing section properties, the body's last child (python-docx
        # looks that element up from the first child for every paragraph, which grows with the document).
        body = container.element.body
        element = body.makeelement(_P)  # a CT_P, as OxmlElement("w:p") makes, without reading the tag's prefix each time
        body[-1].addprevious(element)
        if text and not style and align == WD_ALIGN_PARAGRAPH.JUSTIFY and indent and after == BODY_AFTER_PT:
            _plain_text(element, text)  # the Normal style says everything: no paragraph or run properties
            return Paragraph(element, container._body)
        paragraph = Paragraph(element, container._body)
    else:
        paragraph = container.add_paragraph()
    # The Normal style carries the body's layout (justified, first-line indent, 6 pt after);
    # only a paragraph that differs says so.
    if align != WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.alignment = align
    if after != BODY_AFTER_PT:
        paragraph.paragraph_format.space_after = Pt(after)
    if not indent or align != WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.paragraph_format.first_line_indent = Mm(0)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _cell_lines(cell, lines: list[tuple[str, dict]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    for text, style in lines:
        _paragraph(cell, text, align=align, indent=False, after=0, **style)


def _widths(table, widths) -> None:
    """Fixed column widths that Word and LibreOffice both keep."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    layout = normal.paragraph_format
    layout.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout.first_line_indent = Mm(10)
    layout.space_before, layout.space_after = Pt(0), Pt(BODY_AFTER_PT)
    fonts = normal.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)  # Vietnamese text keeps the same face in every Word
    _page_numbers(section)


def _page_numbers(section) -> None:
    """The page number centred in the header from page 2 on; page 1 has an empty header of its own."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Mm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text  # shown until the reader updates the field; Word and LibreOffice do at once


def _rule(container, width_mm: float, *, within_mm: float, after: float = 0) -> None:
    """A centred horizontal line ``width_mm`` long: an empty, indented paragraph's bottom border."""
    paragraph = _paragraph(container, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=after)
    side = Mm(max(within_mm - width_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    properties = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    properties.append(border)
    mark = OxmlElement("w:rPr")  # a small paragraph mark, so the line sits close under the text
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "8")
    mark.append(size)
    properties.append(mark)


def summary_document(summary, texts: dict[str, str]) -> bytes:
    """The .docx of a summary (issued or draft) from its snapshot and the text of its sections."""
    data = summary.snapshot
    issued_on = timezone.localdate(summary.issued_at or summary.compiled_at or timezone.now())
    document = Document()
    _setup(document)
    heading_block(document, number=summary.number, suffix=settings.SUMMARY_NUMBER_SUFFIX, day=issued_on)
    _title(document, summary, data)
    runs: list[list[str]] = []
    _body(document, data, texts, runs)
    _closing(document, issued_on)
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_runs(buffer, runs)


# The body's plain paragraphs (tens of thousands in a province's annual summary: a line per result) are not built
# as python-docx objects: a placeholder paragraph stands for each run of them and is replaced by their XML text when
# the file is written. The objects cost most of the document's time and ~70 MB at 50,000 tasks (benchmarks/summary.py).
_MARK = "\u2063summary-run-{}\u2063"  # an invisible separator no typed text holds


def _plain_xml(texts: list[str]) -> str:
    """Body paragraphs in the Normal style (justified, indented), one a text (a line: no line break in it):
    ``_plain_text``'s elements, as text. Made for all ``texts`` at once, each step one pass over them joined."""
    if not texts:
        return ""
    xml = escape(_NOT_XML.sub("", "\n".join(texts))).replace("\t", _TAB_XML).replace("\n", _NEXT_XML)
    return f"{_OPEN_XML}{xml}{_CLOSE_XML}".replace(_EMPTY_XML, "")  # a tab at either end of a piece: no empty text element


_OPEN_XML, _CLOSE_XML = '<w:p><w:r><w:t xml:space="preserve">', "</w:t></w:r></w:p>"
_TAB_XML, _NEXT_XML, _EMPTY_XML = '</w:t><w:tab/><w:t xml:space="preserve">', _CLOSE_XML + _OPEN_XML, '<w:t xml:space="preserve"></w:t>'


def _with_runs(buffer: io.BytesIO, runs: list[list[str]]) -> bytes:
    """The saved document with each placeholder paragraph replaced by its run of plain paragraphs."""
    if not runs:
        return buffer.getvalue()
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename != "word/document.xml":
                target.writestr(item, data)
                continue
            xml, position = data.decode(), 0
            with target.open(item.filename, "w") as stream:  # written a run at a time, never joined whole
                for index, texts in enumerate(runs):
                    mark = xml.index(_MARK.format(index), position)
                    start, end = xml.rindex("<w:p>", position, mark), xml.index("</w:p>", mark) + len("</w:p>")
                    stream.write(xml[position:start].encode())
                    for at in range(0, len(texts), 500):
                        stream.write(_plain_xml(texts[at : at + 500]).encode())
                    position = end
                stream.write(xml[position:].encode())
    return out.getvalue()


def heading_block(document, *, number: str, suffix: str, day: datetime.date) -> None:
    """The Nghị định 30/2020 heading of the issuer's documents (a summary, a letter chasing agencies): issuer and
    national title side by side, then "Số: …/<suffix>" and the place and date."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, (Mm(60), Mm(105)))
    left = table.cell(0, 0)
    _cell_lines(
        left,
        [(line, {"size": 13}) for line in settings.SUMMARY_PARENT_LINES]
        + [(line, {"size": 13, "bold": True}) for line in settings.SUMMARY_ISSUER_LINES],
    )
    _rule(left, 20, within_mm=56)
    _cell_lines(
        table.cell(0, 1),
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"size": 12, "bold": True}),
            ("Độc lập - Tự do - Hạnh phúc", {"size": 13, "bold": True, "underline": True}),
        ],
    )
    _cell_lines(table.cell(1, 0), [(number_line(number, suffix), {"size": 13})])
    _cell_lines(table.cell(1, 1), [(date_line(settings.SUMMARY_PLACE, day), {"size": 14, "italic": True})])


def title_lines(data: dict) -> list[str]:
    """The summary line under "BÁO CÁO": which plan, and the period."""
    plan = data["plan"]
    issued = datetime.date.fromisoformat(plan["issued_on"])
    return [
        f"Kết quả thực hiện Kế hoạch số {plan['symbol']} ngày {short_date(issued)} của {plan['issuer']}",
        f"({data['period']['label']})",
    ]


def _title(document, summary, data: dict) -> None:
    _paragraph(document, "", after=0)
    if not summary.is_frozen:
        _paragraph(document, "DỰ THẢO", align=WD_ALIGN_PARAGRAPH.CENTER, after=0, size=12, bold=True, italic=True)
    _paragraph(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, after=0, bold=True)
    for line in title_lines(data):
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, bold=True)
    _rule(document, 50, within_mm=TEXT_WIDTH_MM, after=12)


def body_blocks(data: dict, texts: dict[str, str]) -> list[Block]:
    """The body of the document, part by part: the opening paragraph, then the five sections people write
    (``texts``, by ``SummarySectionKey``), then the pointer to the annex. The .docx and the page's
    preview are both made from these blocks, so they say the same."""
    return list(_body_blocks(data, texts))


def _body_blocks(data: dict, texts: dict[str, str]) -> Iterator[Block]:
    """:func:`body_blocks` one at a time: the document is written as they come (a province's results run to
    tens of thousands of lines)."""
    period = data["period"]
    first, last = datetime.date.fromisoformat(period["first_day"]), datetime.date.fromisoformat(period["last_day"])
    yield Block(
        "p",
        f"Trên cơ sở báo cáo của các cơ quan, đơn vị (số liệu tính từ ngày {short_date(first)} đến ngày {short_date(last)}), "
        f"{settings.SUMMARY_ISSUER_NAME} báo cáo kết quả thực hiện "
        f"Kế hoạch số {data['plan']['symbol']} {in_sentence(period)} như sau:",
    )
    for index, key in enumerate(SummarySectionKey, start=1):
        yield Block("heading", f"{roman(index)}. {key.label.upper()}")
        yield from iter_blocks(texts.get(key.value, ""))
    yield Block("note", "Kết quả thực hiện từng nhiệm vụ tại Phụ lục kèm theo báo cáo này.")


def _body(document, data: dict, texts: dict[str, str], runs: list[list[str]]) -> None:
    """The body's blocks; its plain paragraphs and dash lines gathered in ``runs`` (:func:`_with_runs`)."""

    def plain(text: str) -> None:
        if not (runs and runs[-1] and last_was_plain):
            runs.append([])
            _paragraph(document, _MARK.format(len(runs) - 1))
        runs[-1].append(text)

    last_was_plain = False
    for block in _body_blocks(data, texts):
        if block.kind == "heading":
            _paragraph(document, block.text, bold=True, after=6)
        elif block.kind == "li":
            plain(f"- {block.text}")
        elif block.kind == "note":
            _indicators(document, data.get("indicators") or [])  # snapshots before indicators have none
            _paragraph(document, block.text, italic=True)
        else:
            plain(block.text)
        last_was_plain = block.kind in ("li", "p")


def _indicators(document, rows: list[dict]) -> None:
    """Kết quả thực hiện các chỉ tiêu: the table frozen in the snapshot, before the note on the annex."""
    if not rows:
        return
    _paragraph(document, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", bold=True, after=6)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ("Chỉ tiêu", "Giá trị cơ sở", "Kết quả đến kỳ báo cáo", "Mục tiêu", "Đánh giá"), strict=True
    ):
        _cell_lines(cell, [(title, {"bold": True})])
    # Every row is a copy of one made once, with its texts put in: python-docx's cell and paragraph properties,
    # set cell by cell, took most of the document's time for a province's few hundred indicators.
    template = table.add_row()._tr
    for tc in template.tc_lst:
        _cell_lines(_Cell(tc, table), [("-", {})])
    template.getparent().remove(template)
    for row in rows:
        name = f"{row['code']} — {row['name']}" if row["code"] else row["name"]
        judgement = row["judgement_label"] + (f" ({percent_text(row['share'])} lộ trình)" if row["share"] is not None else "")
        row_element = copy.deepcopy(template)
        for tc, text in zip(row_element.tc_lst, (name, row["baseline"], row["latest"], row["target"], judgement), strict=True):
            (run,) = tc.iterchildren(_P).__next__().iterchildren(_R)
            if text:
                run.text = text  # as ``add_run(text)`` writes it
            else:
                run.getparent().remove(run)  # an empty cell has no run (``_paragraph``)
        table._tbl.append(row_element)
    if any(row["illustrative"] for row in rows):
        _paragraph(document, "Ghi chú: số liệu minh họa, không phải số liệu thống kê đã công bố.", italic=True)
    _paragraph(document, "")


def _closing(document, day: datetime.date) -> None:
    _paragraph(document, "", after=6)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (Mm(80), Mm(85)))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_lines(
        left,
        [("Nơi nhận:", {"size": 12, "bold": True, "italic": True})]
        + [(f"- {line}", {"size": 11}) for line in recipients_on(settings.SUMMARY_RECIPIENTS, day=day)],
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _cell_lines(
        right,
        [(line, {"size": 14, "bold": True}) for line in settings.SUMMARY_SIGNATURE_LINES]
        + [("", {}), ("", {}), ("", {}), ("", {}), (settings.SUMMARY_SIGNER, {"size": 14, "bold": True})],
    )
