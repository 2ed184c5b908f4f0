"""The dashboard page, put together from its two parts kept apart (``reports.dashboard.dashboard_parts_shown``), says
what the dashboard computed from the data now says, after each kind of change of a report: sent, returned, sent
again, recalled, accepted, withdrawn (the tasks' part is kept through a change of reports alone)."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plans.tests.factories import PlanFactory, SectionFactory
from reports.dashboard import dashboard_afresh
from reports.lineage import PREDECESSORS_PARAM
from reports.periods import parse_period_code, period_due
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.withdrawal import report_withdraw
from tasks.choices import AssignmentRole, Recurrence, TaskStatus
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _json(page: str, element: str) -> dict:
    return json.loads(re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', page, re.S).group(1))


def _shown(page: str) -> dict:
    """The numbers the page shows: its totals, each plan's tasks by status, the trend, each agency's overdue and missing."""
    assert "<!--dashboard:" not in page  # both parts put in their places
    header = re.search(r'fs-3 fw-bold">(\d+)</div>.*?text-danger">(\d+)</div>.*?text-warning-emphasis">(\d+)</div>', page, re.S)
    charts, agencies = _json(page, "dashboard-data"), _json(page, "dashboard-agencies-data")
    return {
        "totals": tuple(int(n) for n in header.groups()),
        "plans": [dataset["data"] for dataset in charts["plans"]["datasets"]],
        "trend": (charts["trend"]["progress"], charts["trend"]["overdue"]),
        "agencies": dict(zip(agencies["labels"], zip(*(dataset["data"] for dataset in agencies["datasets"]), strict=True), strict=True)),
    }


def _afresh() -> dict:
    board = dashboard_afresh()
    return {
        "totals": (board.totals["tasks"], board.totals["overdue"], board.totals["missing"]),
        "plans": [[plan.counts[status.value] for plan in board.plans] for status in TaskStatus],
        "trend": ([point["progress"] for point in board.trend], [point["overdue"] for point in board.trend]),
        "agencies": {row["agency"].short_name: (row["overdue"], row["missing"]) for row in board.agencies[:15]},
    }


@pytest.mark.parametrize("predecessors", [False, True])
def test_the_page_says_what_the_data_says_after_each_step_of_a_report(
    client, leader, settings, predecessors, agency_a, agency_b, officer_a, head_a, coordinator, sysadmin, django_capture_on_commit_callbacks
):
    settings.FIGURES_BEHIND_SECONDS = 0  # every reader computes what changed on its own time: the page read is the new one
    plan = PlanFactory(symbol="1/KH-UBND", reporting_kinds=["half_year", "year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1", position=1)
    tasks = []
    for n in range(4):
        task = TaskFactory(
            plan=plan, section=section, number=str(n + 1), progress=10 * n, start_date=D(2018, 1, 1), due_date=D(2018, 12, 31),
            recurrence=Recurrence.NONE,
        )  # fmt: skip
        TaskAssignmentFactory(task=task, agency=(agency_a, agency_b)[n % 2], role=AssignmentRole.LEAD)
        tasks.append(task)
    client.force_login(leader)
    url = reverse("reports:dashboard") + (f"?{PREDECESSORS_PARAM}=1" if predecessors else "")

    seen = []

    def check(step: str) -> None:
        shown = _shown(client.get(url).content.decode())
        assert shown == _afresh(), step
        seen.append(shown)

    check("before")
    today = timezone.localdate()
    due = reporting_period_get_or_create(period=period_due(today, "half_year", deadline_day=plan.report_deadline_day))
    closed = reporting_period_get_or_create(period=parse_period_code("2026-H1"))  # the trend's last closed period
    steps = [
        ("submit", head_a, ""),
        ("return", coordinator, "Bổ sung số liệu"),
        ("submit", head_a, ""),
        ("recall", head_a, ""),
        ("submit", head_a, ""),
        ("accept", coordinator, ""),
    ]
    for task, period, progress in ((tasks[0], due, 100), (tasks[2], closed, 60)):
        data = {"progress": progress, "work_state": "in_progress", "results": "Đã triển khai"}
        if progress == 100:
            data.update(work_state="completed", completed_on=today - datetime.timedelta(days=1))
        report = report_save(task=task, agency=agency_a, period=period, by=officer_a, data=data, version=None)
        for action, by, comment in steps:
            connection.run_on_commit.clear()  # the writes before, as committed (the test's transaction never commits)
            with django_capture_on_commit_callbacks(execute=True):
                report = report_transition(report=report, action=action, by=by, comment=comment, notify=False)
            check(f"{action} {period}")
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            report_withdraw(report=report, by=sysadmin, reason="Nhập nhầm")
        check(f"withdraw {period}")
    # What was shown moved as the steps did: a report missing, then sent; a task completed; the trend's last point.
    assert {shown["totals"][1:] for shown in seen} == {(4, 4), (4, 3), (3, 3)}
    assert {shown["trend"][0][-1] for shown in seen} == {None, 60}


def test_a_page_read_while_changes_come_in_quick_succession_never_puts_together_parts_of_before_and_after_a_task_changed(
    client, leader, settings, monkeypatch, agency_a, agency_b, officer_a, head_a, django_capture_on_commit_callbacks
):
    """Reports sent move the agencies' part alone, which is then computed again often (its latest value recent), while
    the tasks' part is kept from long ago: the first reader after a change of a task computed the tasks' part on its
    time (its value before not recent) and was served the agencies' part from before the change (recent), computed
    after its response: a page whose plan counted 5 tasks overdue and whose agencies 4."""
    import types

    from core import shared_figures

    settings.FIGURES_BEHIND_SECONDS = 60
    clock = [1_000_000.0]
    monkeypatch.setattr(
        shared_figures, "time", types.SimpleNamespace(time=lambda: clock[0], monotonic=lambda: clock[0], sleep=lambda s: None)
    )
    plan = PlanFactory(symbol="1/KH-UBND", reporting_kinds=["half_year", "year"], starts_on=D(2017, 1, 1))
    for n in range(4):
        task = TaskFactory(plan=plan, number=str(n + 1), start_date=D(2018, 1, 1), due_date=D(2018, 12, 31), recurrence=Recurrence.NONE)
        TaskAssignmentFactory(task=task, agency=(agency_a, agency_b)[n % 2], role=AssignmentRole.LEAD)
    client.force_login(leader)

    def shown() -> dict:
        return _shown(client.get(reverse("reports:dashboard")).content.decode())

    assert shown() == _afresh()
    clock[0] += 3600  # an hour later, reports are sent: the agencies' part is computed again, the tasks' kept
    period = reporting_period_get_or_create(period=period_due(timezone.localdate(), "half_year", deadline_day=plan.report_deadline_day))
    report = report_save(
        task=plan.tasks.get(number="1"), agency=agency_a, period=period, by=officer_a,
        data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai"}, version=None,
    )  # fmt: skip
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, action="submit", by=head_a, notify=False)
    connection.run_on_commit.clear()
    assert shown() == _afresh()
    clock[0] += 10  # a task added ten seconds later: both parts move
    with django_capture_on_commit_callbacks(execute=True):
        task = TaskFactory(plan=plan, number="9", start_date=D(2018, 1, 1), due_date=D(2018, 12, 31), recurrence=Recurrence.NONE)
        TaskAssignmentFactory(task=task, agency=agency_b, role=AssignmentRole.LEAD)
    page = shown()
    assert page["totals"][1] == sum(overdue for overdue, _missing in page["agencies"].values())  # each task led by one agency
    assert page == _afresh()
