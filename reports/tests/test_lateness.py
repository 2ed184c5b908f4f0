"""Lateness by first sending: a report sent on time and returned for a fix keeps its mark when resent promptly."""

import datetime

import pytest

from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Vĩnh Long


@pytest.fixture
def sent_on_time(world, agency_a, officer_a, head_a, coordinator):
    """2018-H2 is due 20/12/2018; agency A sent it on 18/12 and the coordinator returned it on 26/12."""
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 18)))
    return report_transition(
        report=report, action="return", by=coordinator, comment="Bổ sung số liệu", notify=False, at=at(datetime.date(2018, 12, 26))
    )


def test_a_returned_report_resent_within_three_working_days_stays_on_time(sent_on_time, head_a):
    # After Wednesday 26/12/2018 come 27/12, 28/12 and, past the weekend, the day off of 31/12 and New Year, 02/01/2019.
    report = report_transition(report=sent_on_time, action="submit", by=head_a, notify=False, at=at(datetime.date(2019, 1, 2)))
    assert not report.is_late
    assert report.first_submitted_at == at(datetime.date(2018, 12, 18))


def test_a_returned_report_resent_too_late_is_late(sent_on_time, head_a):
    # The third working day after 26/12/2018 is 02/01/2019 (31/12 and 01/01 were days off); 03/01 is one too many.
    report = report_transition(report=sent_on_time, action="submit", by=head_a, notify=False, at=at(datetime.date(2019, 1, 3)))
    assert report.is_late


def test_a_report_first_sent_late_stays_late_after_a_prompt_resend(world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 24)))
    report = report_transition(
        report=report, action="return", by=coordinator, comment="Sửa", notify=False, at=at(datetime.date(2018, 12, 25))
    )
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 26)))
    assert report.is_late


def test_the_first_sending_decides_even_when_a_fix_comes_after_the_deadline(sent_on_time, head_a):
    report = report_transition(report=sent_on_time, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 27)))
    assert not report.is_late and report.submitted_at == at(datetime.date(2018, 12, 27))


def test_the_task_page_says_late_in_its_table_of_periods_as_its_timeline_does(client, world, agency_a, officer_a, head_a, leader):
    """QA: the timeline said "Gửi trễ hạn" while the table of periods said only "Đã gửi" for the same report."""
    from django.urls import reverse

    from tasks.choices import Recurrence

    world.task.recurrence, world.task.due_date = Recurrence.ONGOING, None
    world.task.save()
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report_transition(report=report, action="submit", by=head_a, notify=False, at=at(datetime.date(2026, 6, 29)))
    client.force_login(leader)
    page = client.get(reverse("reports:task_page", args=[world.task.pk])).content.decode()
    row = page[page.index(f"<td>{period.as_period().label}</td>") :].split("</tr>")[0]
    assert "Gửi trễ hạn" in row and "Đã gửi" not in row


def test_a_report_withdrawn_after_a_prompt_resend_and_filed_again_after_the_deadline_is_late(sent_on_time, head_a, coordinator, sysadmin):
    """The grace after a return is for the fix it asked: once the fix was sent and accepted, then withdrawn, the report is
    filed again as one never returned (a withdrawal is not a return) and late after the deadline. The return's grace,
    still running, made the refiling on time."""
    from reports.choices import WorkflowAction
    from reports.models import ReportEvent
    from reports.services.withdrawal import report_withdraw

    report = report_transition(report=sent_on_time, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 27)))
    assert not report.is_late  # the prompt fix keeps the first sending's mark
    report = report_transition(report=report, action="accept", by=coordinator, notify=False, at=at(datetime.date(2018, 12, 27)))
    report = report_withdraw(report=report, by=sysadmin, reason="Số liệu trùng với báo cáo khác")
    withdrawn_at = at(datetime.date(2018, 12, 27)) + datetime.timedelta(hours=4)
    ReportEvent.objects.filter(report=report, action=WorkflowAction.WITHDRAW).update(at=withdrawn_at)  # that afternoon
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=at(datetime.date(2018, 12, 28)))
    assert report.is_late  # sent again on 28/12, after the deadline of 20/12, not the fix of a return
