"""One roll-up rule: a plan's figures and lists include the tasks of the plans carrying it out (Plan.parent)."""

import datetime
import json

import pytest
from rest_framework.test import APIClient

from plans.tests.factories import PlanFactory
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def plan_28():
    """Like 28/KH-UBND: no task of its own, its work in the department's plan 125/KH-SKHCN."""
    parent = PlanFactory(symbol="28/KH-UBND")
    child = PlanFactory(symbol="125/KH-SKHCN", parent=parent)
    TaskFactory(plan=child, number="1", title="Số hoá hồ sơ khoa học", due_date=D(2019, 6, 28), completed_on=D(2019, 6, 1))
    TaskFactory(plan=child, number="2", title="Xây dựng nền tảng dữ liệu", due_date=D(2019, 6, 28))
    TaskFactory(plan=PlanFactory(symbol="99/KH-UBND"), number="1", title="Nhiệm vụ của kế hoạch khác")
    return parent


def test_the_public_page_of_a_parent_plan_counts_and_lists_its_child_plans_tasks(client, plan_28):
    response = client.get(f"/ke-hoach/{plan_28.pk}/")
    counts = response.context["counts"]
    assert counts["done_on_time"] == 1 and counts["overdue"] == 1 and sum(counts.values()) == 2
    page = response.content.decode()
    assert "Số hoá hồ sơ khoa học" in page and "Xây dựng nền tảng dữ liệu" in page and "125/KH-SKHCN" in page
    assert "Nhiệm vụ của kế hoạch khác" not in page
    data = json.loads(client.get(f"/ke-hoach/{plan_28.pk}/du-lieu.json").getvalue())
    assert sorted(row["plan_symbol"] for row in data["tasks"]) == ["125/KH-SKHCN", "125/KH-SKHCN"]


def test_the_leadership_list_filtered_by_a_parent_plan_shows_its_child_plans_tasks(client, leader, plan_28):
    client.force_login(leader)
    page = client.get("/dieu-hanh/nhiem-vu/", {"plan": plan_28.pk}).content.decode()
    assert "Số hoá hồ sơ khoa học" in page and "Xây dựng nền tảng dữ liệu" in page
    assert "Nhiệm vụ của kế hoạch khác" not in page
    overdue = client.get("/dieu-hanh/nhiem-vu/", {"plan": plan_28.pk, "status": "overdue"}).content.decode()
    assert "Xây dựng nền tảng dữ liệu" in overdue and "Số hoá hồ sơ khoa học" not in overdue


@pytest.mark.parametrize("named_by", ["id", "symbol"])
def test_the_api_task_list_of_a_parent_plan_holds_its_child_plans_tasks(plan_28, named_by):
    value = plan_28.pk if named_by == "id" else "28/KH-UBND"
    results = APIClient().get("/api/v1/tasks/", {"plan": value}).json()["results"]
    assert sorted(row["title"] for row in results) == ["Số hoá hồ sơ khoa học", "Xây dựng nền tảng dữ liệu"]
    assert {row["status"] for row in results} == {"done_on_time", "overdue"}


def test_the_public_figures_from_the_kept_counts_equal_those_read_off_every_task(plan_28):
    """The public pages read a plan's progress, task count and status counts off the kept task counts; the rule is
    the one read off every task (``plan_progress_subquery``, ``plan_task_count_subquery``, ``status_counts``)."""
    from plans import policy
    from plans.models import Plan
    from tasks.models import Task, TaskCount
    from tasks.selectors import (
        family_figures_kept,
        plan_progress_subquery,
        plan_task_count_subquery,
        status_counts,
        status_counts_kept,
        tasks_of_plans_q,
    )

    hidden = PlanFactory(symbol="7/KH-SNV", parent=plan_28, is_published=False)
    TaskFactory(plan=hidden, number="1", title="Việc chưa công bố", progress=30, due_date=D(2019, 6, 28))
    child = Plan.objects.get(symbol="125/KH-SKHCN")
    Task.objects.filter(plan=child, number="2").update(progress=45)  # no signal: the kept counts are rebuilt below
    from tasks.kept import task_counts_refresh

    task_counts_refresh()
    plans = Plan.objects.annotate(progress=plan_progress_subquery(), n=plan_task_count_subquery())
    kept = family_figures_kept(Plan.objects.all())
    for plan in plans:
        progress, n = kept.get(plan.pk, (None, 0))
        assert n == plan.n and (progress is None) == (plan.progress is None), plan.symbol
        assert progress is None or abs(progress - float(plan.progress)) < 1e-9, plan.symbol
    for today in (D(2019, 1, 1), D(2019, 6, 29), D(2026, 12, 6)):
        for plan in Plan.objects.all():
            tasks = policy.public(Task.objects.filter(tasks_of_plans_q([plan.pk])))
            counts = TaskCount.objects.filter(tasks_of_plans_q([plan.pk]), plan__in=policy.public(Plan.objects.all()))
            assert status_counts_kept(counts, today=today) == status_counts(tasks, today=today), (plan.symbol, today)
