"""Column headers as offices write them, and how the header row is found."""

import re

from django.utils.translation import gettext as _

from core.text import search_key

NUMBER, TITLE, LEAD, COOPERATING, TIMEFRAME, PRODUCT, NOTE, STATUS, PROGRESS = (
    "number",
    "title",
    "lead",
    "cooperating",
    "timeframe",
    "product",
    "note",
    "status",
    "progress",
)

# Header text (as search keys) → column. The export adds status and progress, which import ignores.
SYNONYMS: dict[str, str] = {
    "stt": NUMBER,
    "tt": NUMBER,
    "so tt": NUMBER,
    "so thu tu": NUMBER,
    "noi dung": TITLE,
    "nhiem vu": TITLE,
    "noi dung nhiem vu": TITLE,
    "noi dung cong viec": TITLE,
    "ten nhiem vu": TITLE,
    "co quan chu tri": LEAD,
    "don vi chu tri": LEAD,
    "chu tri": LEAD,
    "co quan phoi hop": COOPERATING,
    "don vi phoi hop": COOPERATING,
    "phoi hop": COOPERATING,
    "thoi gian thuc hien": TIMEFRAME,
    "thoi gian hoan thanh": TIMEFRAME,
    "thoi han hoan thanh": TIMEFRAME,
    "thoi han": TIMEFRAME,
    "thoi gian": TIMEFRAME,
    "san pham": PRODUCT,
    "ket qua": PRODUCT,
    "ket qua/san pham": PRODUCT,
    "san pham/ket qua": PRODUCT,
    "ket qua, san pham": PRODUCT,
    "ghi chu": NOTE,
    "tinh trang": STATUS,
    "tien do (%)": PROGRESS,
    "tien do": PROGRESS,
}
REQUIRED = (NUMBER, TITLE, LEAD, TIMEFRAME)
HEADER_SEARCH_ROWS = 20
_COLUMN_NUMBER = re.compile(r"^\(?\d+\)?$")


def header_key(value: object) -> str:
    return " ".join(search_key(value).replace(":", "").split())


def column_of(value: object) -> str | None:
    """The column a header cell names, or None."""
    return SYNONYMS.get(header_key(value))


def looks_like_header(cells: list) -> bool:
    """A row is the header when it names the content column and at least two others."""
    columns = {column_of(cell) for cell in cells if cell not in (None, "")}
    return TITLE in columns and len(columns - {None}) >= 3


def is_column_number_row(cells: list) -> bool:
    """The "(1) (2) (3) …" row under the header."""
    filled = [str(cell).strip() for cell in cells if cell not in (None, "")]
    return len(filled) >= 2 and all(_COLUMN_NUMBER.match(value) for value in filled)


def map_columns(cells: list) -> tuple[dict[str, int], list[tuple[int, str, str]]]:
    """Map columns to cell indexes; return the mapping and the problems (index, header, message)."""
    mapping: dict[str, int] = {}
    problems: list[tuple[int, str, str]] = []
    for index, cell in enumerate(cells):
        if cell in (None, "") or not str(cell).strip():
            continue
        column = column_of(cell)
        if column is None:
            problems.append(
                (index, str(cell).strip(), _("Unknown column header: check its spelling (e.g. “Cơ quan chủ trì”, “Thời gian thực hiện”)."))
            )
        elif column in mapping:
            problems.append((index, str(cell).strip(), _("This column appears twice.")))
        else:
            mapping[column] = index
    for column in REQUIRED:
        if column not in mapping:
            problems.append((-1, REQUIRED_LABELS()[column], _("The annex has no such column: add it to the header row.")))
    return mapping, problems


def REQUIRED_LABELS() -> dict[str, str]:  # noqa: N802 - a table, read at call time for translation
    return {NUMBER: "STT", TITLE: "Nội dung nhiệm vụ", LEAD: "Cơ quan chủ trì", TIMEFRAME: "Thời gian thực hiện"}
