"""Recurring tasks judged period by period (DOMAIN.md, "Thường xuyên / Hằng năm").

- A **yearly** task ("Hằng năm") owes its work each year by 31/12, moved to the next working day
  when 31/12 is not worked; each year is judged apart: done on time, done late, not done (or, for the
  current year before its due date, in progress).
- An **ongoing** task ("Thường xuyên") is judged by its reports: each period is reported or missing.
"""

import datetime
from dataclasses import dataclass

from plans.workdays import WorkCalendar

from .choices import TaskStatus


def year_due(year: int, calendar: WorkCalendar) -> datetime.date:
    """A yearly task's due date for ``year``: 31/12, or the next working day when 31/12 is not worked."""
    return calendar.next_working_day(datetime.date(year, 12, 31))


def current_year_window(today: datetime.date, calendar: WorkCalendar) -> tuple[datetime.date, datetime.date]:
    """(after, due) of the year that drives a yearly task's status on ``today`` (``tasks.status``).

    This year's work is met by a completion dated after last year's due date; it is due by this year's.
    """
    return year_due(today.year - 1, calendar), year_due(today.year, calendar)


@dataclass(frozen=True)
class YearJudgement:
    year: int
    due: datetime.date
    completed_on: datetime.date | None
    status: TaskStatus


def yearly_obligations(
    *, start: datetime.date, today: datetime.date, completions: dict[int, datetime.date], calendar: WorkCalendar
) -> list[YearJudgement]:
    """Each year from ``start`` to ``today``, newest first, judged by the completion reported for it.

    ``completions`` maps a year to the completion date an accepted report gave for that year's work
    (a completion in January of the next year still counts for the year before, as late).
    """
    judged = []
    for year in range(start.year, today.year + 1):
        due = year_due(year, calendar)
        done = completions.get(year)
        if done is not None:
            status = TaskStatus.DONE_ON_TIME if done <= due else TaskStatus.DONE_LATE
        else:
            status = TaskStatus.OVERDUE if today > due else TaskStatus.IN_PROGRESS
        judged.append(YearJudgement(year, due, done, status))
    return list(reversed(judged))
