import datetime
import itertools

import pytest

from tasks.choices import Recurrence, TaskStatus
from tasks.models import Task
from tasks.status import derive_status, status_expression, status_label
from tasks.tests.factories import TaskFactory

D = datetime.date
TODAY = D(2019, 1, 10)
DUE = D(2018, 12, 31)


@pytest.mark.parametrize(
    ("recurrence", "due", "completed", "status"),
    [
        (Recurrence.NONE, DUE, D(2018, 12, 31), TaskStatus.DONE_ON_TIME),
        (Recurrence.NONE, DUE, D(2019, 1, 1), TaskStatus.DONE_LATE),
        (Recurrence.NONE, D(2019, 1, 10), None, TaskStatus.IN_PROGRESS),
        (Recurrence.NONE, DUE, None, TaskStatus.OVERDUE),
        (Recurrence.NONE, None, None, TaskStatus.IN_PROGRESS),
        (Recurrence.NONE, None, D(2018, 5, 1), TaskStatus.DONE_ON_TIME),
        (Recurrence.ONGOING, None, None, TaskStatus.ONGOING),
        (Recurrence.YEARLY, None, None, TaskStatus.ONGOING),
    ],
)
def test_status_is_derived_from_due_and_completion_dates(recurrence, due, completed, status):
    assert derive_status(recurrence=recurrence, due_date=due, completed_on=completed, today=TODAY) == status


def test_an_approved_extension_replaces_the_due_date():
    extended = D(2019, 3, 31)
    assert (
        derive_status(recurrence="none", due_date=DUE, completed_on=None, today=TODAY, extended_due_date=extended) == TaskStatus.IN_PROGRESS
    )
    done = derive_status(recurrence="none", due_date=DUE, completed_on=D(2019, 3, 1), today=TODAY, extended_due_date=extended)
    assert done == TaskStatus.DONE_ON_TIME
    assert status_label(done, extended=True) == "Đã hoàn thành đúng hạn (đã gia hạn)"


@pytest.mark.django_db
def test_the_database_expression_agrees_with_the_python_rule():
    cases = itertools.product(
        [Recurrence.NONE, Recurrence.ONGOING],
        [None, D(2018, 12, 31), D(2019, 1, 10), D(2019, 6, 1)],
        [None, D(2018, 12, 1), D(2019, 1, 10), D(2019, 3, 1)],
        [None, D(2019, 2, 28)],  # an approved extension
    )
    for number, (recurrence, due, completed, extended) in enumerate(cases):
        if recurrence != Recurrence.NONE:
            due = None
        TaskFactory(
            number=str(number),
            recurrence=recurrence,
            due_date=due,
            start_date=D(2018, 1, 1),
            completed_on=completed,
            extended_due_date=extended if due else None,
        )
    for task in Task.objects.annotate(status_code=status_expression(TODAY)):
        assert task.status_code == task.status(TODAY), (task.recurrence, task.due_date, task.completed_on, task.extended_due_date)
