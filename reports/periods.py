"""Reporting periods of Nghị định 09/2019/NĐ-CP on administrative reporting regimes.

Article 12 fixes the data windows ("thời gian chốt số liệu") of periodic reports:

========== ===================================================================
monthly    15th of the previous month → 14th of the report month
quarterly  15th of the month before the quarter → 14th of its last month
half-year  15/12 of the previous year → 14/6; then 15/6 → 14/12
annual     15/12 of the previous year → 14/12
9 months   15/12 of the previous year → 14/9 (added by some provinces)
========== ===================================================================

Reports are sent after the cut-off, with at least one working day between the cut-off
and the sending date; each plan sets the day of the period's last month by which its
agencies send (``Plan.report_deadline_day``). A deadline that falls on a weekend moves
to the next working day: public holidays, Tết and the days the Government announces come
from ``plans.workdays`` (the calendar is passed in, or read through ``current_calendar``).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from plans.choices import PeriodKind
from plans.workdays import WorkCalendar, current_calendar, shift_note

CUTOFF_DAY = 14
DEFAULT_DEADLINE_DAY = 20
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_CODE = re.compile(r"^(\d{4})-(?:M(\d{1,2})|Q([1-4])|H([12])|(Y)|(9M))$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """One reporting period: its kind, year and number, data window and sending deadline."""

    kind: str
    year: int
    number: int
    first_day: datetime.date
    last_day: datetime.date
    deadline: datetime.date
    shift_reason: str = field(default="", compare=False)  # why the deadline moved past the plan's day ("" when it did not)

    @property
    def deadline_note(self) -> str:
        """ "(lùi do nghỉ Tết)" when the deadline moved to the next working day; "" otherwise."""
        return shift_note(self.shift_reason)

    @property
    def code(self) -> str:
        """A short code: 2018-M03, 2018-Q4, 2018-H1, 2018-9M, 2018-Y."""
        codes: dict[str, str] = {
            PeriodKind.MONTH: f"{self.year}-M{self.number:02d}",
            PeriodKind.QUARTER: f"{self.year}-Q{self.number}",
            PeriodKind.HALF_YEAR: f"{self.year}-H{self.number}",
            PeriodKind.NINE_MONTHS: f"{self.year}-9M",
            PeriodKind.YEAR: f"{self.year}-Y",
        }
        return codes[self.kind]

    @property
    def label(self) -> str:
        return period_label(self.kind, self.year, self.number)

    @property
    def label_in_sentence(self) -> str:
        return period_label(self.kind, self.year, self.number, in_sentence=True)

    def contains(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day


def period_label(kind: str, year: int, number: int, *, in_sentence: bool = False) -> str:
    """The period as Vietnamese reports name it: "Quý IV/2018", "6 tháng đầu năm 2018".

    ``in_sentence``: the form written inside a sentence, "báo cáo quý IV/2018", "kỳ năm 2018" (a title or a list
    starts with the capital; a sentence does not; the Roman numeral keeps its capitals)."""
    if in_sentence:
        return _period_label_in_sentence(kind, year, number)
    if kind == PeriodKind.MONTH:
        return _("Month %(number)d/%(year)d") % {"number": number, "year": year}
    if kind == PeriodKind.QUARTER:
        return _("Quarter %(roman)s/%(year)d") % {"roman": ROMAN[number], "year": year}
    if kind == PeriodKind.HALF_YEAR:
        if number == 1:
            return _("First half of %(year)d") % {"year": year}
        return _("Second half of %(year)d") % {"year": year}
    if kind == PeriodKind.NINE_MONTHS:
        return _("Nine months of %(year)d") % {"year": year}
    return _("Year %(year)d") % {"year": year}


def _period_label_in_sentence(kind: str, year: int, number: int) -> str:
    if kind == PeriodKind.MONTH:
        return pgettext("inside a sentence", "Month %(number)d/%(year)d") % {"number": number, "year": year}
    if kind == PeriodKind.QUARTER:
        return pgettext("inside a sentence", "Quarter %(roman)s/%(year)d") % {"roman": ROMAN[number], "year": year}
    if kind == PeriodKind.HALF_YEAR:
        if number == 1:
            return pgettext("inside a sentence", "First half of %(year)d") % {"year": year}
        return pgettext("inside a sentence", "Second half of %(year)d") % {"year": year}
    if kind == PeriodKind.NINE_MONTHS:
        return pgettext("inside a sentence", "Nine months of %(year)d") % {"year": year}
    return pgettext("inside a sentence", "Year %(year)d") % {"year": year}


def _report_month(day: datetime.date) -> tuple[int, int]:
    """The (year, month) whose monthly window holds ``day``: the 15th starts next month's."""
    if day.day <= CUTOFF_DAY:
        return day.year, day.month
    if day.month == 12:
        return day.year + 1, 1
    return day.year, day.month + 1


