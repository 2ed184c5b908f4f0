"""The change history reads in Vietnamese and local time: never "submitted → accepted" or "+00:00"."""

import datetime

import pytest
from django.urls import reverse

from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db


def test_the_history_shows_vietnamese_states_and_local_times(client, world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "x"},
        version=None,
    )
    sent = datetime.datetime(2018, 12, 18, 3, 5, tzinfo=datetime.UTC)  # 10:05 in Vĩnh Long
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=sent)
    report_transition(report=report, action="accept", by=coordinator, notify=False)
    client.force_login(coordinator)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert "Đã gửi" in history and "Đã tiếp nhận" in history
    assert "10:05 18/12/2018" in history
    assert "submitted" not in history and "+00:00" not in history
