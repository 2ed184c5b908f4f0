import datetime

import pytest

from plans.workdays import WorkCalendar
from tasks.choices import TaskStatus
from tasks.yearly import yearly_obligations

D = datetime.date


def test_a_yearly_task_not_done_last_year_is_overdue_for_that_year_and_in_progress_this_year():
    years = yearly_obligations(start=D(2024, 3, 1), today=D(2026, 6, 1), completions={2024: D(2024, 12, 20)}, calendar=WorkCalendar())
    assert [(y.year, y.status) for y in years] == [
        (2026, TaskStatus.IN_PROGRESS),
        (2025, TaskStatus.OVERDUE),
        (2024, TaskStatus.DONE_ON_TIME),
    ]


def test_31_december_on_a_weekend_moves_the_yearly_due_date_to_the_next_working_day():
    # 31/12/2022 is a Saturday; 01/01/2023 a Sunday and New Year (observed Monday 02/01): due Tuesday 03/01/2023.
    (year,) = yearly_obligations(start=D(2022, 1, 1), today=D(2022, 12, 1), completions={}, calendar=WorkCalendar())
    assert year.due == D(2023, 1, 3)
    late = yearly_obligations(start=D(2022, 1, 1), today=D(2023, 2, 1), completions={2022: D(2023, 1, 5)}, calendar=WorkCalendar())
    assert late[-1].status == TaskStatus.DONE_LATE


@pytest.mark.django_db
def test_the_task_page_shows_each_year_of_a_yearly_task(client, leader):
    from plans.tests.factories import PlanFactory
    from tasks.tests.factories import TaskFactory

    task = TaskFactory(
        plan=PlanFactory(starts_on=D(2024, 1, 1)),
        number="1",
        recurrence="yearly",
        timeframe="Hằng năm",
        start_date=D(2024, 1, 1),
        due_date=None,
    )
    client.force_login(leader)
    page = client.get(f"/dieu-hanh/nhiem-vu/{task.pk}/").content.decode()
    table = page[page.index("Nghĩa vụ từng năm") :]
    assert "2024" in table and "Chưa hoàn thành, quá hạn" in table
