"""Read a list page's table and its Excel export, to check the export is what the page shows."""

import html
import re
from io import BytesIO

from openpyxl import load_workbook


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_table(response) -> tuple[list[str], list[dict[str, str]]]:
    """The headers of the page's list table and its rows, each a dict of column key to the text shown."""
    page = response.content.decode()
    table = re.search(r'<table class="[^"]*list-table.*?</table>', page, flags=re.S).group(0)
    columns = re.findall(r'<th scope="col" class="[^"]*" data-column="([^"]+)">(.*?)</th>', table, flags=re.S)
    body = table.split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r'<td class="[^"]*" data-label="[^"]*">(.*?)</td>', row, flags=re.S)
        if cells:
            rows.append({key: text(cell) for (key, _), cell in zip(columns, cells, strict=True)})
    return [text(header) for _, header in columns], rows


SHOWN = {"dd/mm/yyyy": "%d/%m/%Y", "hh:mm dd/mm/yyyy": "%H:%M %d/%m/%Y"}  # Excel's date formats → how they read


def shown(cell):
    """A cell as Excel shows it: a date cell (it must be one of the portal's day-first formats) as its text."""
    if cell.is_date and cell.value is not None:
        assert cell.number_format in SHOWN, (cell.coordinate, cell.number_format)
        return cell.value.strftime(SHOWN[cell.number_format])
    return cell.value


def xlsx_table(response) -> tuple[list[str], list[list]]:
    """The headers and rows of an Excel export (a title row, then the headers), each cell as Excel shows it."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(BytesIO(content)).active.iter_rows())
    return [cell.value for cell in rows[1]], [[shown(cell) for cell in row] for row in rows[2:]]


def assert_export_is_what_the_page_shows(
    client, url: str, params: dict, *, keys=("number",), folded: dict | None = None, spec=None, beyond: tuple = ()
) -> int:
    """Same headers in the same order, same rows in the same order (compared on ``keys``); returns the row count.

    ``folded``: columns the page writes inside another column's cell rather than in their own
    (``{"timeframe": "title"}``), exported in their own column; ``spec`` is then the export's columns.
    The export's headers are the page's with the folded ones in their places, and each folded value
    is shown in its host cell, after the host's own text. ``beyond``: columns only the export has (the agencies
    as the plan named them, which each task's own page writes), at the end of ``spec``.
    """
    folded = folded or {}
    response = client.get(url, params)
    assert response.status_code == 200
    headers, rows = page_table(response)
    export_headers, export_rows = xlsx_table(client.get(url, {**params, "format": "xlsx"}))
    if folded:
        export_keys = [column.key for column in spec]
        assert export_headers == [str(column.header) for column in spec]
        assert [h for h, key in zip(export_headers, export_keys, strict=True) if key not in folded and key not in beyond] == headers
        assert export_keys[len(export_keys) - len(beyond) :] == list(beyond)
    else:
        assert export_headers == headers
        export_keys = list(rows[0]) if rows else []
    hosts = set(folded.values())
    for key in keys:
        shown = [row[key] for row in rows]
        exported = [str(row[export_keys.index(key)] if row[export_keys.index(key)] is not None else "") for row in export_rows]
        if key in hosts:
            assert all(cell.startswith(value) for cell, value in zip(shown, exported, strict=True)), key
        else:
            assert exported == shown, key
    for key, host in folded.items():
        for row, exported in zip(rows, export_rows, strict=True):
            value = exported[export_keys.index(key)]
            assert not value or text(str(value)) in row[host], (key, value, row[host])
    assert len(export_rows) == len(rows)
    return len(rows)