def _window_start(year: int, month: int) -> datetime.date:
    """The 15th of the month before (year, month)."""
    if month == 1:
        return datetime.date(year - 1, 12, CUTOFF_DAY + 1)
    return datetime.date(year, month - 1, CUTOFF_DAY + 1)


def sending_deadline(
    last_day: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY, calendar: WorkCalendar | None = None
) -> datetime.date:
    """The day reports are due: ``deadline_day`` of the cut-off's month, after a working day.

    At least one working day lies between the cut-off and the deadline; a deadline on a
    weekend, a public holiday or an announced day off moves to the next working day.
    """
    return deadline_and_reason(last_day, deadline_day, calendar)[0]


def deadline_and_reason(
    last_day: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY, calendar: WorkCalendar | None = None
) -> tuple[datetime.date, str]:
    """:func:`sending_deadline` and why it moved ("" when the plan's day is a working day)."""
    calendar = calendar or current_calendar()
    # The plan's day, kept one weekday clear of the cut-off; then moved off any day that is not worked.
    first_weekday = last_day + datetime.timedelta(days=1)
    while first_weekday.weekday() >= 5:
        first_weekday += datetime.timedelta(days=1)
    planned = max(last_day.replace(day=deadline_day), first_weekday + datetime.timedelta(days=1))
    deadline = calendar.next_working_day(planned)
    return deadline, (calendar.shift_reason(planned) if deadline != planned else "")


