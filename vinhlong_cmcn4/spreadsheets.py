"""Spreadsheet safety for every export of the portal.

A text cell that starts with "=", "+", "-", "@", a tab or a carriage return may run as a
formula when a spreadsheet opens the file (CSV/formula injection). Every exported text
cell goes through :func:`neutralise`, which prefixes such text with an apostrophe;
importers call :func:`restore` to read it back as written.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a text value inert in a spreadsheet; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def xlsx_response(filename: str, title: str, headers: list[str], rows):
    """An Excel download of a list as the page shows it: a title row, bold headers, neutralised text."""
    from django.http import FileResponse
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from .uploads import xlsx_response_file

    def write(output) -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title[:31])
        heading = WriteOnlyCell(sheet, value=neutralise(title))
        heading.font = Font(bold=True, size=13)
        sheet.append([heading])
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([neutralise(str(value)) if isinstance(value, str) or hasattr(value, "__html__") else value for value in row])
        workbook.save(output)

    return FileResponse(xlsx_response_file(write), as_attachment=True, filename=filename)
