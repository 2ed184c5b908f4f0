"""A small streaming .xlsx writer for large sheets: one sheet, a handful of cell styles declared once,
rows written straight into the zip as XML text.

openpyxl builds an object for every cell and looks its style up each time (about 50 µs a cell
here); a summary annex of 50,000 tasks has half a million cells. This writer keeps only the row
being written, so time and memory stay flat. Text is written as inline strings: text cells, so
a text beginning with "=" is never evaluated and needs no apostrophe (``core.spreadsheets``).
"""

import datetime
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0 at all
_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FLUSH_ROWS = 500
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its leap-day bug makes 30/12, not 31/12)


@dataclass(frozen=True)
class CellStyle:
    font: str = "Calibri"
    size: float = 11
    bold: bool = False
    wrap: bool = False
    border: str = ""  # colour of a thin border on every side, e.g. "999999"; none when empty
    horizontal: str = "left"
    vertical: str = "top"
    number_format: str = ""  # e.g. "dd/mm/yyyy" for a date cell; the General format when empty


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class SheetWriter:
    """Write one sheet row by row::

    with SheetWriter(path, "Phụ lục", styles={"text": CellStyle(...)}, widths=[6, 50], freeze_rows=4) as sheet:
        sheet.append([("STT", "text"), (1, "text")])
    """

    def __init__(
        self,
        path: "Path | BinaryIO | Pipe",
        title: str,
        *,
        styles: dict[str, CellStyle],
        widths: list[float] = (),
        freeze_rows: int = 0,
        filter_row: int = 0,
    ):
        """``path``: a file name, or a binary file to write to, even one that cannot seek (a download being sent:
        :class:`Pipe`). ``widths`` may be set until the first row is added. ``filter_row``: the row of headers
        that gets Excel's filter buttons (over every column of that row, down to the last row)."""
        self.path, self.title, self.widths, self.freeze_rows, self.filter_row = path, title, list(widths), freeze_rows, filter_row
        self.filter_columns = 0
        self._head_written = False
        self.style_ids = {name: index + 1 for index, name in enumerate(styles)}  # 0 is the default style
        self.styles = list(styles.values())
        self.row_number = 0
        self._pending: list[str] = []
        self._openings: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # a row's styles → its cells' openings

    def __enter__(self):
        # Level 1: the sheet's repetitive XML compresses nearly as well as at 5, in half the time.
        self.archive = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.stream = self.archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        return self

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self._flush()
                self.stream.write(f"</sheetData>{self._autofilter()}</worksheet>".encode())
            self.stream.close()
            if kind is None:
                self._package()
        finally:
            self.archive.close()
        return False

    def append(self, cells: list[tuple[object, str]]) -> None:
        """Add a row of (value, style name) pairs: text, whole or decimal numbers, dates, or None.

        A date is written as Excel's day number (days since 30/12/1899): give it a style with a ``number_format``."""
        self.append_values([value for value, _style in cells], tuple(style for _value, style in cells))

    def append_values(self, values: Sequence[object], styles: tuple[str, ...]) -> None:
        """:meth:`append` with the values and their styles apart: a sheet whose rows share their styles gives the
        same tuple each time (a summary's annex: 50,000 rows of ten cells)."""
        if not self._head_written:
            self._pending.append(self._sheet_head())
            self._head_written = True
        self.row_number += 1
        if self.row_number == self.filter_row:
            self.filter_columns = len(values)
        # Each cell's opening is "<c r=" + its column + the row + its style: the column's and the style's parts are
        # made once per column and style.
        openings = self._openings.get(styles)
        if openings is None:
            openings = self._openings[styles] = [self._opening(index, style) for index, style in enumerate(styles)]
        row = str(self.row_number)
        parts = [f'<row r="{row}">']
        add = parts.append
        for (column, styled), value in zip(openings, values, strict=True):
            kind = value.__class__
            if kind is str:
                if not value:
                    add(f"{column}{row}{styled}/>")
                    continue
                if _NEEDS_CARE.search(value):
                    value = escape(_NOT_XML.sub("", value))
                add(f'{column}{row}{styled} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
            elif kind is int or kind is float:
                add(f"{column}{row}{styled}><v>{value}</v></c>")
            elif value is None:
                add(f"{column}{row}{styled}/>")
            elif isinstance(value, bool):
                add(f'{column}{row}{styled} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                add(f"{column}{row}{styled}><v>{value}</v></c>")
            elif isinstance(value, datetime.datetime):  # a moment without time zone: the day number and the fraction of the day
                fraction = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
                add(f"{column}{row}{styled}><v>{(value.date() - _EXCEL_EPOCH).days + round(fraction, 8)}</v></c>")
            elif isinstance(value, datetime.date):
                add(f"{column}{row}{styled}><v>{(value - _EXCEL_EPOCH).days}</v></c>")
            elif value == "":  # a str subclass, empty
                add(f"{column}{row}{styled}/>")
            else:
                add(f'{column}{row}{styled} t="inlineStr"><is><t xml:space="preserve">{escape(_NOT_XML.sub("", str(value)))}</t></is></c>')
        add("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    def _opening(self, index: int, style: str) -> tuple[str, str]:
        return f'<c r="{column_letter(index + 1)}', f'" s="{self.style_ids[style]}"'

    def _flush(self) -> None:
        if not self._head_written:
            self._pending.insert(0, self._sheet_head())
            self._head_written = True
        if self._pending:
            self.stream.write("".join(self._pending).encode())
            self._pending.clear()

    def _filter_range(self) -> str:
        return f"A{self.filter_row}:{column_letter(self.filter_columns)}{max(self.row_number, self.filter_row)}"

    def _autofilter(self) -> str:
        return f'<autoFilter ref="{self._filter_range()}"/>' if self.filter_row and self.filter_columns else ""

    def _sheet_head(self) -> str:
        pane = ""
        if self.freeze_rows:
            top = f"A{self.freeze_rows + 1}"
            pane = f'<pane ySplit="{self.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
        columns = "".join(
            f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>' for index, width in enumerate(self.widths, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{columns}</cols>" if columns else "")
            + "<sheetData>"
        )

    def _styles_xml(self) -> str:
        fonts = ['<font><sz val="11"/><name val="Calibri"/></font>']
        borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
        formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        number_formats = {
            code: 164 + index for index, code in enumerate(dict.fromkeys(st.number_format for st in self.styles if st.number_format))
        }
        for style in self.styles:
            fonts.append(f'<font>{"<b/>" if style.bold else ""}<sz val="{style.size}"/><name val={quoteattr(style.font)}/></font>')
            border_id = 0
            if style.border:
                side = f'style="thin"><color rgb="FF{style.border}"/>'
                borders.append(
                    f"<border><left {side}</left><right {side}</right><top {side}</top><bottom {side}</bottom><diagonal/></border>"
                )
                border_id = len(borders) - 1
            wrap = ' wrapText="1"' if style.wrap else ""
            number = number_formats.get(style.number_format, 0)
            applied = ' applyNumberFormat="1"' if number else ""
            formats.append(
                f'<xf numFmtId="{number}" fontId="{len(fonts) - 1}" fillId="0" borderId="{border_id}" xfId="0" applyFont="1" '
                f'applyBorder="1" applyAlignment="1"{applied}><alignment horizontal="{style.horizontal}" vertical="{style.vertical}"{wrap}/></xf>'
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
            + (
                f'<numFmts count="{len(number_formats)}">'
                + "".join(f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>" for code, i in number_formats.items())
                + "</numFmts>"
                if number_formats
                else ""
            )
            + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        )

    def _filter_name(self) -> str:
        """The name Excel gives a sheet's filtered range (it reads the filter without it, but writes it itself)."""
        if not self._autofilter():
            return ""
        sheet = self.title[:31].replace("'", "''")
        first, last = (re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", corner) for corner in self._filter_range().split(":"))
        reference = escape(f"'{sheet}'!{first}:{last}")
        return (
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{reference}</definedName></definedNames>'
        )

    def _package(self) -> None:
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}.worksheet+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
                f'<sheet name={quoteattr(self.title[:31])} sheetId="1" r:id="rId1"/></sheets>{self._filter_name()}</workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{PACKAGE}">'
                f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
            ),
        }
        for name, xml in parts.items():
            self.archive.writestr(name, head + xml)
        self.archive.writestr("xl/styles.xml", self._styles_xml())


class Pipe:
    """A binary file that cannot seek, whose written bytes are taken out as they come (:meth:`take`): a zip written
    into it can be sent while it is written (``zipfile`` then puts each entry's sizes after its data)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data
