"""An agency may recall (thu hồi) a report it sent while the coordinator has not acted on it yet."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from reports.choices import ReportState, WorkflowAction
from reports.services import report_transition

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


def test_the_head_recalls_a_submitted_report_from_its_page_and_can_edit_it_again(client, submitted, head_a):
    client.force_login(head_a)
    page = client.get(reverse("reports:report_detail", args=[submitted.pk]))
    assert f"/bao-cao/{submitted.pk}/thao-tac/recall/" in page.content.decode()
    client.post(reverse("reports:report_transition", args=[submitted.pk, "recall"]), {"confirm": "1"})
    submitted.refresh_from_db()
    assert submitted.state == ReportState.DRAFT
    assert submitted.events.filter(action=WorkflowAction.RECALL, actor=head_a).exists()


def test_a_report_the_coordinator_accepted_cannot_be_recalled(submitted, head_a, coordinator):
    report = report_transition(report=submitted, action="accept", by=coordinator, notify=False)
    with pytest.raises(ValidationError):
        report_transition(report=report, action="recall", by=head_a, notify=False)


def test_the_api_recalls_a_report_too(submitted, head_a):
    api = APIClient()
    api.force_authenticate(head_a)
    response = api.post(f"/api/v1/reports/{submitted.pk}/recall/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == ReportState.DRAFT


def test_a_recall_asks_for_confirmation_first_with_or_without_javascript(client, submitted, head_a):
    # Walk (issue 30, point 7): one click on "Thu hồi" took the report back from the coordinator, no question asked.
    client.force_login(head_a)
    page = client.get(reverse("reports:report_detail", args=[submitted.pk])).content.decode()
    form = page.split(f"/bao-cao/{submitted.pk}/thao-tac/recall/", 1)[1].split("</form>", 1)[0]
    assert 'name="confirm"' in form and "required" in form.split('name="confirm"', 1)[1].split(">", 1)[0]
    response = client.post(reverse("reports:report_transition", args=[submitted.pk, "recall"]), follow=True)
    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED  # not recalled without the confirmation
    assert "Đánh dấu ô xác nhận" in response.content.decode()
