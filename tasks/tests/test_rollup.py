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
