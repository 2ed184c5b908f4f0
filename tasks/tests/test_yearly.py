import datetime

import pytest

from plans.workdays import WorkCalendar, library_working_days
from tasks.choices import TaskStatus
from tasks.yearly import year_due, yearly_obligations

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


@pytest.mark.django_db
def test_this_years_work_drives_a_yearly_tasks_status_in_the_list_while_its_page_keeps_last_year_overdue(client, leader):
    from django.utils import timezone

    from plans.tests.factories import PlanFactory
    from tasks.tests.factories import TaskFactory

    today = timezone.localdate()
    if today <= year_due(today.year - 1, WorkCalendar(working_days=library_working_days(range(today.year - 1, today.year + 1)))):
        pytest.skip("the first days of January before last year's due date: a completion today is last year's work")
    plan = PlanFactory(starts_on=D(today.year - 1, 1, 1))
    task = TaskFactory(plan=plan, number="1", recurrence="yearly", timeframe="Hằng năm", start_date=D(today.year - 1, 1, 1), due_date=None)
    task.completed_on = today  # this year's work reported done (reports.services keeps this field)
    task.save(update_fields=["completed_on"])
    client.force_login(leader)
    listing = client.get("/dieu-hanh/nhiem-vu/", {"plan": plan.pk, "status": "done_on_time"})
    assert listing.context["page"].paginator.count == 1
    page = client.get(f"/dieu-hanh/nhiem-vu/{task.pk}/").content.decode()
    table = page[page.index("Nghĩa vụ từng năm") :]
    assert f"{today.year - 1}" in table and "Chưa hoàn thành, quá hạn" in table
