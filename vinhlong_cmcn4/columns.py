"""Column specifications: one list of columns per list page, read by its HTML table, its Excel export and its open data.

A column has a key (the machine name, used by CSV and JSON), a Vietnamese header, ``value`` (the
cell as exported: text, number or date) and ``html`` (what the page shows in the same cell; by
default the value, escaped). The page, the Excel file and the CSV iterate the same columns in the
same order over the same rows, so what is exported is what is shown.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from .spreadsheets import xlsx_response


def day(value: datetime.date | None) -> str:
    """A date as the portal writes it (day first), empty when there is none."""
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation
    value: Callable[[Any], Any]
    html: Callable[[Any], Any] | None = None
    css: str = ""
    searched: bool = False  # the page marks what a text search matched in this column (``html`` takes the query)

    def cell(self, obj, query: str = "") -> SafeString:
        if self.searched and self.html:
            return conditional_escape(self.html(obj, query))
        shown = self.html(obj) if self.html else self.value(obj)
        return conditional_escape("" if shown is None else shown)


@dataclass(frozen=True)
class Row:
    obj: Any
    cells: list[tuple[Column, SafeString]]


def headers(columns: Iterable[Column]) -> list[str]:
    return [str(column.header) for column in columns]


def values(columns: list[Column], objects: Iterable) -> Iterator[list]:
    """The exported cells of each object, in column order."""
    for obj in objects:
        yield [column.value(obj) for column in columns]


def html_rows(columns: list[Column], objects: Iterable, query: str = "") -> list[Row]:
    """What the page shows of each object, in column order; ``query``: the text search, marked where it matched."""
    return [Row(obj, [(column, column.cell(obj, query)) for column in columns]) for obj in objects]


def xlsx(filename: str, title: str, columns: list[Column], objects: Iterable):
    """The Excel download of a list: the page's columns and rows."""
    return xlsx_response(filename, title, headers(columns), values(columns, objects))
