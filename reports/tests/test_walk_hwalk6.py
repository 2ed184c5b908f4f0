"""Findings of the walk hwalk6."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


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
