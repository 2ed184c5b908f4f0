"""The task list's stored order (tasks.ordering): kept by saves, the importer and the admin, read by the API
as an index range, and walked whole by a cursor."""

from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory, SectionFactory
from tasks.importing.service import annex_import
from tasks.models import Task
from tasks.services import tasks_order_refresh
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"


@pytest.fixture
def plans():
    """Two published plans whose sections and tasks were entered out of order, one task without a section."""
    first, second = PlanFactory(symbol="1/KH-UBND"), PlanFactory(symbol="2/KH-UBND")
    late, early = SectionFactory(plan=first, number="II", position=2), SectionFactory(plan=first, number="I", position=1)
    TaskFactory(plan=second, section=SectionFactory(plan=second, number="I", position=1), number="1", position=1)
    TaskFactory(plan=first, section=late, number="3", position=1)
    TaskFactory(plan=first, section=None, number="9", position=0)
    TaskFactory(plan=first, section=early, number="2", position=5)
    TaskFactory(plan=first, section=early, number="1", position=5)
    TaskFactory(plan=first, section=late, number="4", position=0)
    return first, second


def documented_order() -> list[int]:
    """Plan, section position (tasks without a section after the sections), task position, id."""
    tasks = Task.objects.select_related("section")
    return [
        t.pk for t in sorted(tasks, key=lambda t: (t.plan_id, t.section is None, t.section.position if t.section else 0, t.position, t.pk))
    ]


def listed(client, **params) -> list[int]:
    return [row["id"] for row in client.get("/api/v1/tasks/", params).json()["results"]]


def walked(client, page_size: int, between_pages=None) -> list[int]:
    ids, response = [], client.get("/api/v1/tasks/", {"cursor": "", "page_size": page_size}).json()
    while True:
        ids += [row["id"] for row in response["results"]]
        if not response["next"]:
            return ids
        if between_pages:
            between_pages()
        response = client.get(response["next"]).json()


def test_the_api_lists_tasks_by_plan_section_position_task_position_and_id(plans):
    assert listed(APIClient()) == documented_order()


def test_page_numbers_still_work_with_their_count(plans):
    client = APIClient()
    second_page = client.get("/api/v1/tasks/", {"page": 2, "page_size": 4}).json()
    assert second_page["count"] == 6 and [row["id"] for row in second_page["results"]] == documented_order()[4:]


def test_a_client_walks_every_task_once_by_cursor_in_the_documented_order(plans):
    assert walked(APIClient(), page_size=2) == documented_order()


def test_a_task_added_while_a_client_walks_by_cursor_neither_repeats_nor_hides_the_others(plans):
    first, _second = plans
    before = documented_order()
    added = []

    def add_task_at_the_start():
        if not added:
            added.append(TaskFactory(plan=first, section=first.sections.get(number="I"), number="0", position=0))

    ids = walked(APIClient(), page_size=2, between_pages=add_task_at_the_start)
    assert ids == before  # the new task sorts before the cursor: the walk goes on where it was


def test_an_invalid_cursor_is_refused_in_vietnamese(plans):
    response = APIClient().get("/api/v1/tasks/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert "cursor" in response.json()["error"]["message"] and "không hợp lệ" in response.json()["error"]["message"]


def test_the_schema_documents_the_cursor_and_an_optional_count(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert {"cursor", "page", "page_size"} <= parameters
    page = schema["components"]["schemas"]["PaginatedTaskList"]
    assert page["required"] == ["results"]


def test_moving_a_section_in_the_admin_moves_its_tasks_in_the_list(plans, sysadmin, client):
    first, _second = plans
    section = first.sections.get(number="II")
    client.force_login(sysadmin)
    response = client.post(
        f"/admin/plans/section/{section.pk}/change/", {"plan": first.pk, "number": "II", "title": section.title, "position": 0}
    )
    assert response.status_code == 302, response.content[:500]
    assert listed(APIClient()) == documented_order()
    assert [Task.objects.get(pk=pk).number for pk in listed(APIClient())][:2] == ["4", "3"]


def test_a_task_saved_with_a_new_position_takes_its_new_place(plans):
    task = Task.objects.get(plan=plans[0], number="1")
    task.position = 99
    task.save(update_fields=["position"])
    assert listed(APIClient()) == documented_order()


def test_the_refresh_puts_back_the_places_of_tasks_written_around_the_models(plans):
    Task.objects.update(order_key=0)
    assert tasks_order_refresh() == 6
    assert listed(APIClient()) == documented_order()
    assert tasks_order_refresh() == 0  # nothing left to move


def test_imported_tasks_get_their_places_in_the_plan(db):
    agency_registry_load()
    plan = PlanFactory(symbol="28/KH-UBND")
    assert annex_import(plan=plan, upload=SAMPLE).ok
    assert tasks_order_refresh() == 0
    assert listed(APIClient(), plan=plan.pk) == documented_order()


@pytest.mark.postgres
def test_a_page_of_tasks_is_read_from_the_index_not_sorted(plans):
    from tasks.selectors import task_list

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show what it would do at scale
        query = task_list(tasks=Task.objects.all()).order_by("order_key", "id")[40:50].query
        sql, params = query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "task_order_key_idx" in plan and "Sort" not in plan, plan
