"""Working days: Vietnamese public holidays and the days the Government announces each year.

Bộ luật Lao động 2019, article 112, fixes the public holidays (Tết Dương lịch, Tết Nguyên Đán,
Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh); the maintained ``holidays`` library knows them, with the
lunar dates of Tết. Each year the Government also announces extra days off and the Saturdays
worked in exchange (nghỉ bù, làm bù); administrators type those into :class:`plans.models.CalendarDay`.
A deadline that falls on a weekend or a day off moves to the next working day (Nghị định 09/2019,
art. 12; DOMAIN.md). :class:`WorkCalendar` is the pure rule; :func:`current_calendar` is the one
function that reads the table.
"""

import datetime
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import holidays
from django.db import DatabaseError
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import CalendarDayKind
from .models import CalendarDay

_TET = ("Tết Nguyên Đán", "29 Tết", "30 Tết")
_BRIDGE_DAY = "Ngày nghỉ"
_IN_LIEU = "(nghỉ bù)"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: Monday to Friday, less public holidays and announced days off, plus announced working days."""

    days_off: Mapping[datetime.date, str] = field(default_factory=dict)
    working_days: frozenset[datetime.date] = frozenset()
    library: bool = True

    def day_off_name(self, day: datetime.date) -> str | None:
        """The holiday ``day`` falls on (its Vietnamese name), or None."""
        if day in self.working_days:
            return None
        if day in self.days_off:
            return self.days_off[day]
        if self.library:
            return _library_names(day.year).get(day)
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and self.day_off_name(day) is None

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def shift_reason(self, day: datetime.date) -> str:
        """Why a deadline on ``day`` moved: "nghỉ Tết", "nghỉ Quốc khánh", "ngày nghỉ cuối tuần"; "" when it did not."""
        if self.is_working_day(day):
            return ""
        name = self.day_off_name(day)
        if name is None:
            return _("the weekend")
        if any(word in name for word in _TET) and "Dương lịch" not in name:
            return _("the Tết holiday")
        # The library's Vietnamese names of bridge and compensatory days already say "nghỉ".
        if name.startswith(_BRIDGE_DAY):  # "Ngày nghỉ (thay cho ngày 04/05/2019)"
            return name[0].lower() + name[1:].replace(" (", " ").replace(")", "")
        if name.endswith(_IN_LIEU):  # "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
            return _("the day off in lieu of %(holiday)s") % {"holiday": name.removesuffix(_IN_LIEU).strip()}
        return _("the %(holiday)s holiday") % {"holiday": name}

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day``."""
        while count > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


def shift_note(reason: str) -> str:
    """ "(lùi do nghỉ Tết)" for a date moved to the next working day because of ``reason``; "" when it did not move.

    Every page that shows a moved date (a sending deadline, a task's due date) words it here.
    """
    return _("(postponed for %(reason)s)") % {"reason": reason} if reason else ""


_NAMES: dict[int, dict[datetime.date, str]] = {}


def _library_names(year: int) -> dict[datetime.date, str]:
    if year not in _NAMES:
        country = holidays.country_holidays("VN", years=year, language="vi")
        _NAMES[year] = {day: name for day, name in country.items() if day.year == year}
    return _NAMES[year]


def library_working_days(years: range) -> frozenset[datetime.date]:
    """Weekend days the library knows were worked in exchange for a bridge day off."""
    country = holidays.country_holidays("VN", years=list(years))
    return frozenset(getattr(country, "weekend_workdays", ()))


_lock = threading.Lock()
_cache: dict[str, object] = {}
REFRESH_SECONDS = 60  # other processes see an edit of the table within a minute


def current_calendar() -> WorkCalendar:
    """The calendar in force: the library's holidays and the admin's table (read at most once a minute per process)."""
    with _lock:
        cached = _cache.get("calendar")
        if cached is not None and time.monotonic() - _cache["at"] < REFRESH_SECONDS:  # type: ignore[operator]
            return cached  # type: ignore[return-value]
    days_off, working = {}, set(library_working_days(range(2014, timezone.localdate().year + 2)))
    try:
        announced = list(CalendarDay.objects.values_list("day", "kind", "name"))
    except DatabaseError:  # a database not migrated yet (checks, the first migrate): the library's days, not kept
        return WorkCalendar(working_days=frozenset(working))
    for day, kind, name in announced:
        if kind == CalendarDayKind.WORKING_DAY:
            working.add(day)
        else:
            days_off[day] = name
            working.discard(day)
    calendar = WorkCalendar(days_off=days_off, working_days=frozenset(working))
    with _lock:
        _cache.update(calendar=calendar, at=time.monotonic())
    return calendar


def calendar_use(calendar: WorkCalendar) -> None:
    """Use ``calendar`` until :func:`calendar_changed` (tests: the library's holidays, no table read)."""
    with _lock:
        _cache.update(calendar=calendar, at=float("inf"))


def calendar_changed() -> None:
    """Forget the cached calendar (after the table changed)."""
    with _lock:
        _cache.clear()


# Sent after the table of announced days changed (admin, demo). Apps above ``plans`` that store a date
# judged by the calendar (``tasks``: a task's working-day due date) listen, so a change re-judges at once;
# ``plans`` cannot call them itself (apps depend downwards only).
calendar_edited = Signal()


def calendar_edit_done() -> None:
    """The table changed: forget the cached calendar, then let the stored working-day dates follow."""
    calendar_changed()
    calendar_edited.send(sender=WorkCalendar)
