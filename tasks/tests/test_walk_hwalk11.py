"""Findings of the walk hwalk11 (every role at 1366 and 390 px)."""

import datetime

import pytest
from django.urls import reverse

from plans.tests.factories import PlanFactory
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("where", ["public:tasks", "plan"])
def test_the_public_task_table_names_an_extension_once(client, where):
    # Walk: a task with an approved extension read "31/12/2020 / Gia hạn đến 31/03/2021" under "Hạn hoàn thành" and
    # again "31/03/2021" in its own column "Gia hạn đến" beside it: the same date twice in one row.
    plan = PlanFactory(symbol="28/KH-UBND")
    task = TaskFactory(plan=plan, number="8", due_date=datetime.date(2020, 12, 31), extended_due_date=datetime.date(2021, 3, 31))
    TaskAssignmentFactory(task=task)
    url = plan.get_absolute_url() if where == "plan" else reverse(where)
    page = client.get(url).content.decode()
    assert "Gia hạn đến 31/03/2021" in page
    assert page.count("31/03/2021") == 1
    assert 'data-column="extended_due_date"' not in page
    # the open data keeps its own column
    assert "extended_due_date" in client.get(reverse("public:open_data", args=[plan.pk, "json"])).getvalue().decode()
