import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from plans.tests.factories import PlanFactory, SectionFactory
from reports.periods import period_due
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory


@dataclass
class World:
    plan: object
    task: object
    other_task: object
    period_code: str


@pytest.fixture
def world(agency_a, agency_b):
    """A plan in force with a task led by agency A (B cooperates) and a task of agency B alone."""
    plan = PlanFactory(symbol="28/KH-UBND", starts_on=datetime.date(2017, 8, 23), reporting_kinds=["half_year", "year"])
    section = SectionFactory(plan=plan, number="1", title="Tuyên truyền")
    task = TaskFactory(
        plan=plan,
        section=section,
        number="1",
        title="Tuyên truyền về chuyển đổi số",
        timeframe="2017 - 2030",
        start_date=datetime.date(2017, 1, 1),
        due_date=datetime.date(2030, 12, 31),
    )
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    TaskAssignmentFactory(task=task, agency=agency_b, role=AssignmentRole.COOPERATING)
    other = TaskFactory(
        plan=plan,
        section=section,
        number="2",
        title="Phát triển khoa học",
        timeframe="2017 - 2030",
        start_date=datetime.date(2017, 1, 1),
        due_date=datetime.date(2030, 12, 31),
    )
    TaskAssignmentFactory(task=other, agency=agency_b, role=AssignmentRole.LEAD)
    code = period_due(timezone.localdate(), "half_year", deadline_day=plan.report_deadline_day).code
    return World(plan, task, other, code)


def report_data(**overrides) -> dict:
    data = {
        "progress": "40",
        "work_state": "in_progress",
        "completed_on": "",
        "results": "Đã tổ chức 3 hội nghị",
        "difficulties": "",
        "proposals": "",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted(world, agency_a, officer_a, head_a):
    """Agency A's report on task 1 for the second half of 2018, sent by its head: waiting for the coordinator."""
    from reports.periods import parse_period_code
    from reports.services import report_save, report_transition, reporting_period_get_or_create

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=data, version=None)
    return report_transition(report=report, action="submit", by=head_a, notify=False)


@pytest.fixture
def filed(world, agency_a, officer_a, head_a, coordinator):
    """Agency A reported task 1 for the second half of 2018, on time; agency B has not reported task 2."""
    from reports.periods import parse_period_code
    from reports.services import reporting_period_get_or_create
    from reports.tests.helpers import report_accept

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report_accept(
        task=world.task,
        agency=agency_a,
        period=period,
        officer=officer_a,
        head=head_a,
        coordinator=coordinator,
        progress=40,
        at=datetime.datetime(2018, 12, 18, 3, 0, tzinfo=datetime.UTC),  # 10:00 in Vĩnh Long, before the deadline
        results="Đã tổ chức 3 hội nghị tuyên truyền",
        difficulties="Thiếu kinh phí cho hạ tầng",
        proposals="Đề nghị bổ sung kinh phí năm 2019",
    )
    return world
