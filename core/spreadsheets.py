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


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value) -> tuple[object, str]:
    """An exported value and its cell style: text as text (never a formula, ``core.xlsx_writer``), a date or a
    moment as a date cell shown day first."""
    if value is None or isinstance(value, bool | int | float):
        return value, "cell"
    if isinstance(value, datetime.datetime):
        return value, "moment"
    if isinstance(value, datetime.date):
        return value, "date"
    return str(value), "cell"


def xlsx_chunks(title: str, headers: list[str], rows, *, heading: str = "", progress=None):
    """The bytes of a list's Excel file, handed out while it is written: a title row (``heading``, else the title),
    bold headers with filters that stay in view as the reader scrolls, columns sized to their first ``SIZED_BY`` rows.

    Only the row being written is held (``core.xlsx_writer``): memory stays flat whatever the length, and the first
    bytes leave before the rows are read. ``progress(rows_written)`` is called every few hundred rows (a job's bar).
    """
    import itertools

    from .xlsx_writer import CellStyle, Pipe, SheetWriter

    styles = {
        "title": CellStyle(size=13, bold=True),
        "header": CellStyle(bold=True),
        "cell": CellStyle(),
        "date": CellStyle(number_format=DATE_FORMAT),
        "moment": CellStyle(number_format=MOMENT_FORMAT),
    }
    pipe = Pipe()
    with SheetWriter(pipe, title[:31], styles=styles, freeze_rows=2, filter_row=2 if headers else 0) as sheet:
        yield pipe.take()  # the zip's first header: the download starts before the first row is read
        rest = iter(rows)
        first = list(itertools.islice(rest, SIZED_BY))
        sheet.widths = column_widths(headers, first)
        sheet.append([(heading or title, "title")])
        sheet.append([(str(header), "header") for header in headers])
        for written, row in enumerate(itertools.chain(first, rest), start=1):
            sheet.append([_cell(value) for value in row])
            if written % 500 == 0:
                if progress:
                    progress(written)
                if chunk := pipe.take():
                    yield chunk
    yield pipe.take()


def xlsx_response(filename: str, title: str, headers: list[str], rows, *, heading: str = "", progress=None):
    """An Excel download of a list as the page shows it (:func:`xlsx_chunks`), streamed: no length, built as it is sent."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(xlsx_chunks(title, headers, rows, heading=heading, progress=progress), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str) -> str:
    """``attachment; filename=…`` as Django's FileResponse writes it (an ASCII name as is, any other also encoded)."""
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename) or ""
