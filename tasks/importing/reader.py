"""Opening an annex safely: size limits, decompression bombs, old .xls files, broken zips.

openpyxl parses the XML with defusedxml when it is installed (it is a requirement), which
stops entity-expansion attacks; the zip is checked before openpyxl sees it.

Nothing a file says about itself is trusted: the ``<dimension>`` a sheet records is dropped
(``workbook.load_workbook``), so rows come as long as the cells really in them, and rows and
columns are counted while they stream (``IMPORT_MAX_COLUMNS``; rows in ``service``).

Not adopted: python-calamine reads an annex five times faster, but it builds the whole sheet as
one dense grid first, and a crafted sheet with one cell in A1 and one in XFD1048576 makes it ask
for 512 GB and abort the process (measured with python-calamine 0.9.1), a worker killed by an upload.
"""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import AnnexRejected, RowError
from .headers import HEADER_SEARCH_ROWS, looks_like_header
from .workbook import TooManyStrings, load_workbook

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (and other OLE files)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _entities_refused() -> str:
    return _(
        "The file declares XML entities (a way to make a small file swell to gigabytes when it is read), which is not accepted: "
        "save the annex again from Excel as .xlsx."
    )


def _reject(message: str) -> AnnexRejected:
    return AnnexRejected([RowError(None, "", "", message)])


@dataclass
class AnnexSheet:
    """The sheet that holds the task table, with its header row located."""

    name: str
    header_row: int  # Excel row number (1-based)
    header: list
    title_lines: list[str]
    rows: Iterator[tuple[int, list]]  # (Excel row number, cell values) after the header
    workbook: object

    def close(self) -> None:
        self.workbook.close()


def read_bytes(upload) -> bytes:
    """Read an uploaded file or path into memory, refusing files over the size limit."""
    max_bytes = _limit("IMPORT_MAX_FILE_BYTES", 10 * 1024 * 1024)
    if isinstance(upload, bytes):
        data = upload
    elif hasattr(upload, "read"):
        data = upload.read(max_bytes + 1)
    else:
        with open(upload, "rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _reject(
            _("The file is larger than %(limit)d MB: split the annex or ask the administrator.") % {"limit": max_bytes // (1024 * 1024)}
        )
    return data


def uncompressed_size(data: bytes) -> int:
    """The size the workbook's parts expand to, from the zip's directory (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return 0


def check_container(data: bytes) -> None:
    """Refuse anything that is not a sound, reasonably sized .xlsx zip, before parsing it."""
    if not data:
        raise _reject(_("The file is empty."))
    if data.startswith(OLE_SIGNATURE):
        raise _reject(
            _("This is an old Excel 97–2003 (.xls) file: open it in Excel and save it as .xlsx (Excel Workbook), then import again.")
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _reject(_("This is not an Excel .xlsx file (or it is truncated): save the annex as .xlsx and try again."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise _reject(_("This zip file is not an Excel workbook: save the annex as .xlsx and try again."))
            total = sum(member.file_size for member in members)
            largest_ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    except zipfile.BadZipFile:
        raise _reject(_("The file is damaged or truncated: save the annex again as .xlsx.")) from None
    # Damaged members (bad CRCs) surface while openpyxl reads them, as "Excel cannot read this file".
    max_uncompressed = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
    if total > max_uncompressed or largest_ratio > 400:
        raise _reject(_("The workbook expands to more data than allowed (possibly a “zip bomb”): it was not opened."))


def open_annex(data: bytes) -> AnnexSheet:
    """Open the workbook read-only and find the sheet and row of the task table's header."""
    check_container(data)
    try:
        workbook = load_workbook(
            data,
            max_strings=_limit("IMPORT_MAX_SHARED_STRINGS", 200_000),
            max_chars=_limit("IMPORT_MAX_SHARED_STRING_CHARS", 40_000_000),
        )
    except TooManyStrings as error:
        message = (
            _("The workbook holds more than %(limit)s different texts: an annex of tasks never needs that many. It was not read.")
            if error.what == "strings"
            else _(
                "The workbook's texts are longer than %(limit)s characters in all: an annex of tasks never needs that much. It was not read."
            )
        )
        raise _reject(message % {"limit": f"{error.limit:,}".replace(",", ".")}) from None
    except DefusedXmlException:
        raise _reject(_entities_refused()) from None
    except Exception:  # openpyxl raises many kinds for broken parts; the user needs one message
        raise _reject(_("Excel cannot read this file: it may be damaged. Open it in Excel, save it as .xlsx and try again.")) from None
    for sheet in workbook.worksheets:
        rows = _numbered(sheet.iter_rows(values_only=True), 1)
        title_lines: list[str] = []
        for number, values in rows:
            if number > HEADER_SEARCH_ROWS:
                break
            if looks_like_header(values):
                return AnnexSheet(sheet.title, number, values, title_lines, rows, workbook)
            title_lines.extend(str(value).strip() for value in values if value not in (None, "") and str(value).strip())
    workbook.close()
    raise _reject(
        _(
            "No task table found: the first %(rows)d rows of every sheet have no header row with “STT”, “Nội dung nhiệm vụ”, “Cơ quan chủ trì”, “Thời gian thực hiện”."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def _numbered(rows, start: int) -> Iterator[tuple[int, list]]:
    """Number the rows; a sheet that breaks while it is read (bad XML, entity attacks) rejects the file."""
    number = start
    max_columns = _limit("IMPORT_MAX_COLUMNS", 200)
    try:
        for values in rows:
            if len(values) > max_columns:
                break
            yield number, list(values)
            number += 1
        else:
            return
    except DefusedXmlException:  # what the file does, not a row at fault
        raise _reject(_entities_refused()) from None
    except Exception:  # openpyxl's many errors: the user needs one message
        raise AnnexRejected(
            [
                RowError(
                    number, "", "", _("Excel cannot read this file: it may be damaged. Open it in Excel, save it as .xlsx and try again.")
                )
            ]
        ) from None
    raise AnnexRejected(
        [
            RowError(
                number,
                "",
                "",
                _("Row %(row)d has cells beyond column %(limit)d: delete the columns after the table and save the annex again.")
                % {"row": number, "limit": max_columns},
            )
        ]
    )
