"""The workflow's steps: the buttons a page shows are exactly the steps the service accepts."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plans import policy
from plans.tests.factories import AgencyFactory
from reports import policy as reports_policy
from reports import workflow
from reports.choices import ReportState, WorkflowAction
from reports.models import Report, ReportEvent
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db

STEP_URL = re.compile(r'/bao-cao/\d+/thao-tac/(\w+)/"')


@pytest.fixture
def cast(roles, officer_a, head_a, officer_b, head_b, coordinator, leader, sysadmin, agency_a):
    from conftest import _user

    own_coordinator = _user(roles, "coordinator_a", "coordinator", agency_a, is_staff=True)
    other_agency = AgencyFactory(code="SNV", name="Sở Nội vụ")
    foreign_coordinator = _user(roles, "coordinator_snv", "coordinator", other_agency, is_staff=True)
    return [officer_a, head_a, officer_b, head_b, coordinator, own_coordinator, foreign_coordinator, leader, sysadmin]


def _report_in(world, agency, officer, state: str, *, sent_back: bool = False) -> Report:
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task,
        agency=agency,
        period=period,
        by=officer,
        data={"progress": 40, "work_state": "in_progress", "results": "x"},
        version=None,
    )
    Report.objects.filter(pk=report.pk).update(state=state)
    if sent_back:
        ReportEvent.objects.create(report=report, action=WorkflowAction.SEND_BACK, to_state=state, actor=officer, at=timezone.now())
    return Report.objects.get(pk=report.pk)


def _accepted_by_service(report: Report, user) -> set[str]:
    accepted = set()
    for action in workflow.TRANSITIONS:
        try:
            with transaction.atomic():
                report_transition(report=report, action=action, by=user, comment="Bổ sung số liệu", notify=False)
                accepted.add(action)
                transaction.set_rollback(True)
        except (PermissionDenied, ValidationError):
            pass
    return accepted


def _buttons(client, report: Report, user) -> set[str]:
    client.force_login(user)
    page = client.get(reverse("reports:report_detail", args=[report.pk]))
    return set(STEP_URL.findall(page.content.decode())) if page.status_code == 200 else set()


@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("sent_back", [False, True])
def test_the_buttons_a_page_shows_are_the_steps_the_service_accepts(client, world, cast, agency_a, officer_a, state, sent_back):
    report = _report_in(world, agency_a, officer_a, state, sent_back=sent_back)
    for user in cast:
        shown = _buttons(client, report, user)
        assert shown == _accepted_by_service(report, user), (user.username, state)
        assert shown == set(reports_policy.report_actions(user, report)), (user.username, state)


def test_a_coordinator_reviews_neither_its_own_agencys_reports_nor_plans_it_does_not_coordinate(world, cast, agency_a, officer_a):
    own_coordinator, foreign_coordinator = cast[5], cast[6]
    submitted = _report_in(world, agency_a, officer_a, ReportState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        report_transition(report=submitted, action=WorkflowAction.ACCEPT, by=own_coordinator, notify=False)
    world.plan.coordinator = cast[4].agency  # the plan names its coordinating agency
    world.plan.save()
    with pytest.raises(PermissionDenied):
        report_transition(report=submitted, action=WorkflowAction.ACCEPT, by=foreign_coordinator, notify=False)
    assert report_transition(report=submitted, action=WorkflowAction.ACCEPT, by=cast[4], notify=False).state == ReportState.ACCEPTED


def test_the_coordinating_agencys_own_report_goes_to_leadership(world, agency_a, officer_a, coordinator, leader, settings):
    world.plan.coordinator = agency_a
    world.plan.save()
    submitted = _report_in(world, agency_a, officer_a, ReportState.SUBMITTED)
    assert reports_policy.report_actions(leader, submitted) == [WorkflowAction.RETURN, WorkflowAction.ACCEPT]
    settings.SELF_REVIEW_BY = "coordinator"
    assert reports_policy.report_actions(leader, submitted) == []
    assert reports_policy.report_actions(coordinator, submitted) == [WorkflowAction.RETURN, WorkflowAction.ACCEPT]


def test_leadership_finds_the_reports_waiting_for_it_in_its_inbox(client, world, agency_a, officer_a, coordinator, leader):
    """QA: the coordinating agency's own reports went to leadership, which had no list of them (403 on the inbox)."""
    world.plan.coordinator = agency_a
    world.plan.save()
    submitted = _report_in(world, agency_a, officer_a, ReportState.SUBMITTED)
    client.force_login(leader)
    assert client.get(reverse("reports:my_home")).url == reverse("reports:dashboard")  # leadership still lands on its dashboard
    page = client.get(reverse("reports:inbox"))
    assert page.status_code == 200 and reverse("reports:report_detail", args=[submitted.pk]) in page.content.decode()
    client.post(reverse("reports:inbox_accept"), {"report": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.state == ReportState.ACCEPTED


@pytest.mark.parametrize("self_review_by", ["leadership", "coordinator"])
def test_the_reviewers_query_agrees_with_the_rule_for_one_report(
    world, cast, agency_a, agency_b, officer_a, officer_b, settings, self_review_by
):
    settings.SELF_REVIEW_BY = self_review_by
    reports = [_report_in(world, agency_a, officer_a, ReportState.SUBMITTED)]
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    reports.append(
        report_save(
            task=world.other_task,
            agency=agency_b,
            period=period,
            by=officer_b,
            data={"progress": 1, "work_state": "in_progress"},
            version=None,
        )
    )
    for coordinating in (None, agency_a, cast[4].agency):
        world.plan.coordinator = coordinating
        world.plan.save()
        for user in cast:
            in_sql = set(reports_policy.reviewable(Report.objects.all(), user).values_list("pk", flat=True))
            in_python = {
                r.pk for r in Report.objects.select_related("task__plan__parent") if reports_policy._reviews(user, policy.role_of(user), r)
            }
            assert in_sql == in_python, (user.username, coordinating)


def test_a_head_who_sent_a_report_back_is_offered_nothing_until_the_officer_sends_it_again(world, agency_a, officer_a, head_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "Đã sửa số liệu"},
        version=None,
        send=True,
    )
    report = report_transition(report=report, action=WorkflowAction.SEND_BACK, by=head_a, comment="Thiếu số liệu", notify=False)
    assert reports_policy.report_actions(head_a, report) == []
    assert reports_policy.report_actions(officer_a, report) == [WorkflowAction.SEND_FOR_APPROVAL]
    report = report_transition(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, by=officer_a, notify=False)
    assert reports_policy.report_actions(head_a, report) == [WorkflowAction.SEND_BACK, WorkflowAction.SUBMIT]


def test_the_coordinators_button_says_the_action_not_the_state(client, world, agency_a, officer_a, coordinator):
    report = _report_in(world, agency_a, officer_a, ReportState.SUBMITTED)
    client.force_login(coordinator)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert ">Tiếp nhận</button>" in page and ">Đã tiếp nhận</button>" not in page
