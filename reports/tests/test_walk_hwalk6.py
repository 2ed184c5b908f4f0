"""Findings of the walk hwalk6."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.fixture
def submitted(world, agency_a, officer_a, head_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    return report_transition(report=report, action="submit", by=head_a, notify=False)


@pytest.mark.parametrize(
    ("action", "said"),
    [("accept", "Đã tiếp nhận báo cáo của {agency}."), ("return", "Đã trả lại báo cáo cho {agency}.")],
)
def test_the_coordinators_step_is_told_with_the_agency_it_concerns(client, submitted, coordinator, agency_a, action, said):
    # Walk: accepting a report read "Đã thực hiện: Đã tiếp nhận." (done: accepted), returning it "Đã thực hiện: Trả lại
    # đơn vị.", naming nobody; the head's approval names where the report went.
    client.force_login(coordinator)
    response = client.post(reverse("reports:report_transition", args=[submitted.pk, action]), {"comment": "Bổ sung số liệu"})
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert told == [said.format(agency=agency_a.short_name or agency_a.name)]
