"""Column specifications: one list of columns per list page, read by its HTML table, its Excel export and its open data.

A column has a key (the machine name, used by CSV and JSON), a Vietnamese header, ``value`` (the
cell as exported: text, number or date) and ``html`` (what the page shows in the same cell; by
default the value, escaped). The page, the Excel file and the CSV iterate the same columns in the
same order over the same rows, so what is exported is what is shown.
"""

import datetime
import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from .shared_figures import figures_cached, followed, query_digest, reads_reports
from .spreadsheets import xlsx_response


def wants_xlsx(request) -> bool:
    """Does the request ask for the list's Excel export (``?format=xlsx``, the link under every list's filters)?"""
    return request.GET.get("format") == "xlsx"


def query_of(request) -> str:
    """The request's query string without ``page`` and ``format`` (for the page and export links)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def day(value: datetime.date | None) -> str:
    """A date as the portal writes it (day first), empty when there is none."""
    return value.strftime("%d/%m/%Y") if value else ""


def escaped(shown) -> SafeString:
    """``conditional_escape`` of a cell, nothing for ``None``; without Django's lazy-string wrapper, which
    cost more than the escaping itself over the thousand cells of a page."""
    if shown is None:
        return SafeString("")
    if isinstance(shown, datetime.datetime):  # exported as a date and time, shown as the portal writes moments
        return SafeString(shown.strftime("%H:%M %d/%m/%Y"))
    if isinstance(shown, datetime.date):  # exported as a date, shown day first
        return SafeString(day(shown))
    if hasattr(shown, "__html__"):
        return SafeString(shown.__html__())
    return SafeString(html.escape(str(shown), quote=True))


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
            return escaped(self.html(obj, query))
        return escaped(self.html(obj) if self.html else self.value(obj))


@dataclass(frozen=True)
class Row:
    pk: Any
    css: str  # the row's class: "row-overdue" for a task past its due date
    html: SafeString  # the row's ``<td>`` cells, each with its column's class and header (``data-label``, for narrow screens)
    obj: Any = None  # the object shown, unless the row was read from the shared cache (:func:`shared_rows`)


def headers(columns: Iterable[Column]) -> list[str]:
    return [str(column.header) for column in columns]


# Rows read (and their prefetched relations) at a time by a download. A download's memory grows with it: Django's
# iterator reads the next chunk while the last is still held, and each task's prefetched relations (a queryset per
# relation per task, with its agencies) weigh more than the task; 2,000 made a 50,000-task download grow 50 MB.
CHUNK_ROWS = 500


def streamed(objects: Iterable) -> Iterable:
    """``objects`` read a chunk at a time when a queryset (its prefetches per chunk): a download of 50,000 tasks
    never holds them all, nor their agencies, in memory."""
    return objects.iterator(chunk_size=CHUNK_ROWS) if isinstance(objects, QuerySet) else objects


def values(columns: list[Column], objects: Iterable) -> Iterator[list]:
    """The exported cells of each object, in column order, read a chunk at a time (:func:`streamed`).

    Read from a queryset, each object lets go of its prefetched relations once its cells are written: the chunk
    itself is held until the next one has been read, its relations need not be.
    """
    chunked = isinstance(objects, QuerySet)
    for obj in streamed(objects):
        cells = [column.value(obj) for column in columns]
        if chunked:
            obj.__dict__.pop("_prefetched_objects_cache", None)
        yield cells


def html_rows(columns: list[Column], objects: Iterable, query: str = "") -> list[Row]:
    """What the page shows of each object, in column order; ``query``: the text search, marked where it matched.

    Each row's cells are joined here, once, rather than by a template loop over every cell: a page
    of a hundred tasks has over a thousand cells, and the template engine's cost per cell was most
    of the page's time.
    """
    opening = [f'<td class="{escaped(column.css)}" data-label="{escaped(str(column.header))}">' for column in columns]
    rows = []
    for obj in objects:
        written = "".join(f"{start}{column.cell(obj, query)}</td>" for start, column in zip(opening, columns, strict=True))
        css = "row-overdue" if getattr(obj, "status_code", None) == "overdue" else ""
        rows.append(Row(obj.pk, css, mark_safe(written), obj))  # noqa: S308 - every part escaped above or by Column.cell
    return rows


def shared_rows(name: str, columns: list[Column], page: Page, query: str = "") -> list[Row]:
    """:func:`html_rows` of a page of a long list that many people read alike (a plan's tasks, the leadership's list),
    kept in the shared cache until the figures change (``core.shared_figures``: a write to a task, its
    agencies, its plan or the calendar is one).

    ``name`` names the columns; the page's own query (its SQL and parameters: who asks, the filters, the page,
    the date that statuses are judged on), the language and the text searched complete the key.
    """
    objects = page.object_list
    if not isinstance(objects, QuerySet) or not followed(objects.model):
        return html_rows(columns, page, query)
    try:
        key = (name, get_language(), query_digest(objects, query))
    except EmptyResultSet:
        return []
    return figures_cached(
        "rows", key, lambda: [replace(row, obj=None) for row in html_rows(columns, objects, query)], reads_reports=reads_reports(objects)
    )


def export_heading(title: str, filters=None, *, now: datetime.datetime | None = None) -> str:
    """The first line of a list's download: what the list is, the filters that chose its rows, and when it was taken.

    "Nhiệm vụ — Kế hoạch: 28/KH-UBND; Tình trạng: Chưa hoàn thành, quá hạn — tải về lúc 14:05 ngày 06/12/2026".
    """
    moment = timezone.localtime(now)
    used = filters.described() if filters is not None else []
    chosen = "; ".join(used) if used else gettext("all rows, no filter")
    return gettext("%(title)s — %(filters)s — downloaded at %(time)s on %(day)s") % {
        "title": title,
        "filters": chosen,
        "time": moment.strftime("%H:%M"),
        "day": moment.strftime("%d/%m/%Y"),
    }


def xlsx(filename: str, title: str, columns: list[Column], objects: Iterable, *, filters=None, request=None):
    """The Excel download of a list: the page's columns and rows, under a line naming its filters and the download's time.

    Streamed as it is written. With ``request`` of a signed-in user, a list of more than ``core.exports.sync_limit()`` rows
    is written by a job instead: the browser goes to its page (progress, then the link) and its owner gets a notice when it
    is ready. The public (a page open without signing in) has no account to own a job or come back to it: streamed.
    """
    from django.shortcuts import redirect

    from .exports import export_job_start, export_page_url, progress_reporter, sync_limit

    job = getattr(request, "export_job", None)
    if request is not None and job is None and request.user.is_authenticated and isinstance(objects, QuerySet):
        total = objects.count()
        if total > sync_limit():
            return redirect(export_page_url(export_job_start(request, filename=filename, title=str(title), total=total)))
    return xlsx_response(
        filename,
        title,
        headers(columns),
        values(columns, objects),
        heading=export_heading(str(title), filters),
        progress=progress_reporter(job) if job else None,
    )
