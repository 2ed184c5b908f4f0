import datetime
import itertools

import pytest

from tasks.choices import Recurrence, TaskStatus
from tasks.models import Task
from tasks.status import derive_status, status_expression
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


@pytest.mark.django_db
def test_the_database_expression_agrees_with_the_python_rule():
    cases = itertools.product(
        [Recurrence.NONE, Recurrence.ONGOING],
        [None, D(2018, 12, 31), D(2019, 1, 10), D(2019, 6, 1)],
        [None, D(2018, 12, 1), D(2019, 1, 10), D(2019, 3, 1)],
    )
    for number, (recurrence, due, completed) in enumerate(cases):
        if recurrence != Recurrence.NONE:
            due = None
        TaskFactory(number=str(number), recurrence=recurrence, due_date=due, start_date=D(2018, 1, 1), completed_on=completed)
    for task in Task.objects.annotate(status_code=status_expression(TODAY)):
        assert task.status_code == task.status(TODAY), (task.recurrence, task.due_date, task.completed_on)
