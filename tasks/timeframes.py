"""Timeframes as real plans write them, and the dates they mean.

The vocabulary is that of provincial plans (DOMAIN.md, "Timeframe vocabulary"):
"Thường xuyên", "Hằng năm", "Năm 2018", "Quý IV/2018", "Tháng 10/2017",
"6 tháng đầu năm 2018", "2017 - 2020", "Trước ngày 30/9/2018", or a date.
The text is kept as written beside the computed dates: people recognise their words.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import clean_text, search_key

from .choices import Recurrence

ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d\d)"
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)?\d\d)"
_SEP = r"\s*(?:-|–|—|đến|den)\s*"

_PATTERNS = {
    "ongoing": re.compile(r"^(?:thuong xuyen|lien tuc|hang thang|hang quy)$"),
    "yearly": re.compile(r"^(?:hang|hanh) nam$"),
    "range": re.compile(rf"^(?:giai doan|nam|tu nam|tu)?\s*{_YEAR}{_SEP}(?:nam\s*)?{_YEAR}$"),
    "year": re.compile(rf"^(?:nam|trong nam|ca nam)?\s*{_YEAR}$"),
    "quarter": re.compile(rf"^quy\s*([ivx]+|\d)\s*(?:/|nam|-)\s*{_YEAR}$"),
    "month": re.compile(rf"^thang\s*(\d{{1,2}})\s*(?:/|nam|-)\s*{_YEAR}$"),
    "half": re.compile(rf"^6 thang (dau|cuoi) nam\s*{_YEAR}$"),
    "before": re.compile(rf"^(?:truoc|cham nhat|hoan thanh truoc|xong truoc)\s*(?:ngay\s*)?{_DATE}$"),
    "date": re.compile(rf"^(?:ngay\s*)?{_DATE}$"),
}


@dataclass(frozen=True)
class Timeframe:
    """A timeframe as written, with the start and due dates it means."""

    text: str
    start: datetime.date
    due: datetime.date | None
    recurrence: str = Recurrence.NONE


def _date(day: str, month: str, year: str, text: str) -> datetime.date:
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return datetime.date(full_year, int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("Timeframe “%(text)s” has a date that does not exist (%(day)s/%(month)s/%(year)s).")
            % {"text": text, "day": day, "month": month, "year": year},
            code="timeframe_bad_date",
        ) from None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_timeframe(value: object, *, plan_start: datetime.date) -> Timeframe:
    """Read a timeframe cell (text or a real date) into a :class:`Timeframe`.

    Raise ``ValidationError`` with a Vietnamese message naming the text when it
    cannot be read; an empty cell is an error too (every task needs a timeframe).
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return Timeframe(value.strftime("%d/%m/%Y"), min(plan_start, value), value)
    return _parse_text("" if value is None else str(value), plan_start)


@lru_cache(maxsize=4096)
def _parse_text(value: str, plan_start: datetime.date) -> Timeframe:
    text = clean_text(value)
    if not text:
        raise ValidationError(_("The timeframe is empty: write e.g. “Quý IV/2018”, “Thường xuyên” or “30/9/2018”."), code="timeframe_empty")
    key = re.sub(r"\s+", " ", search_key(text).replace("nam:", "nam")).strip(" .;")

    if _PATTERNS["ongoing"].match(key):
        return Timeframe(text, plan_start, None, Recurrence.ONGOING)
    if _PATTERNS["yearly"].match(key):
        return Timeframe(text, plan_start, None, Recurrence.YEARLY)
    if match := _PATTERNS["range"].match(key):
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise ValidationError(
                _("Timeframe “%(text)s” ends before it starts.") % {"text": text},
                code="timeframe_reversed",
            )
        return Timeframe(text, datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    if match := _PATTERNS["year"].match(key):
        year = int(match.group(1))
        return Timeframe(text, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if match := _PATTERNS["quarter"].match(key):
        quarter = ROMAN_QUARTERS.get(match.group(1))
        if quarter is None:
            raise ValidationError(
                _("Timeframe “%(text)s”: a quarter is I, II, III or IV.") % {"text": text},
                code="timeframe_bad_quarter",
            )
        year = int(match.group(2))
        return Timeframe(text, datetime.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    if match := _PATTERNS["month"].match(key):
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(
                _("Timeframe “%(text)s”: a month is 1 to 12.") % {"text": text},
                code="timeframe_bad_month",
            )
        return Timeframe(text, datetime.date(year, month, 1), _month_end(year, month))
    if match := _PATTERNS["half"].match(key):
        year = int(match.group(2))
        if match.group(1) == "dau":
            return Timeframe(text, datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        return Timeframe(text, datetime.date(year, 7, 1), datetime.date(year, 12, 31))
    if match := _PATTERNS["before"].match(key) or _PATTERNS["date"].match(key):
        due = _date(match.group(1), match.group(2), match.group(3), text=text)
        return Timeframe(text, min(plan_start, due), due)
    raise ValidationError(
        _(
            "Cannot read the timeframe “%(text)s”. Write it as e.g. “Thường xuyên”, “Hằng năm”, “Năm 2018”, "
            "“Quý IV/2018”, “Tháng 10/2017”, “6 tháng đầu năm 2018”, “2017 - 2020” or “Trước ngày 30/9/2018”."
        )
        % {"text": text},
        code="timeframe_unreadable",
    )
