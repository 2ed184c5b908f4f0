"""An indicator's reporting agency follows reorganisation decisions as tasks do, as of each day: a merger or a renaming
through the lineage, a split or a transfer of functions with the tasks that move it; past periods keep who reported then."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorHandover
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


def test_the_preview_lists_the_indicators_a_split_and_a_transfer_hand_on_and_applying_hands_on_exactly_those(client, sysadmin, plan):
    sldtbxh, snv, stttt, svh, other = (
        AgencyFactory(name=name) for name in ("Sở LĐ-TB&XH", "Sở Nội vụ", "Sở TT&TT", "Sở VH-TT&DL", "Sở Y tế")
    )
    jobs_task, care_task, both_task = (task_of(plan, sldtbxh, number=n) for n in (1, 2, 3))
    press, digital = task_of(plan, stttt, number=4), task_of(plan, stttt, number=5)
    jobs = indicator_of(plan, sldtbxh, jobs_task, code="LD-01")  # its task goes to Sở Nội vụ
    care = indicator_of(plan, sldtbxh, care_task, code="BTXH-01")  # its task goes to a department applying creates
    indicator_of(plan, sldtbxh, jobs_task, care_task, code="LD-02")  # its tasks go two ways: it stays
    readers = indicator_of(plan, stttt, press, code="BC-01")  # the function moved takes its task
    indicator_of(plan, stttt, digital, code="CDS-01")  # its task stays: so does it
    indicator_of(plan, other, task_of(plan, other, number=6), code="YT-01")  # an agency the decision does not touch
    made = decision(
        (ChangeKind.SPLIT, sldtbxh, snv),
        (ChangeKind.SPLIT, sldtbxh, None, {"new_code": "SBTXH", "new_name": "Sở Bảo trợ xã hội"}),
        (ChangeKind.FUNCTIONS, stttt, svh),
        effective_on=datetime.date(2099, 1, 1),
    )
    to_snv, to_new, to_svh = made.changes.order_by("id")
    for change, task in ((to_snv, jobs_task), (to_snv, both_task), (to_new, care_task), (to_svh, press)):
        TaskDestination.objects.create(change=change, task=task)

    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_reorganisationdecision_preview", args=[made.pk]))
    listed = {(h.indicator.code, h.indicator.agency.name, h.change.successor_name) for h in page.context["preview"].indicators}
    assert listed == {
        ("LD-01", "Sở LĐ-TB&XH", "Sở Nội vụ"),
        ("BTXH-01", "Sở LĐ-TB&XH", "Sở Bảo trợ xã hội"),
        ("BC-01", "Sở TT&TT", "Sở VH-TT&DL"),
    }
    table = page.content.decode().split('id="indicators-handed-on"')[1].split("</table>")[0]
    assert [code for code in ("LD-01", "BTXH-01", "LD-02", "BC-01", "CDS-01", "YT-01") if code in table] == ["LD-01", "BTXH-01", "BC-01"]
    assert "Chỉ tiêu đi theo nhiệm vụ" in page.content.decode() and "Sở Bảo trợ xã hội <em>(sẽ tạo)</em>" in table

    decision_apply(decision=made, by=sysadmin)
    handed = {(h.indicator.code, h.from_agency.name, h.to_agency.name) for h in IndicatorHandover.objects.filter(change__decision=made)}
    assert handed == listed
    assert {i.code: i.agency.name for i in Indicator.objects.filter(pk__in=[jobs.pk, care.pk, readers.pk])} == {
        "LD-01": "Sở Nội vụ",
        "BTXH-01": "Sở Bảo trợ xã hội",
        "BC-01": "Sở VH-TT&DL",
    }
