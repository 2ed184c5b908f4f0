"""Every writer of several tasks' parts locks those tasks first, in the order of their ids, before it writes any of them.

A report's writer takes its task's row, then its report's (``reports.services.steps.report_locked``); a write of a
task's parts takes the task's row (``tasks.kept.task_parts_lock``). A writer of many tasks (a reorganisation applied
or undone, a reassignment, an annex imported) that took them one by one, as it came to each part, took them in the
order of its parts, and wrote a part before locking the next task: two such writers over the same tasks in different
orders each held a task the other waited for (a deadlock on PostgreSQL), and a part written before its task was locked
went past the lock every other writer of the task waits on. The trail below records, on any database, the rows each
``SELECT … FOR UPDATE`` returned and every write, in the order they happened.
"""

import datetime
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.query import QuerySet

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.services import agency_registry_load
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.reorganisation.selectors import waiting_for_reassignment
from reports.reorganisation.services import assignments_reassign, decision_apply, decision_undo
from tasks.choices import AssignmentRole
from tasks.importing.service import annex_import
from tasks.models import Task, TaskAssignment
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TASKS, PARTS = Task._meta.db_table, TaskAssignment._meta.db_table


@contextmanager
def lock_trail():
    """[("lock", table, ids) | ("write", table)] in the order the database saw them."""
    trail: list[tuple] = []
    fetch = QuerySet._fetch_all

    def fetch_recorded(queryset):
        fetch(queryset)
        if queryset.query.select_for_update:
            ids = [row.pk if hasattr(row, "pk") else row for row in queryset._result_cache]
            trail.append(("lock", queryset.model._meta.db_table, ids))

    def writes(execute, sql, params, many, context):
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = next((t for t in (TASKS, PARTS) if f'"{t}"' in sql), None)
            if table:
                trail.append(("write", table))
        return execute(sql, params, many, context)

    QuerySet._fetch_all = fetch_recorded
    try:
        with connection.execute_wrapper(writes):
            yield trail
    finally:
        QuerySet._fetch_all = fetch


def tasks_first_in_order(trail: list[tuple]) -> tuple[list[int], list[tuple]]:
    """The tasks in the order first locked, and what came wrong: a task first locked after a write of tasks or parts."""
    first_locked: list[int] = []
    wrong = []
    written = False
    for event in trail:
        if event[0] == "write":
            written = True
        elif event[1] == TASKS:
            for task_id in event[2]:
                if task_id not in first_locked:
                    first_locked.append(task_id)
                    if written:
                        wrong.append(event)
    return first_locked, wrong


@pytest.fixture
def world():
    """Three open tasks an agency leads, its parts written in the reverse order of the tasks (as an import of an annex
    can leave them), and the successor already cooperating on the middle one (the parts fold into one)."""
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 8, 23))
    section = SectionFactory(plan=plan, number="1")
    old, new = AgencyFactory(), AgencyFactory()
    tasks = [TaskFactory(plan=plan, section=section, number=str(n), start_date=D(2018, 1, 1), due_date=D(2030, 12, 31)) for n in (1, 2, 3)]
    for task in reversed(tasks):
        TaskAssignmentFactory(task=task, agency=old, role=AssignmentRole.LEAD)
    TaskAssignmentFactory(task=tasks[1], agency=new, role=AssignmentRole.COOPERATING)
    merger = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=D(2030, 3, 1))
    ReorganisationChange.objects.create(decision=merger, kind=ChangeKind.MERGE, source=old, target=new)
    return {"tasks": sorted(task.pk for task in tasks), "old": old, "new": new, "merger": merger}


def test_applying_a_decision_locks_the_tasks_it_moves_first_in_order(world):
    with lock_trail() as trail:
        decision_apply(decision=world["merger"], by=None)
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == world["tasks"] and wrong == []


def test_undoing_a_decision_locks_the_tasks_it_gives_back_first_in_order(world):
    decision_apply(decision=world["merger"], by=None)
    with lock_trail() as trail:
        decision_undo(decision=world["merger"], today=D(2030, 1, 1))
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == world["tasks"] and wrong == []
    assert set(TaskAssignment.objects.values_list("task_id", "agency_id", "role")) == {
        *((task_id, world["old"].pk, AssignmentRole.LEAD) for task_id in world["tasks"]),
        (world["tasks"][1], world["new"].pk, AssignmentRole.COOPERATING),
    }


def test_reassigning_a_dissolved_agencys_tasks_locks_them_first_in_order(world):
    dissolution = ReorganisationDecision.objects.create(number="12/2025/NQ-HĐND", effective_on=D(2025, 7, 1))
    ReorganisationChange.objects.create(decision=dissolution, kind=ChangeKind.DISSOLVE, source=world["old"], target=None)
    decision_apply(decision=dissolution, by=None)
    queue = list(waiting_for_reassignment(today=D(2026, 1, 5)).order_by("pk"))
    assert sorted(a.task_id for a in queue) == world["tasks"]
    with lock_trail() as trail:
        assignments_reassign(assignments=queue, agency=world["new"], today=D(2026, 1, 5))
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == world["tasks"] and wrong == []
    # and then its parts: the tasks come before any other row, as a report's writer takes its task before its report
    assert trail[0][:2] == ("lock", TASKS)


def test_importing_an_annex_again_locks_the_tasks_it_rewrites_first_in_order():
    agency_registry_load()
    plan = PlanFactory(symbol="28/KH-UBND", starts_on=D(2017, 8, 23))
    sample = Path(__file__).resolve().parents[2] / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"
    assert annex_import(plan=plan, upload=sample).ok
    Task.objects.filter(plan=plan).update(title="Tên cũ")  # the file says otherwise: every task is written again
    with lock_trail() as trail:
        outcome = annex_import(plan=plan, upload=sample)
    assert outcome.summary.updated == 7
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == sorted(Task.objects.filter(plan=plan).values_list("pk", flat=True)) and wrong == []


def test_judging_due_dates_again_locks_the_tasks_it_writes_first_in_order(world):
    """The daily upkeep's (or a calendar edit's) due dates: written one judged date at a time, each UPDATE took its tasks
    in the order of their dates (the smaller id due later here), not in the order every writer of several tasks takes."""
    from tasks.services import task_due_dates_refresh

    for days, task_id in enumerate(world["tasks"]):
        Task.objects.filter(pk=task_id).update(due_date=D(2030, 12, 31) - datetime.timedelta(days=days), effective_due_date=None)
    with lock_trail() as trail:
        assert task_due_dates_refresh() == 3
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == world["tasks"] and wrong == []


def test_placing_tasks_again_after_their_sections_moved_locks_them_first_in_order(world):
    """A section moved in the admin (or the daily upkeep) stores its tasks' place in the lists again: one UPDATE took
    them in the order it found them, not in the order every writer of several tasks takes."""
    from tasks.services import tasks_order_refresh

    Task.objects.filter(pk__in=world["tasks"]).update(order_key=0)
    with lock_trail() as trail:
        assert tasks_order_refresh() == 3
    first_locked, wrong = tasks_first_in_order(trail)
    assert first_locked == world["tasks"] and wrong == []
