"""How an indicator's values are checked and judged: one pure module, no database.

Sources: DOMAIN.md "Indicators" — index values (PCI of VCCI, PAR INDEX and SIPAS of Bộ Nội vụ, PAPI of UNDP,
ICT Index then DTI) are published once a year for the year before; ranks were among 63 provinces until the
2025 merger (Nghị quyết 202/2025/QH15) and among 34 after it. A target has a value and a date; progress toward
it is judged against the straight path from the baseline.

The rule, as the pages state it (:data:`RULE_TEXT`):

- the value judged is the latest (by the day it describes) of those known on the day of judgement (the caller
  passes those: ``indicators.selectors`` reads the values recorded by then);
- it reaches the target (at or beyond it, in the indicator's direction): **đạt**;
- otherwise, measured before the target's date: on or beyond the straight line drawn from the baseline
  (its value on 31/12 of the baseline year) to the target (its value on the target's date), at the day the value
  was measured: **đạt** (on the way); behind that line: **có nguy cơ không đạt**;
- measured on or after the target's date and short of it: **không đạt**. After the target's date, while no value
  of that date is known yet (an index is published the year after), the last value's judgement stands as
  **có nguy cơ không đạt**.

Ranks are compared as a standing among the provinces of their own year, ``(n − rank) / (n − 1)``: first is 1,
last is 0, so "12/63" (2023) and "8/34" (2026) are read on one scale. Yes/no reads yes as 1, no as 0.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import Direction, IndicatorKind, Judgement

MERGER_YEAR = 2025
PROVINCES_BEFORE_MERGER = 63
PROVINCES_AFTER_MERGER = 34

RULE_TEXT = _(
    "Judged on the latest value: “Achieved” when it reaches the target, or when, measured before the target's date, "
    "it is on or beyond the straight line from the baseline (31/12 of its year) to the target (by its date); "
    "“At risk of not being achieved” when it is behind that line, or the target's date has passed and its value is "
    "not published yet; “Not achieved” when the value of the target's date falls short. Ranks are read among the "
    "provinces of their year (63 before 2025, 34 from 2025)."
)


def provinces_in(year: int) -> int:
    """How many provinces a rank of ``year`` is counted among: 63 before 2025, 34 from 2025 (the merger)."""
    return PROVINCES_BEFORE_MERGER if year < MERGER_YEAR else PROVINCES_AFTER_MERGER


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def value_problem(*, kind: str, value: Decimal, year: int) -> str | Promise | None:
    """Why ``value`` cannot be a value of an indicator of ``kind`` for ``year``; None when it can."""
    if kind == IndicatorKind.PERCENTAGE and not (0 <= value <= 100):
        return _("A percentage is between 0 and 100.")
    if kind == IndicatorKind.RANK:
        provinces = provinces_in(year)
        if value != value.to_integral_value() or not (1 <= value <= provinces):
            return _("A rank of %(year)d is a whole number from 1 to %(provinces)d (the number of provinces that year).") % {
                "year": year,
                "provinces": provinces,
            }
    if kind == IndicatorKind.YES_NO and value not in (0, 1):
        return _("A yes/no value is 1 (yes) or 0 (no).")
    return None


def standing(*, kind: str, value: Decimal, year: int) -> Decimal:
    """The value on the scale the rule compares: a rank as its standing among its year's provinces, else itself."""
    if kind == IndicatorKind.RANK:
        provinces = provinces_in(year)
        return (Decimal(provinces) - value) / Decimal(provinces - 1)
    return value


def higher_is_better(*, kind: str, direction: str) -> bool:
    # A rank's standing grows as the rank falls: on that scale higher is always better.
    return kind == IndicatorKind.RANK or direction == Direction.HIGHER


@dataclass(frozen=True)
class Point:
    """A value of an indicator as of a day (``year``: the year it counts for, which sets a rank's provinces)."""

    day: datetime.date
    value: Decimal
    year: int


@dataclass(frozen=True)
class Verdict:
    judgement: str
    expected: Decimal | None  # the path's value (on the standing scale) at the latest value's day
    share: Decimal | None  # share of the way from baseline to target covered, in % (may fall outside 0–100)
    # In the language of the request that judged it: a verdict is kept with the rows of a panel, per language, in the
    # shared cache, and a lazy text was rebuilt as a new class each time one was read from it (a few ms a plan page).
    reason: str


def path_value(*, start: Point, end: Point, day: datetime.date, kind: str) -> Decimal:
    """The straight line from ``start`` to ``end`` (standing scale), read at ``day``; flat before and after."""
    first = standing(kind=kind, value=start.value, year=start.year)
    last = standing(kind=kind, value=end.value, year=end.year)
    if day <= start.day:
        return first
    if day >= end.day:
        return last
    elapsed = Decimal((day - start.day).days) / Decimal((end.day - start.day).days)
    return first + (last - first) * elapsed


def share_of_way(*, baseline: Point | None, target: Point, latest: Point, kind: str) -> Decimal | None:
    """How far along from baseline to target the latest value is, in % (None without a baseline or a way to go)."""
    if baseline is None:
        return None
    first = standing(kind=kind, value=baseline.value, year=baseline.year)
    last = standing(kind=kind, value=target.value, year=target.year)
    if first == last:
        return None
    now = standing(kind=kind, value=latest.value, year=latest.year)
    return ((now - first) / (last - first) * 100).quantize(Decimal("0.1"))


def target_in_force(targets: list[Point], today: datetime.date) -> Point | None:
    """The target judged on ``today``: the first not yet due, or the last when all are due."""
    ordered = sorted(targets, key=lambda point: point.day)
    return next((point for point in ordered if point.day >= today), ordered[-1] if ordered else None)


def judge(*, kind: str, direction: str, baseline: Point | None, target: Point | None, values: list[Point], today: datetime.date) -> Verdict:
    """The judgement of an indicator on ``today``, from the ``values`` known that day (the module's docstring states the rule)."""
    if target is None:
        return Verdict(Judgement.NO_DATA, None, None, gettext("No target is set."))
    if not values:
        return Verdict(Judgement.NO_DATA, None, None, gettext("No value is known yet."))
    latest = max(values, key=lambda point: point.day)
    higher = higher_is_better(kind=kind, direction=direction)

    def at_least(a: Decimal, b: Decimal) -> bool:
        return a >= b if higher else a <= b

    now = standing(kind=kind, value=latest.value, year=latest.year)
    goal = standing(kind=kind, value=target.value, year=target.year)
    share = share_of_way(baseline=baseline, target=target, latest=latest, kind=kind)
    if at_least(now, goal):
        return Verdict(Judgement.ACHIEVED, goal, share, gettext("The target is reached."))
    if latest.day >= target.day:
        return Verdict(Judgement.NOT_ACHIEVED, goal, share, gettext("The value of the target's date falls short of the target."))
    if today > target.day:
        return Verdict(
            Judgement.AT_RISK,
            goal,
            share,
            gettext("The target's date has passed; its value is not known yet and the last value falls short."),
        )
    if baseline is None:
        return Verdict(Judgement.AT_RISK, None, share, gettext("No baseline: the path cannot be drawn, and the target is not reached yet."))
    expected = path_value(start=baseline, end=target, day=latest.day, kind=kind)
    if at_least(now, expected):
        return Verdict(Judgement.ACHIEVED, expected, share, gettext("On or beyond the path from the baseline to the target."))
    return Verdict(Judgement.AT_RISK, expected, share, gettext("Behind the path from the baseline to the target."))
