"""manage.py figures_side_by_side: a plan's figures from the seven places that show them, side by side (issue 25)."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory, UserFactory
from reports.models import Summary
from reports.periods import parse_period_code
from reports.services import reporting_period_get_or_create
from reports.tests.helpers import report_accept
from tasks.choices import AssignmentRole
from tasks.models import Task
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory
from vinhlong_cmcn4.side_by_side import PLACES

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def plan(roles, coordinator):
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], coordinator=coordinator.agency)
    section = SectionFactory(plan=plan, number="I")
    agency = AgencyFactory()
    officer, head = UserFactory(agency=agency), UserFactory(agency=agency)
    officer.groups.set([roles["officer"]])
    head.groups.set([roles["head"]])
    period = reporting_period_get_or_create(period=parse_period_code("2025-H2"))
    for number, (start, due, progress) in enumerate(
        [
            (D(2025, 1, 1), D(2025, 6, 30), 100),
            (D(2025, 1, 1), D(2025, 9, 30), 40),
            (D(2025, 1, 1), D(2030, 12, 31), 25),
            (D(2025, 1, 1), None, 0),
        ],
        start=1,
    ):
        task = TaskFactory(plan=plan, section=section, number=str(number), start_date=start, due_date=due, position=number)
        TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
        if progress:
            report_accept(task=task, agency=agency, period=period, officer=officer, head=head, coordinator=coordinator, progress=progress)
    return plan


def _run(*args):
    out = io.StringIO()
    try:
        call_command("figures_side_by_side", "--plan", "28/KH-UBND", *args, stdout=out)
        code = 0
    except SystemExit as stop:
        code = stop.code
    return code, out.getvalue()


def test_the_seven_places_agree_and_the_check_leaves_nothing_behind(plan):
    code, out = _run("--json")
    read = json.loads(out)["28/KH-UBND"]
    assert code == 0 and read["disagreements"] == []
    places = read["places"]
    assert list(places) == list(PLACES) and all(places.values())
    assert {p["tasks"] for p in places.values()} == {4}
    assert {p["done_late"] for p in places.values()} == {1}  # done on 2025-H2's report, due 30/06/2025
    assert {round(p["progress"]) for p in places.values()} == {round((100 + 40 + 25) / 4)}
    assert not Summary.objects.exists()  # compiled to be read, not kept
    code, table = _run()
    assert code == 0 and "summary body" in table and table.rstrip().endswith("agree")


def test_a_place_that_disagrees_fails_the_check_and_is_named(plan):
    # A stored figure written behind the services' back: the task's progress no longer what its reports say, and the
    # dashboard's kept counts (tasks.kept) not told. The places reading the task's stored progress now differ.
    Task.objects.filter(plan=plan, number="3").update(progress=90)

    code, out = _run()

    assert code == 1
    named = out.split("DISAGREE")[1]
    assert "API" in named and "open data" in named
