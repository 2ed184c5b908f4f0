"""A task's status, derived from its due date and its accepted completion date.

The vocabulary is that of the Government Office's task tracking (Hệ thống theo dõi
nhiệm vụ, Văn phòng Chính phủ), as DOMAIN.md lists it. The status is never typed in:
:func:`derive_status` computes it for one task in Python and
:func:`status_expression` computes the same rule in SQL for lists and dashboards.
``tests/test_status.py`` proves the two agree.
"""

import datetime

from django.db.models import Case, CharField, Q, Value, When
from django.db.models import F as F_
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual
from django.utils.translation import gettext as _

from .choices import Recurrence, TaskStatus


def derive_status(
    *,
    recurrence: str,
    due_date: datetime.date | None,
    completed_on: datetime.date | None,
    today: datetime.date,
    extended_due_date: datetime.date | None = None,
) -> TaskStatus:
    """Return the status of a task on ``today``.

    An approved extension (gia hạn, QĐ 42/2014 and 23/2018) replaces the due date: the task is
    judged against the approved date; both dates are kept on the task.

    - Ongoing and yearly tasks report every period and are never overdue as a whole.
    - A completed task is on time when it was completed on or before its due date
      (a task without a due date is always on time).
    - An unfinished task is overdue once its due date has passed.
    """
    if recurrence != Recurrence.NONE:
        return TaskStatus.ONGOING
    due_date = extended_due_date or due_date
    if completed_on is not None:
        if due_date is None or completed_on <= due_date:
            return TaskStatus.DONE_ON_TIME
        return TaskStatus.DONE_LATE
    if due_date is not None and today > due_date:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS


def status_expression(today: datetime.date, prefix: str = "", completed: str | None = None) -> Case:
    """The rule of :func:`derive_status` as a database expression (annotate with it).

    ``completed`` names another completion date to judge by, e.g. an annotation that keeps
    only completions on or before a period's cut-off (the status as it stood then).
    """
    recurrence = f"{prefix}recurrence"
    due = Coalesce(f"{prefix}extended_due_date", f"{prefix}due_date")
    completed = completed or f"{prefix}completed_on"
    done = ~Q(**{f"{completed}__isnull": True})
    return Case(
        When(~Q(**{recurrence: Recurrence.NONE}), then=Value(TaskStatus.ONGOING.value)),
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
