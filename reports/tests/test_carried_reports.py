"""A report of an agency that has ceased, still to be written (withdrawn after the merger), is carried on by the agency
holding its part of the task today (DOMAIN.md: the successor carries on open work): its staff edit it and send it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import _user
from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory
from reports import policy as reports_policy
from reports.choices import ReportState, WorkflowAction
from reports.reorganisation.services import decision_apply
from reports.services import report_save
from reports.services.withdrawal import report_withdraw

from .conftest import report_data
from .test_withdrawal import accepted  # noqa: F401  (the fixture: agency B's accepted report of H2 2025)

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(roles):
    return AgencyFactory(code="SMOI", name="Sở Khoa học, Công nghệ và Truyền thông", aliases=["Sở KH,CN&TT"])


@pytest.fixture
def carried(accepted, sysadmin, successor):  # noqa: F811
    """Agency B merged into the successor on 01/03/2026, its open task with it; then B's accepted report of H2 2025 was
    withdrawn: owed again, by an agency that has ceased."""
    decision = ReorganisationDecision.objects.create(number="45/QĐ-UBND", effective_on=datetime.date(2026, 3, 1))
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=accepted.agency, target=successor)
    decision_apply(decision=decision, by=None)
    return report_withdraw(report=accepted, by=sysadmin, reason="Số liệu sai")


@pytest.fixture
def successor_officer(roles, successor):
    return _user(roles, "officer_new", "officer", successor)


@pytest.fixture
def successor_head(roles, successor):
    return _user(roles, "head_new", "head", successor)


def test_the_successors_staff_carry_on_a_withdrawn_report_of_the_agency_that_ceased(
    carried, successor_officer, successor_head, officer_a, head_a
):
    assert reports_policy.may_edit_report(successor_officer, carried)
    assert WorkflowAction.SEND_FOR_APPROVAL in reports_policy.report_actions(successor_officer, carried)
    # Another agency, which never held the task, may not.
    assert not reports_policy.may_edit_report(officer_a, carried)
    assert reports_policy.report_actions(head_a, carried) == []

    api = APIClient()
    api.force_authenticate(successor_officer)
    saved = api.patch(f"/api/v1/reports/{carried.pk}/", {"results": "Đã sửa số liệu", "version": carried.version}, format="json")
    assert saved.status_code == 200, saved.json()
    assert api.post(f"/api/v1/reports/{carried.pk}/submit/").json()["state"] == ReportState.PENDING
    api.force_authenticate(successor_head)
    sent = api.post(f"/api/v1/reports/{carried.pk}/approve/")
    assert sent.status_code == 200 and sent.json()["state"] == ReportState.SUBMITTED
    carried.refresh_from_db()
    assert carried.agency_id != successor_officer.agency_id  # the report stays the ceased agency's (history)
    assert carried.results == "Đã sửa số liệu"


def test_the_successors_officer_edits_it_from_the_report_page_through_the_form(client, carried, successor_officer):
    client.force_login(successor_officer)
    detail = client.get(reverse("reports:report_detail", args=[carried.pk])).content.decode()
    url = reverse("reports:report_edit", args=[carried.task_id, carried.period.as_period().code])
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200, page.headers.get("Location")
    saved = client.post(url, report_data(results="Báo cáo lại đúng số liệu", version=str(carried.version)))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    carried.refresh_from_db()
    assert carried.results == "Báo cáo lại đúng số liệu" and carried.state == ReportState.WITHDRAWN


def test_an_agency_that_never_held_the_task_cannot_write_the_ceased_agencys_report(carried, officer_a):
    with pytest.raises(PermissionDenied):
        report_save(
            task=carried.task, agency=carried.agency, period=carried.period, by=officer_a, data=report_data(), version=carried.version
        )


def test_the_successors_work_list_names_the_withdrawn_report_it_carries_on(carried, successor_officer, successor_head):
    from reports.worklist import RETURNED, TO_APPROVE, work_items

    url = reverse("reports:report_edit", args=[carried.task_id, carried.period.as_period().code])
    items = [item for item in work_items(successor_officer) if item.kind == RETURNED]
    assert [item.url for item in items] == [url] and "Số liệu sai" in items[0].why
    report_save(
        task=carried.task, agency=carried.agency, period=carried.period, by=successor_officer, version=carried.version,
        data={"progress": 75, "work_state": "in_progress", "results": "Đã sửa số liệu"}, send=True,
    )  # fmt: skip
    assert [item.kind for item in work_items(successor_head) if item.kind == TO_APPROVE] == [TO_APPROVE]


def test_the_carried_report_once_sent_is_owed_no_more_and_the_kept_figures_agree(carried, successor_officer, successor_head):
    from reports.services import report_transition

    from .helpers import assert_kept_figures_true
    from .test_withdrawal import _owed_not_sent

    report = report_save(
        task=carried.task, agency=carried.agency, period=carried.period, by=successor_officer, version=carried.version,
        data={"progress": 75, "work_state": "in_progress", "results": "Đã sửa số liệu"}, send=True,
    )  # fmt: skip
    report = report_transition(report=report, action=WorkflowAction.SUBMIT, by=successor_head, notify=False)
    assert report.state == ReportState.SUBMITTED and _owed_not_sent(report) == set()
    assert_kept_figures_true()
