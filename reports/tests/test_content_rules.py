"""One validation of a report's content, in the service: the web form, the API and the admin all meet it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from reports.choices import ReportState
from reports.models import Report
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.tests.conftest import report_data

pytestmark = pytest.mark.django_db
FUTURE = datetime.date(2099, 1, 1)

RULES = [
    ({"results": ""}, "results", "kết quả"),  # sending an empty report
    ({"work_state": "completed", "progress": "100", "completed_on": FUTURE.isoformat()}, "completed_on", "tương lai"),
    ({"work_state": "completed", "progress": "100", "completed_on": "2016-05-01"}, "completed_on", "trước khi nhiệm vụ bắt đầu"),
    ({"work_state": "not_started", "progress": "100"}, "progress", "0%"),
]


def _period():
    return reporting_period_get_or_create(period=parse_period_code("2018-H2"))


@pytest.mark.parametrize(("data", "field", "words"), RULES)
def test_the_web_form_refuses_to_send_a_report_that_makes_no_sense(client, world, officer_a, data, field, words):
    client.force_login(officer_a)
    page = client.post(reverse("reports:report_edit", args=[world.task.pk, "2018-H2"]), {**report_data(**data), "send": "1"})
    assert page.status_code == 200
    assert words in " ".join(page.context["form"].errors[field])
    assert not Report.objects.exists()


@pytest.mark.parametrize(("data", "field", "words"), RULES)
def test_the_api_refuses_to_send_a_report_that_makes_no_sense(world, officer_a, data, field, words):
    api = APIClient()
    api.force_authenticate(officer_a)
    body = {**report_data(**data), "task": world.task.pk, "period": "2018-H2"}
    body.pop("version")
    if not body["completed_on"]:
        body.pop("completed_on")
    created = api.post("/api/v1/reports/", body, format="json")
    if created.status_code == 201:  # an empty draft may be saved; sending it is refused
        created = api.post(f"/api/v1/reports/{created.json()['id']}/submit/", {}, format="json")
    assert created.status_code == 400
    assert words in " ".join(created.json()["error"]["fields"][field])


def test_a_draft_without_results_may_be_saved_but_not_sent(world, officer_a, agency_a):
    report = report_save(
        task=world.task, agency=agency_a, period=_period(), by=officer_a, data={"progress": 10, "work_state": "in_progress"}, version=None
    )
    with pytest.raises(ValidationError) as refused:
        report_transition(report=report, action="send_for_approval", by=officer_a, notify=False)
    assert "results" in refused.value.message_dict
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_the_admin_cannot_change_a_reports_content(client, world, officer_a, agency_a, sysadmin):
    """Content is written by the agency through the service (its rules, version and history); the admin only reads it."""
    report = report_save(
        task=world.task, agency=agency_a, period=_period(), by=officer_a, data={"progress": 10, "work_state": "in_progress"}, version=None
    )
    client.force_login(sysadmin)
    client.post(
        reverse("admin:reports_report_change", args=[report.pk]),
        {"progress": "100", "work_state": "not_started", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )
    report.refresh_from_db()
    assert (report.progress, report.work_state) == (10, "in_progress")


@pytest.mark.parametrize(
    ("data", "field", "said"),
    [
        ({"work_state": "completed", "progress": "100", "completed_on": "31/02/2018"}, "completed_on", ["Nhập một ngày hợp lệ."]),
        (
            {"work_state": "completed", "progress": "150", "completed_on": "01/06/2018"},
            "progress",
            ["Tiến độ phải là số nguyên từ 0 đến 100."],
        ),
    ],
)
def test_a_field_the_form_cannot_read_is_told_so_and_nothing_else(client, world, officer_a, data, field, said):
    """A completion date that is no date ('31/02/2018') was also told to give the date ('Nhập ngày hoàn thành nhiệm vụ.'),
    a progress out of range that a completed task is at 100%: the model's rules read the field as missing."""
    client.force_login(officer_a)
    page = client.post(reverse("reports:report_edit", args=[world.task.pk, "2018-H2"]), report_data(**data))
    assert page.status_code == 200
    assert page.context["form"].errors[field] == said
    assert not Report.objects.exists()