def period_of(kind: str, year: int, number: int = 1, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """The period of ``kind`` numbered ``number`` in ``year`` (month 1–12, quarter 1–4, half 1–2)."""
    limits: dict[str, int] = {
        PeriodKind.MONTH: 12,
        PeriodKind.QUARTER: 4,
        PeriodKind.HALF_YEAR: 2,
        PeriodKind.NINE_MONTHS: 1,
        PeriodKind.YEAR: 1,
    }
    if kind not in limits:
        raise ValueError(f"unknown period kind {kind!r}")
    if not 1 <= number <= limits[kind]:
        raise ValueError(f"{kind} period number must be 1..{limits[kind]}, not {number}")
    last_months: dict[str, int] = {
        PeriodKind.MONTH: number,
        PeriodKind.QUARTER: 3 * number,
        PeriodKind.HALF_YEAR: 6 * number,
        PeriodKind.NINE_MONTHS: 9,
        PeriodKind.YEAR: 12,
    }
    last_month = last_months[kind]
    first_months: dict[str, int] = {PeriodKind.MONTH: number, PeriodKind.QUARTER: 3 * number - 2, PeriodKind.HALF_YEAR: 6 * number - 5}
    first_month = first_months.get(kind, 1)
    last_day = datetime.date(year, last_month, CUTOFF_DAY)
    deadline, reason = deadline_and_reason(last_day, deadline_day)
    return Period(kind, year, number, _window_start(year, first_month), last_day, deadline, reason)


def period_containing(day: datetime.date, kind: str, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """The period of ``kind`` whose data window holds ``day``.

    Raise ``ValueError`` for a nine-month period and a day between 15/9 and 14/12,
    which no nine-month window holds.
    """
    year, month = _report_month(day)
    if kind == PeriodKind.MONTH:
        return period_of(kind, year, month, deadline_day=deadline_day)
    if kind == PeriodKind.QUARTER:
        return period_of(kind, year, (month + 2) // 3, deadline_day=deadline_day)
    if kind == PeriodKind.HALF_YEAR:
        return period_of(kind, year, 1 if month <= 6 else 2, deadline_day=deadline_day)
    if kind == PeriodKind.NINE_MONTHS:
        if month > 9:
            raise ValueError(f"{day:%d/%m/%Y} lies in no nine-month window")
        return period_of(kind, year, 1, deadline_day=deadline_day)
    return period_of(PeriodKind.YEAR, year, 1, deadline_day=deadline_day)


def first_period_from(day: datetime.date, kind: str, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """The first period of ``kind`` whose data window ends on or after ``day``: the one containing it, or for a
    nine-month period and a day between 15/9 and 14/12 (in no window), next year's."""
    try:
        return period_containing(day, kind, deadline_day=deadline_day)
    except ValueError:
        return period_of(kind, day.year + 1, 1, deadline_day=deadline_day)


def parse_period_code(code: str, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """Read a period code (2018-M03, 2018-Q4, 2018-H1, 2018-9M, 2018-Y); ``ValueError`` if unreadable."""
    match = _CODE.match(code.strip())
    if not match:
        raise ValueError(f"unreadable period code {code!r}: use e.g. 2018-M03, 2018-Q4, 2018-H1, 2018-9M or 2018-Y")
    year = int(match.group(1))
    month, quarter, half, annual, _nine = match.groups()[1:]
    if month:
        return period_of(PeriodKind.MONTH, year, int(month), deadline_day=deadline_day)
    if quarter:
        return period_of(PeriodKind.QUARTER, year, int(quarter), deadline_day=deadline_day)
    if half:
        return period_of(PeriodKind.HALF_YEAR, year, int(half), deadline_day=deadline_day)
    if annual:
        return period_of(PeriodKind.YEAR, year, deadline_day=deadline_day)
    return period_of(PeriodKind.NINE_MONTHS, year, deadline_day=deadline_day)


def period_read(code: str, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """:func:`parse_period_code` for a code a person sent (a summary's form, the API): one not a period is refused with a
    Vietnamese message on the field ``period``, whatever the parser found wrong."""
    try:
        return parse_period_code(code, deadline_day=deadline_day)
    except ValueError:
        raise ValidationError(
            {"period": _("“%(code)s” is not a period: write e.g. 2018-M03, 2018-Q4, 2018-H1, 2018-9M or 2018-Y.") % {"code": code}}
        ) from None


def periods_between(kind: str, start: datetime.date, end: datetime.date, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> list[Period]:
    """Every period of ``kind`` whose window overlaps ``start``..``end``, in order."""
    periods: list[Period] = []
    day = start
    while day <= end:
        try:
            period = period_containing(day, kind, deadline_day=deadline_day)
        except ValueError:  # a day outside every nine-month window: skip to the next window
            day = datetime.date(day.year, 12, CUTOFF_DAY + 1)
            continue
        if not periods or periods[-1] != period:
            periods.append(period)
        day = period.last_day + datetime.timedelta(days=1)
    return periods


def period_due(day: datetime.date, kind: str, *, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Period:
    """The period agencies report on at ``day``.

    Between a period's cut-off and its sending deadline that is the period just closed;
    otherwise it is the period whose window holds ``day``.
    """
    if kind == PeriodKind.NINE_MONTHS:
        # Until its window opens again on 15/12, the nine-month report due is the one that closed on 14/9.
        year = day.year + 1 if (day.month, day.day) >= (12, CUTOFF_DAY + 1) else day.year
        this_year = period_of(kind, year, deadline_day=deadline_day)
        return (
            this_year
            if day >= this_year.first_day and (day <= this_year.last_day)
            else period_of(kind, day.year, deadline_day=deadline_day)
        )
    current = period_containing(day, kind, deadline_day=deadline_day)
    previous = period_containing(current.first_day - datetime.timedelta(days=1), kind, deadline_day=deadline_day)
    if previous.last_day < day <= previous.deadline:
        return previous
    return current


def recent_periods(
    kind: str, start: datetime.date, day: datetime.date, *, deadline_day: int = DEFAULT_DEADLINE_DAY, limit: int = 8
) -> list[Period]:
    """The periods of ``kind`` a plan started on ``start`` has had up to the one due at ``day``, newest first."""
    due = period_due(day, kind, deadline_day=deadline_day)
    periods = [p for p in periods_between(kind, start, due.last_day, deadline_day=deadline_day) if p.last_day <= due.last_day]
    return list(reversed(periods))[:limit]


KIND_ORDER: list[str] = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.NINE_MONTHS, PeriodKind.YEAR]


@dataclass(frozen=True)
class ReportableFrom:
    """A day the period reported on must not end before (the task's start, the day a successor received its part).

    The one statement of the bound, read both ways: :meth:`allows` for one task in Python
    (:func:`unreportable_reason`) and :meth:`q` for rows in SQL (``reports.selectors.reportable_in_due_period_q``).
    ``columns``: where a row of tasks holds the day, the first one set counting (the task's start, else its plan's);
    no day set sets no bound. ``refusal``: the message when the bound is not met.
    """

    name: str
    columns: tuple[str, ...]
    refusal: Callable[..., str]

    def allows(self, last_day: datetime.date, day: datetime.date | None) -> bool:
        """May a period ending on ``last_day`` be reported, the bound being ``day``?"""
        return day is None or day <= last_day

    def q(self, last_day: Combinable | datetime.date, prefix: str = "") -> Q:
        """:meth:`allows` on a row (its task through ``prefix``), ``last_day`` a date or an expression (the period's
        last day as an annotation)."""
        allowed, unset = Q(pk__in=[]), Q()
        for column in self.columns:
            allowed |= unset & Q(**{f"{prefix}{column}__lte": last_day})
            unset &= Q(**{f"{prefix}{column}__isnull": True})
        return allowed | unset

    def day_of(self, row: object) -> datetime.date | None:
        """The bound of one object with the ``columns`` (``plan__starts_on`` read as ``row.plan.starts_on``)."""
        for column in self.columns:
            value: object = row
            for name in column.split("__"):
                value = getattr(value, name)
            if value is not None:
                return value  # type: ignore[return-value]
        return None


def _starts_later(period: "Period", day: datetime.date, **context: object) -> str:
    return _("The task starts on %(start)s, after the period %(period)s ended.") % {
        "start": day.strftime("%d/%m/%Y"),
        "period": period.label_in_sentence,
    }


def _held_later(period: "Period", day: datetime.date, **context: object) -> str:
    first = first_period_from(day, period.kind, deadline_day=context["deadline_day"])  # type: ignore[arg-type]
    return _(
        "%(agency)s inherited this task from %(predecessor)s on %(date)s: it reports from the period %(first)s on; "
        "the period %(period)s was reported by %(predecessor)s."
    ) % {
        "agency": context["holder"],
        "predecessor": context["predecessor"],
        "date": day.strftime("%d/%m/%Y"),
        "first": first.label_in_sentence,
        "period": period.label_in_sentence,
    }


# The task had started by the period's last day; an agency that inherited its part (a reorganisation) had it by then:
# reports are sent after the cut-off, so the period straddling the change is the successor's, earlier ones the predecessor's.
STARTED = ReportableFrom("starts_on", ("start_date", "plan__starts_on"), _starts_later)
HELD = ReportableFrom("held_from", ("held_from",), _held_later)
REPORTABLE_FROM = (STARTED, HELD)


def reportable_from_q(last_day: Combinable | datetime.date) -> Q:
    """Every bound of :data:`REPORTABLE_FROM` on a row of tasks annotated ``held_from`` (the SQL of those checks of
    :func:`unreportable_reason`)."""
    return reduce(and_, (bound.q(last_day) for bound in REPORTABLE_FROM))


def unreportable_reason(
    period: Period,
    *,
    kinds: list[str],
    starts_on: datetime.date | None,
    today: datetime.date,
    deadline_day: int = DEFAULT_DEADLINE_DAY,
    held_from: datetime.date | None = None,
    holder: str = "",
    predecessor: str = "",
    completed_on: datetime.date | None = None,
) -> str | None:
    """Why a task cannot be reported for ``period`` (a message for the user), or None when it can.

    A task is reported for the kinds of period its plan uses, up to the period due now (never a
    future one), not for a period that ended before the task started (``starts_on``: :data:`STARTED`),
    and not for a period that starts after a one-off task was completed (``completed_on``: its completion
    stands; a later "completed" report would move it). An agency that inherited the task on ``held_from``
    (a reorganisation) reports from the period that contains that day on (:data:`HELD`;
    ``reports.compliance.obligation``, the same rule for what is owed); earlier ones were the predecessor's.
    """
    if period.kind not in (kinds or [main_kind(kinds)]):
        return _("This plan is not reported by this kind of period (%(period)s).") % {"period": period.label_in_sentence}
    if period.last_day > period_due(today, period.kind, deadline_day=deadline_day).last_day:
        return _("The period %(period)s has not come yet: reports are filed for the period due now or earlier ones.") % {
            "period": period.label_in_sentence
        }
    days = {STARTED.name: starts_on, HELD.name: held_from}
    for bound in REPORTABLE_FROM:
        day = days[bound.name]
        if not bound.allows(period.last_day, day):
            return bound.refusal(period, day, deadline_day=deadline_day, holder=holder, predecessor=predecessor)
    if completed_on and period.first_day > completed_on:
        return _("The task was completed on %(date)s: it is not reported for the period %(period)s or later ones.") % {
            "date": completed_on.strftime("%d/%m/%Y"),
            "period": period.label_in_sentence,
        }
    return None


def main_kind(kinds: list[str]) -> str:
    """The most frequent of a plan's reporting periods: the one agencies report on routinely."""
    for kind in KIND_ORDER:
        if kind in kinds:
            return kind
    return PeriodKind.QUARTER


def closed_periods(
    kinds: list[str], start: datetime.date, today: datetime.date, *, deadline_day: int = DEFAULT_DEADLINE_DAY
) -> list[Period]:
    """The periods of ``kinds`` a plan started on ``start`` has closed (cut-off before ``today``),
    newest first; at the same cut-off the longest first (year, 9 months, half-year, quarter, month)."""
    periods = [
        period for kind in kinds for period in periods_between(kind, start, today, deadline_day=deadline_day) if period.last_day < today
    ]
    return sorted(periods, key=lambda p: (p.last_day, KIND_ORDER.index(p.kind)), reverse=True)
