import datetime
import itertools
import random

import pytest

from plans.workdays import WorkCalendar
from tasks.choices import Recurrence, TaskStatus
from tasks.models import Task
from tasks.status import derive_status, status_expression, status_label
from tasks.tests.factories import TaskFactory

D = datetime.date
TODAY = D(2019, 1, 10)
DUE = D(2018, 12, 28)  # a Friday, worked


@pytest.mark.parametrize(
    ("recurrence", "due", "completed", "status"),
    [
        (Recurrence.NONE, DUE, D(2018, 12, 28), TaskStatus.DONE_ON_TIME),
        (Recurrence.NONE, DUE, D(2019, 1, 2), TaskStatus.DONE_LATE),
        (Recurrence.NONE, D(2019, 1, 10), None, TaskStatus.IN_PROGRESS),
        (Recurrence.NONE, DUE, None, TaskStatus.OVERDUE),
        (Recurrence.NONE, None, None, TaskStatus.IN_PROGRESS),
        (Recurrence.NONE, None, D(2018, 5, 1), TaskStatus.DONE_ON_TIME),
        (Recurrence.ONGOING, None, None, TaskStatus.ONGOING),
        (Recurrence.YEARLY, None, None, TaskStatus.IN_PROGRESS),  # this year's work, due 31/12/2019
        (Recurrence.YEARLY, None, D(2019, 1, 8), TaskStatus.DONE_ON_TIME),
        (Recurrence.YEARLY, None, D(2018, 12, 20), TaskStatus.IN_PROGRESS),  # last year's completion
    ],
)
def test_status_is_derived_from_due_and_completion_dates(recurrence, due, completed, status):
    assert derive_status(recurrence=recurrence, due_date=due, completed_on=completed, today=TODAY) == status


def test_an_approved_extension_replaces_the_due_date():
    extended = D(2019, 3, 29)
    assert (
        derive_status(recurrence="none", due_date=DUE, completed_on=None, today=TODAY, extended_due_date=extended) == TaskStatus.IN_PROGRESS
    )
    done = derive_status(recurrence="none", due_date=DUE, completed_on=D(2019, 3, 1), today=TODAY, extended_due_date=extended)
    assert done == TaskStatus.DONE_ON_TIME
    assert status_label(done, extended=True) == "Đã hoàn thành đúng hạn (đã gia hạn)"


def test_a_due_date_on_a_weekend_or_a_day_off_is_judged_as_the_next_working_day():
    # Saturday 01/06/2019 → Monday 03/06/2019; 17/02/2026 (Tết) → Monday 23/02/2026.
    assert derive_status(recurrence="none", due_date=D(2019, 6, 1), completed_on=D(2019, 6, 3), today=TODAY) == TaskStatus.DONE_ON_TIME
    assert derive_status(recurrence="none", due_date=D(2019, 6, 1), completed_on=None, today=D(2019, 6, 3)) == TaskStatus.IN_PROGRESS
    assert derive_status(recurrence="none", due_date=D(2019, 6, 1), completed_on=None, today=D(2019, 6, 4)) == TaskStatus.OVERDUE
    assert derive_status(recurrence="none", due_date=D(2026, 2, 17), completed_on=D(2026, 2, 23), today=TODAY) == TaskStatus.DONE_ON_TIME
    # An approved extension to a Sunday moves too.
    assert (
        derive_status(recurrence="none", due_date=DUE, completed_on=D(2019, 3, 4), today=TODAY, extended_due_date=D(2019, 3, 3))
        == TaskStatus.DONE_ON_TIME
    )


def test_a_yearly_task_takes_the_status_of_this_years_obligation():
    calendar = WorkCalendar()
    # 31/12/2022 is a Saturday and 02/01/2023 the New Year's day off: 2022's work is due 03/01/2023.
    on = {"recurrence": Recurrence.YEARLY, "due_date": None, "calendar": calendar}
    assert derive_status(**on, completed_on=D(2023, 1, 3), today=D(2023, 1, 20)) == TaskStatus.IN_PROGRESS  # 2022's work
    assert derive_status(**on, completed_on=D(2023, 1, 4), today=D(2023, 1, 20)) == TaskStatus.DONE_ON_TIME  # 2023's
    assert derive_status(**on, completed_on=None, today=D(2023, 12, 29)) == TaskStatus.IN_PROGRESS


def _random_tasks(rng: random.Random, count: int) -> None:
    days = [None, D(2018, 12, 28), D(2018, 12, 31), D(2019, 1, 1), D(2019, 1, 10), D(2019, 2, 9), D(2019, 6, 1), D(2020, 1, 25)]
    for number in range(count):
        recurrence = rng.choice([Recurrence.NONE, Recurrence.NONE, Recurrence.ONGOING, Recurrence.YEARLY])
        due = rng.choice(days) if recurrence == Recurrence.NONE else None
        extended = rng.choice([None, None, D(2019, 2, 10), D(2019, 3, 1)]) if due else None
        TaskFactory(
            number=f"r{number}",
            recurrence=recurrence,
            due_date=due,
            start_date=D(2018, 1, 1),
            completed_on=rng.choice([*days, D(2019, 1, 2), D(2019, 3, 4)]),
            extended_due_date=extended,
        )


@pytest.mark.django_db
def test_the_database_expression_agrees_with_the_python_rule():
    cases = itertools.product(
        [Recurrence.NONE, Recurrence.ONGOING, Recurrence.YEARLY],
        [None, D(2018, 12, 31), D(2019, 1, 10), D(2019, 6, 1)],
        [None, D(2018, 12, 1), D(2019, 1, 2), D(2019, 1, 10), D(2019, 3, 1)],
        [None, D(2019, 2, 28), D(2019, 3, 2)],  # an approved extension, one to a Saturday
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
    _random_tasks(random.Random(13), 150)
    for today in (TODAY, D(2019, 1, 1), D(2019, 1, 2), D(2019, 6, 3), D(2019, 12, 31), D(2020, 1, 2)):
        for task in Task.objects.annotate(status_code=status_expression(today)):
            assert task.status_code == task.status(today), (
                today,
                task.recurrence,
                task.due_date,
                task.completed_on,
                task.extended_due_date,
            )


@pytest.mark.django_db
def test_an_announced_day_off_re_judges_the_tasks_due_that_day(client, sysadmin):
    from plans.models import CalendarDay

    task = TaskFactory(number="1", due_date=D(2026, 3, 20), start_date=D(2026, 1, 1), completed_on=D(2026, 3, 23))  # a Friday
    later = D(2026, 4, 1)

    def judged():
        row = Task.objects.annotate(status_code=status_expression(later)).get(pk=task.pk)
        assert row.status_code == row.status(later)  # the stored working-day date follows the calendar
        return row.due_date, row.effective_due_date, row.status_code

    assert judged() == (D(2026, 3, 20), D(2026, 3, 20), TaskStatus.DONE_LATE)
    client.force_login(sysadmin)
    response = client.post("/admin/plans/calendarday/add/", {"day": "20/03/2026", "kind": "day_off", "name": "Ngày hội tỉnh"})
    assert response.status_code == 302
    assert judged() == (D(2026, 3, 20), D(2026, 3, 23), TaskStatus.DONE_ON_TIME)  # the plan's date is kept
    day = CalendarDay.objects.get()
    response = client.post(f"/admin/plans/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert judged() == (D(2026, 3, 20), D(2026, 3, 20), TaskStatus.DONE_LATE)
