"""A reorganisation inside a reporting period: the successor owes and files the period straddling it, never earlier ones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports import compliance
from reports.models import Report
from reports.periods import period_containing, period_of, unreportable_reason
from reports.reorganisation.services import decision_apply
from reports.services import reporting_period_get_or_create
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 22)  # H2 2026 (15/06 → 14/12/2026) is the period due


def _apply(kind, source, target, effective_on):
    decision = ReorganisationDecision.objects.create(number=f"{source.code}/QĐ", effective_on=effective_on)
    ReorganisationChange.objects.create(decision=decision, kind=kind, source=source, target=target)
    decision_apply(decision=decision, by=None)


def _task(plan, agency, number):
    task = TaskFactory(plan=plan, section=plan.sections.first(), number=number, start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
    TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
    return task


@pytest.fixture
def plan():
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 1, 1))
    SectionFactory(plan=plan, number="1")
    return plan


def test_the_period_straddling_a_merger_is_owed_by_the_successor_and_a_dissolved_agency_owes_nothing(plan):
    old, new, district = AgencyFactory(code="SOLD"), AgencyFactory(code="SNEW"), AgencyFactory(code="HUYEN1")
    _task(plan, old, "1")
    _task(plan, district, "2")
    _apply(ChangeKind.MERGE, old, new, D(2026, 9, 1))  # inside H2 2026
    _apply(ChangeKind.DISSOLVE, district, None, D(2026, 9, 1))
    row = reporting_period_get_or_create(period=period_of("half_year", 2026, 2))

    assert compliance.missing_by_agency({plan.pk: row.pk}, as_of=TODAY) == {new.pk: 1}
    # The period before the change was the dissolved district's (it existed after its cut-off, 14/06/2026), not the successor's.
    earlier = reporting_period_get_or_create(period=period_of("half_year", 2026, 1))
    assert compliance.missing_by_agency({plan.pk: earlier.pk}, as_of=D(2026, 6, 20)) == {district.pk: 1}


def test_the_period_rule_lets_the_successor_file_the_straddling_period_and_refuses_earlier_ones():
    h2, h1 = period_of("half_year", 2026, 2), period_of("half_year", 2026, 1)
    rule = {"kinds": ["half_year"], "starts_on": D(2018, 1, 1), "today": TODAY, "holder": "Sở KH&CN", "predecessor": "Sở TT&TT"}
    assert unreportable_reason(h2, held_from=D(2026, 9, 1), **rule) is None
    assert unreportable_reason(h2, held_from=h2.last_day, **rule) is None
    assert unreportable_reason(h1, held_from=D(2026, 9, 1), **rule) is not None
    # The first day of the next period: the period that closed the day before is the predecessor's.
    assert unreportable_reason(h1, held_from=h1.last_day + datetime.timedelta(days=1), **rule) is not None
    assert period_containing(D(2026, 9, 1), "half_year") == h2


@pytest.fixture
def inherited(plan, agency_a, agency_b):
    """Agency A (Sở TT&TT) merged into agency B on 01/09/2026, inside H2 2026: B holds A's open task."""
    task = _task(plan, agency_a, "1")
    _apply(ChangeKind.MERGE, agency_a, agency_b, D(2026, 9, 1))
    return task


@pytest.fixture
def on_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def test_a_successor_cannot_file_on_the_web_for_a_period_before_it_inherited_and_is_told_why(client, on_today, inherited, officer_b):
    client.force_login(officer_b)
    form = client.get(reverse("reports:report_edit", args=[inherited.pk, "2026-H2"]))
    assert form.status_code == 200
    assert [choice.code for choice in form.context["period_choices"]] == ["2026-H2"]  # earlier periods are not offered

    refused = client.get(reverse("reports:report_edit", args=[inherited.pk, "2026-H1"]), follow=True)

    assert refused.redirect_chain[-1][0] == reverse("reports:agency_tasks")
    assert "kế thừa nhiệm vụ này từ Sở Thông tin và Truyền thông ngày 01/09/2026" in refused.content.decode()


def test_a_successor_cannot_file_through_the_api_for_a_period_before_it_inherited(on_today, inherited, officer_b):
    api = APIClient()
    api.force_authenticate(officer_b)
    data = {"task": inherited.pk, "progress": 10, "work_state": "in_progress"}

    refused = api.post("/api/v1/reports/", {**data, "period": "2026-H1"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert refused.status_code == 400
    message = refused.json()["error"]["fields"]["period"][0]
    assert "kế thừa nhiệm vụ này từ Sở Thông tin và Truyền thông ngày 01/09/2026" in message
    assert "6 tháng cuối năm 2026" in message
    assert not Report.objects.exists()
    assert api.post("/api/v1/reports/", {**data, "period": "2026-H2"}).status_code == 201
