"""A returned report's reason reaches the officer: a box on the landing page and the comment atop the edit form."""

import pytest
from django.urls import reverse

from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.fixture
def returned(world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    return report_transition(report=report, action="return", by=coordinator, comment="Thiếu số liệu quý IV", notify=False)


def test_the_officers_landing_page_lists_returned_reports_with_their_reason(client, returned, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("reports:agency_tasks")).content.decode()
    assert "Báo cáo bị trả lại" in page
    assert "Thiếu số liệu quý IV" in page
    assert reverse("reports:report_edit", args=[returned.task_id, "2018-H2"]) in page


def test_the_edit_form_shows_who_returned_the_report_when_and_why(client, returned, officer_a, coordinator):
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_edit", args=[returned.task_id, "2018-H2"])).content.decode()
    reason = page[page.index('id="return-reason"') :]
    assert "Thiếu số liệu quý IV" in reason and coordinator.display_name in reason


def test_nothing_is_shown_once_the_report_is_sent_again(client, returned, officer_a, head_a):
    report_transition(report=returned, action="submit", by=head_a, notify=False)
    client.force_login(officer_a)
    assert "Thiếu số liệu quý IV" not in client.get(reverse("reports:agency_tasks")).content.decode()
