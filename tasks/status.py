"""A task's status, derived from its due date and its accepted completion date.

The vocabulary is that of the Government Office's task tracking (Hệ thống theo dõi
nhiệm vụ, Văn phòng Chính phủ), as DOMAIN.md lists it. The status is never typed in:
:func:`derive_status` computes it for one task in Python and
:func:`status_expression` computes the same rule in SQL for lists and dashboards.
``tests/test_status.py`` proves the two agree.

Due dates count working days (``plans.workdays``, Nghị định 09/2019 art. 12): a due date on a weekend
or a day off is judged as the next working day. The plan's date is kept as written; the SQL reads the
working-day date from ``Task.effective_due_date``, stored on save and refreshed when the calendar changes
(``tasks.services.task_due_dates_refresh``).
"""

import datetime

from django.db.models import Case, CharField, Q, Value, When
from django.db.models import F as F_
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual
from django.utils.translation import gettext as _

from plans.workdays import WorkCalendar, current_calendar

from .choices import Recurrence, TaskStatus
from .yearly import current_year_window


def working_due_date(
    due_date: datetime.date | None, extended_due_date: datetime.date | None, calendar: WorkCalendar
) -> datetime.date | None:
    """The date a one-off task is judged against: the approved extension's, else the plan's, moved to a working day."""
    judged = extended_due_date or due_date
    return calendar.next_working_day(judged) if judged else None


def derive_status(
    *,
    recurrence: str,
    due_date: datetime.date | None,
    completed_on: datetime.date | None,
    today: datetime.date,
    extended_due_date: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> TaskStatus:
    """Return the status of a task on ``today``.

    An approved extension (gia hạn, QĐ 42/2014 and 23/2018) replaces the due date: the task is
    judged against the approved date; both dates are kept on the task. Either date, when it is not
    a working day, is judged as the next working day.

    - Ongoing tasks report every period and are never overdue as a whole.
    - A yearly task is judged by this year's obligation (``tasks.yearly``): due 31/12 (a working
      day), met by a completion dated after last year's due date.
    - A completed task is on time when it was completed on or before its due date
      (a task without a due date is always on time).
    - An unfinished task is overdue once its due date has passed.
    """
    calendar = calendar or current_calendar()
    due: datetime.date | None
    if recurrence == Recurrence.YEARLY:
        after, due = current_year_window(today, calendar)
        if completed_on is not None and completed_on <= after:
            completed_on = None  # that completion was last year's work
    elif recurrence != Recurrence.NONE:
        return TaskStatus.ONGOING
    else:
        due = working_due_date(due_date, extended_due_date, calendar)
    if completed_on is not None:
        if due is None or completed_on <= due:
            return TaskStatus.DONE_ON_TIME
        return TaskStatus.DONE_LATE
    if due is not None and today > due:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS


def year_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar's part in :func:`status_expression` on ``today``: the yearly obligation's window (``tasks.yearly``)."""
    return current_year_window(today, current_calendar())


def status_expression(
    today: datetime.date,
    prefix: str = "",
    completed: str | None = None,
    calendar: WorkCalendar | None = None,
    *,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> Case:
    """The rule of :func:`derive_status` as a database expression (annotate with it).

    ``completed`` names another completion date to judge by, e.g. an annotation that keeps
    only completions on or before a period's cut-off (the status as it stood then). ``window``: the
    calendar's part given (:func:`year_window`), so that nothing else is read (``core.compiled``).
    """
    after, year_due = window or current_year_window(today, calendar or current_calendar())
    recurrence = f"{prefix}recurrence"
    due = F_(f"{prefix}effective_due_date")
    completed = completed or f"{prefix}completed_on"
    done = ~Q(**{f"{completed}__isnull": True})
    yearly = Q(**{recurrence: Recurrence.YEARLY})
    this_year_done = yearly & Q(**{f"{completed}__gt": after})
    return Case(
        When(~Q(**{f"{recurrence}__in": (Recurrence.NONE, Recurrence.YEARLY)}), then=Value(TaskStatus.ONGOING.value)),
        # A yearly task: this year's obligation, due on a date known here.
        When(this_year_done & Q(**{f"{completed}__lte": year_due}), then=Value(TaskStatus.DONE_ON_TIME.value)),
        When(this_year_done, then=Value(TaskStatus.DONE_LATE.value)),
        When(yearly, then=Value((TaskStatus.OVERDUE if today > year_due else TaskStatus.IN_PROGRESS).value)),
        # A one-off task: its working-day due date, stored on the row.
        When(done & (Q(IsNull(due, True)) | Q(LessThanOrEqual(F_(completed), due))), then=Value(TaskStatus.DONE_ON_TIME.value)),
        When(done, then=Value(TaskStatus.DONE_LATE.value)),
        When(Q(LessThan(due, Value(today))), then=Value(TaskStatus.OVERDUE.value)),
        default=Value(TaskStatus.IN_PROGRESS.value),
        output_field=CharField(),
    )


def status_label(code: str, *, extended: bool = False) -> str:
    """The status as pages, exports, summaries and the API show it: "Đã hoàn thành đúng hạn (đã gia hạn)"."""
    label = str(TaskStatus(code).label) if code in TaskStatus.values else code
    return _("%(status)s (extended)") % {"status": label} if extended else label
