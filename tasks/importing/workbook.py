"""openpyxl's read-only workbook, adapted to reading an annex: unsized sheets and plain text read fast.

Two changes to openpyxl 3.1's read-only reader (its internals are pinned in requirements.txt):

- A sheet takes no size from the file: the ``<dimension>`` it records is neither trusted (absent,
  or a claim of ``A1:XFD1048576``) nor looked for (without one, openpyxl parses the whole sheet
  once more to find that out); rows come as long as the cells really in them.
- Text cells and shared strings are read as plain text straight from the XML element, the text
  openpyxl's ``Text(…).content`` gives (the ``<t>`` and the runs' ``<r><t>``, never the phonetic
  guide ``<rPh>``), without building a formatted-text object per cell: a third of the time of
  reading a 10,000-task annex went there.

XML is still parsed by openpyxl's ``iterparse`` (defusedxml's when installed, which it is).
"""

import io

from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.reader.excel import ExcelReader
from openpyxl.reader.strings import read_rich_text
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN_TEXT = f"{{{SHEET_MAIN_NS}}}r/{_TEXT}"
_STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"


def plain_text(element) -> str:
    """The text of a ``<si>`` or ``<is>`` element as openpyxl's ``Text.from_tree(element).content`` gives it."""
    plain = element.findtext(_TEXT)
    runs = [run.text for run in element.iterfind(_RUN_TEXT) if run.text is not None]
    if not runs:
        return plain or ""
    return "".join([plain, *runs] if plain is not None else runs)


class TooManyStrings(Exception):
    """The shared-string table holds more texts, or more characters, than an annex may (``limit`` says which)."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"more than {limit} {what}")
        self.what, self.limit = what, limit


def shared_strings(source, *, max_strings: int | None = None, max_chars: int | None = None) -> list[str]:
    """openpyxl's ``read_string_table`` (the same texts), without a formatted-text object per string.

    Stops with :class:`TooManyStrings` as soon as the table passes ``max_strings`` texts or ``max_chars``
    characters: a small file can unpack to millions of distinct strings, and each costs memory.
    """
    strings = []
    chars = 0
    for _event, node in iterparse(source):
        if node.tag == _STRING_ITEM:
            text = plain_text(node).replace("x005F_", "")
            node.clear()
            chars += len(text)
            strings.append(text)
            if max_strings is not None and len(strings) > max_strings:
                raise TooManyStrings("strings", max_strings)
            if max_chars is not None and chars > max_chars:
                raise TooManyStrings("characters", max_chars)
    return strings


class _SheetParser(WorkSheetParser):
    def parse_cell(self, element):
        """``WorkSheetParser.parse_cell``; an inline string's text read by :func:`plain_text`."""
        if element.get("t") != "inlineStr" or self.rich_text:
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        child = element.find(INLINE_STRING)
        value, data_type = (None, "inlineStr") if child is None else (plain_text(child), "s")
        return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": int(element.get("s", 0))}


class _UnsizedSheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """Neither trust nor look for ``<dimension>``."""

    def _cells_by_row(self, min_col, min_row, max_col, max_row, values_only=False):
        """``ReadOnlyWorksheet._cells_by_row`` with :class:`_SheetParser` (rows missing from the file come empty)."""
        empty_row = () if max_col is None else ((None if values_only else EMPTY_CELL),) * (max_col + 1 - min_col)
        counter = min_row
        with self._get_source() as source:
            parser = _SheetParser(
                source,
                self._shared_strings,
                data_only=self.parent.data_only,
                epoch=self.parent.epoch,
                date_formats=self.parent._date_formats,
                timedelta_formats=self.parent._timedelta_formats,
            )
            for index, row in parser.parse():
                if max_row is not None and index > max_row:
                    break
                for _missing in range(counter, index):
                    counter += 1
                    yield empty_row
                if counter <= index:
                    counter += 1
                    yield self._get_row(row, min_col, max_col, values_only)


class _AnnexReader(ExcelReader):
    max_strings: int | None = None
    max_chars: int | None = None

    def read_strings(self) -> None:  # ExcelReader.read_strings with the plain-text table, capped
        part = self.package.find("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = (
                    read_rich_text(source)
                    if self.rich_text
                    else shared_strings(source, max_strings=self.max_strings, max_chars=self.max_chars)
                )

    def read_worksheets(self) -> None:  # ExcelReader.read_worksheets, read-only branch
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def load_workbook(data: bytes, *, max_strings: int | None = None, max_chars: int | None = None):
    """A read-only, values-only workbook of ``data`` (an .xlsx already checked by ``reader.check_container``).

    Raises :class:`TooManyStrings` when its shared-string table passes ``max_strings`` or ``max_chars``.
    """
    reader = _AnnexReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.max_strings, reader.max_chars = max_strings, max_chars
    reader.read()
    return reader.wb
