"""The steps service: each step recorded with who, when and why; lateness; the progress it feeds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.choices import ReportState, WorkflowAction, WorkState
from reports.periods import parse_period_code
from reports.progress import progress_from_latest
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
D = datetime.date


def _draft(world, officer, code="2019-H1"):
    period = reporting_period_get_or_create(period=parse_period_code(code))
    data = {"progress": 10, "work_state": "in_progress", "results": "Đã triển khai"}
    return report_save(task=world.task, agency=officer.agency, period=period, by=officer, data=data, version=None)


def test_late_submissions_are_accepted_but_marked_late(world, officer_a, head_a):
    late = datetime.datetime(2019, 6, 25, 9, tzinfo=datetime.UTC)
    report = report_transition(report=_draft(world, officer_a), action=WorkflowAction.SUBMIT, by=head_a, at=late, notify=False)
    assert report.state == ReportState.SUBMITTED and report.is_late


def test_each_step_records_who_when_and_the_comment(world, officer_a, head_a, coordinator):
    report = report_transition(report=_draft(world, officer_a), action=WorkflowAction.SUBMIT, by=head_a, notify=False)
    report = report_transition(report=report, action=WorkflowAction.RETURN, by=coordinator, comment="  Bổ sung số liệu ", notify=False)
    event = report.events.order_by("-id").first()
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        WorkflowAction.RETURN,
        ReportState.SUBMITTED,
        ReportState.RETURNED,
        coordinator,
        "Bổ sung số liệu",
    )
    assert report.version == 3  # created, submitted, returned


def test_a_return_needs_a_reason_and_a_step_out_of_turn_is_explained(world, officer_a, head_a, coordinator):
    report = report_transition(report=_draft(world, officer_a), action=WorkflowAction.SUBMIT, by=head_a, notify=False)
    with pytest.raises(ValidationError) as no_reason:
        report_transition(report=report, action=WorkflowAction.RETURN, by=coordinator, comment=" ", notify=False)
    assert "comment" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as twice:
        report_transition(report=report, action=WorkflowAction.SUBMIT, by=head_a, notify=False)
    assert "không thể" in twice.value.messages[0]
    with pytest.raises(PermissionDenied):
        report_transition(report=report, action=WorkflowAction.ACCEPT, by=head_a, notify=False)


def test_a_task_is_complete_when_every_lead_agency_has_completed_it():
    latest = {1: (100, WorkState.COMPLETED, D(2019, 5, 1)), 2: (60, WorkState.IN_PROGRESS, None)}
    assert progress_from_latest([1, 2], latest) == (80, None)
    latest[2] = (100, WorkState.COMPLETED, D(2019, 6, 10))
    assert progress_from_latest([1, 2], latest) == (100, D(2019, 6, 10))
    assert progress_from_latest([1, 2, 3], latest) == (67, None)  # agency 3 has not reported: 0 %
    assert progress_from_latest([], {}) == (0, None)
