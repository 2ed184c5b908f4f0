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


def xlsx_table(response) -> tuple[list[str], list[list]]:
    """The headers and rows of an Excel export (a title row, then the headers)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    return list(rows[1]), [list(row) for row in rows[2:]]


def assert_export_is_what_the_page_shows(client, url: str, params: dict, *, keys=("number",)) -> int:
    """Same headers in the same order, same rows in the same order (compared on ``keys``); returns the row count."""
    response = client.get(url, params)
    assert response.status_code == 200
    headers, rows = page_table(response)
    export_headers, export_rows = xlsx_table(client.get(url, {**params, "format": "xlsx"}))
    assert export_headers == headers
    order = list(rows[0]) if rows else []
    for key in keys:
        shown = [row[key] for row in rows]
        exported = [str(row[order.index(key)] if row[order.index(key)] is not None else "") for row in export_rows]
        assert exported == shown, key
    assert len(export_rows) == len(rows)
    return len(rows)
