"""An indicator's reporting agency follows reorganisation decisions as tasks do, as of each day: a merger or a renaming
through the lineage, a split or a transfer of functions with the tasks that move it; past periods keep who reported then."""

import datetime
from decimal import Decimal as D

import pytest

from indicators.models import Indicator
from indicators.selectors import indicators_reported_by, reported_by_q, reporting_agency_on
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.choices import ChangeKind
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.reorganisation.services import decision_apply, decision_undo
from tasks.models import TaskDestination

from .test_reorganisation import decision, task_of

pytestmark = pytest.mark.django_db
BEFORE, AFTER = datetime.date(2024, 12, 31), datetime.date(2025, 6, 30)


@pytest.fixture
def plan():
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=datetime.date(2017, 8, 23))
    SectionFactory(plan=plan, number="1")
    return plan


def indicator_of(plan, agency, *tasks, code="CT-01"):
    indicator = IndicatorFactory(plan=plan, agency=agency, code=code)
    indicator.tasks.add(*tasks)
    TargetFactory(indicator=indicator, year=2030, value=D(95))
    return indicator


def test_a_merger_hands_the_indicator_on_from_its_effective_date_and_not_before(plan):
    old, new = AgencyFactory(), AgencyFactory()
    task = task_of(plan, old, number=1)
    indicator = indicator_of(plan, old, task)
    decision_apply(decision=decision((ChangeKind.MERGE, old, new)), by=None)
    assert reporting_agency_on(indicator, BEFORE) == old and reporting_agency_on(indicator, AFTER) == new
    assert indicators_reported_by(task_id=task.pk, agency_id=old.pk, day=BEFORE) == [indicator]
    assert indicators_reported_by(task_id=task.pk, agency_id=new.pk, day=AFTER) == [indicator]


def test_a_transfer_of_functions_hands_on_the_indicator_of_the_tasks_it_moves_as_of_its_date(plan):
    stttt, svh = AgencyFactory(), AgencyFactory()
    press, digital = task_of(plan, stttt, number=1), task_of(plan, stttt, number=2)
    readers = indicator_of(plan, stttt, press, code="BC-01")
    online = indicator_of(plan, stttt, digital, code="CDS-01")
    made = decision((ChangeKind.FUNCTIONS, stttt, svh))
    TaskDestination.objects.create(change=made.changes.get(), task=press)
    decision_apply(decision=made, by=None)
    readers.refresh_from_db()
    online.refresh_from_db()
    assert reporting_agency_on(readers, AFTER) == svh and reporting_agency_on(online, AFTER) == stttt
    assert reporting_agency_on(readers, BEFORE) == stttt  # the periods before the decision keep who reported then
    assert indicators_reported_by(task_id=press.pk, agency_id=svh.pk, day=AFTER) == [readers]
    assert indicators_reported_by(task_id=press.pk, agency_id=stttt.pk, day=BEFORE) == [readers]
    assert indicators_reported_by(task_id=press.pk, agency_id=stttt.pk, day=AFTER) == []
    assert set(Indicator.objects.filter(reported_by_q(stttt.pk, day=BEFORE))) == {readers, online}
    assert set(Indicator.objects.filter(reported_by_q(stttt.pk, day=AFTER))) == {online}
    assert set(Indicator.objects.filter(reported_by_q(svh.pk, day=AFTER))) == {readers}
    assert set(Indicator.objects.filter(reported_by_q(svh.pk, day=BEFORE))) == set()


def test_a_split_hands_each_indicator_to_where_its_tasks_go_and_undo_gives_it_back(plan):
    sldtbxh, snv, syt = AgencyFactory(), AgencyFactory(), AgencyFactory()
    first, second = task_of(plan, sldtbxh, number=1), task_of(plan, sldtbxh, number=2)
    jobs, health = indicator_of(plan, sldtbxh, first, code="LD-01"), indicator_of(plan, sldtbxh, second, code="YT-01")
    made = decision((ChangeKind.SPLIT, sldtbxh, snv), (ChangeKind.SPLIT, sldtbxh, syt), effective_on=datetime.date(2099, 1, 1))
    to_snv, to_syt = made.changes.order_by("id")
    TaskDestination.objects.create(change=to_snv, task=first)
    TaskDestination.objects.create(change=to_syt, task=second)
    decision_apply(decision=made, by=None)
    jobs.refresh_from_db()
    health.refresh_from_db()
    later = datetime.date(2099, 6, 30)
    assert (reporting_agency_on(jobs, later), reporting_agency_on(health, later)) == (snv, syt)
    assert (reporting_agency_on(jobs, AFTER), reporting_agency_on(health, AFTER)) == (sldtbxh, sldtbxh)
    decision_undo(decision=made, today=datetime.date(2098, 12, 31))
    jobs.refresh_from_db()
    assert reporting_agency_on(jobs, later) == sldtbxh and not jobs.handovers.exists()
