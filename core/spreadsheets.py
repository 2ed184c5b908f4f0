"""Spreadsheet safety for every export of the portal.

A text cell that starts with "=", "+", "-", "@", a tab or a carriage return may run as a
formula when a spreadsheet opens the file (CSV/formula injection). In an .xlsx file a cell
says what it holds: such text is written as a text cell (:func:`text_cell`; the streaming
writer of ``core.xlsx_writer`` writes every text as one), which no spreadsheet
evaluates, and users read it exactly as written. Only where a file has no cell types (CSV,
the admin's import-export files) does :func:`neutralise` prefix it with an apostrophe;
importers call :func:`restore` to read such text back as written.
"""

import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a text value inert in a spreadsheet; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_like(value) -> bool:
    """Whether a spreadsheet would take this value for a formula if it were not typed as text."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet, value):
    """``value`` for a write-only openpyxl ``sheet``: formula-like text as a cell typed text (no apostrophe shown)."""
    if not formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl took it for a formula; written as an inline string, never evaluated
    return cell


def restore(value):
    """Undo :func:`neutralise` on a value read back from an exported file."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_resource(resource_class):
    """A django-import-export Resource whose exported text cells are neutralised."""

    class SafeResource(resource_class):
        def export_field(self, field, instance, **kwargs):
            return neutralise(super().export_field(field, instance, **kwargs))

        class Meta:
            abstract = True

    return SafeResource


SIZED_BY = 100  # rows read to size the columns before the sheet is written (it is streamed)
WIDEST = 60  # characters: a wider column would push the others off the screen; longer text runs under its neighbour


def column_widths(headers: list[str], rows: list[list]) -> list[int]:
    """Each column as wide as its header or its longest value among ``rows``, between 8 and ``WIDEST`` characters."""
    widths = [len(str(header)) for header in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            if isinstance(value, datetime.date):  # shown "31/12/2018" or "14:05 31/12/2018"
                widths[index] = max(widths[index], 16 if isinstance(value, datetime.datetime) else 10)
                continue
            widths[index] = max(widths[index], max((len(line) for line in str(value).splitlines()), default=0) if value is not None else 0)
    return [min(WIDEST, max(8, width + 2)) for width in widths]


DATE_FORMAT, MOMENT_FORMAT = "dd/mm/yyyy", "hh:mm dd/mm/yyyy"  # Excel's codes for the portal's day-first dates


def cell_of(sheet, value):
    """An exported value as Excel should hold it: text as text (a formula-like text typed so, :func:`text_cell`), a date or
    a moment as a date cell shown day first."""
    if isinstance(value, str) or hasattr(value, "__html__"):
        return text_cell(sheet, str(value))
    if isinstance(value, datetime.date):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MOMENT_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
        return cell
    return value


def xlsx_response(filename: str, title: str, headers: list[str], rows, *, heading: str = ""):
    """An Excel download of a list as the page shows it: a title row (``heading``, else the title), bold headers with filters that stay in view
    as the reader scrolls, columns sized to their content, text typed as text (never run as a formula)."""
    import itertools

    from django.http import FileResponse
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .uploads import xlsx_response_file

    def write(output) -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title[:31])

        def cells(row) -> list:
            return [cell_of(sheet, value) for value in row]

        rest = iter(rows)
        first = list(itertools.islice(rest, SIZED_BY))
        for index, width in enumerate(column_widths(headers, first), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"  # the title and the headers stay in view
        first_line = WriteOnlyCell(sheet, value=heading or title)
        first_line.data_type = "s"  # text, whatever it starts with
        first_line.font = Font(bold=True, size=13)
        sheet.append([first_line])
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.data_type = "s"
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        written = 2
        for row in map(cells, itertools.chain(first, rest)):
            sheet.append(row)
            written += 1
        if headers:
            sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{written}"
        workbook.save(output)

    return FileResponse(xlsx_response_file(write), as_attachment=True, filename=filename)
