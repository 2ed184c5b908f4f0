"""The drafts service: which periods a task is reported for, and save-and-send as one transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from reports.choices import ReportState, WorkflowAction
from reports.models import Report
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("2031-M03", "không báo cáo theo loại kỳ này"),  # a monthly period on a half-yearly plan
        ("2031-H1", "chưa đến"),  # a future period
        ("2016-H2", "sau khi kỳ"),  # before the task started
    ],
)
def test_web_api_and_service_refuse_the_same_periods_with_the_same_message(client, world, officer_a, agency_a, code, why):
    period = reporting_period_get_or_create(period=parse_period_code(code))
    with pytest.raises(ValidationError) as refused:
        report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    assert why in refused.value.message_dict["period"][0]

    api = APIClient()
    api.force_authenticate(officer_a)
    response = api.post("/api/v1/reports/", {"task": world.task.pk, "period": code, **DATA}, format="json")
    assert response.status_code == 400
    assert why in response.json()["error"]["fields"]["period"][0]

    client.force_login(officer_a)
    page = client.get(reverse("reports:report_edit", args=[world.task.pk, code]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("reports:agency_tasks")  # back to the list, with the same message
    assert why in page.content.decode()
    assert not Report.objects.exists()


def test_the_period_due_and_earlier_ones_are_reportable(world, officer_a, agency_a):
    for code in (world.period_code, "2018-H2", "2017-H2"):
        period = reporting_period_get_or_create(period=parse_period_code(code))
        assert report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None).pk


def test_a_refused_send_leaves_the_draft_as_it_was(world, officer_a, head_a, agency_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None, send=True)
    report = report_transition(report=report, action=WorkflowAction.SEND_BACK, by=head_a, comment="Thiếu số liệu", notify=False)
    with pytest.raises(ValidationError):  # the head sent it back: only the officer sends it again
        report_save(
            task=world.task, agency=agency_a, period=period, by=head_a, data={**DATA, "progress": 90}, version=report.version, send=True
        )
    report.refresh_from_db()
    assert report.progress == 40 and report.state == ReportState.RETURNED


def test_saving_and_sending_happen_together(world, officer_a, agency_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None, send=True)
    assert report.state == ReportState.PENDING
    assert list(report.events.values_list("action", flat=True).order_by("id")) == [WorkflowAction.CREATE, WorkflowAction.SEND_FOR_APPROVAL]


def test_a_completed_task_is_not_reported_for_later_periods(client, world, officer_a, agency_a):
    """QA: a task accepted as completed on time in 2018 was reported "completed" again for 2026-H2, and
    accepting that report moved its completion date to 2026 and made it "completed late"."""
    import datetime

    world.task.completed_on = datetime.date(2018, 6, 20)
    world.task.progress = 100
    world.task.save()
    later = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    with pytest.raises(ValidationError) as refused:
        report_save(task=world.task, agency=agency_a, period=later, by=officer_a, data=DATA, version=None)
    assert "đã hoàn thành ngày 20/06/2018" in refused.value.message_dict["period"][0]
    # the period it was completed in is still reported (its report, or a fix of it)
    within = reporting_period_get_or_create(period=parse_period_code("2018-H1"))
    assert report_save(task=world.task, agency=agency_a, period=within, by=officer_a, data=DATA, version=None).pk
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_edit", args=[world.task.pk, world.period_code]), follow=True)
    assert "đã hoàn thành ngày 20/06/2018" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"progress": None}, "progress"),
        ({"work_state": "completed", "progress": 100}, "completed_on"),
        ({"work_state": "completed", "completed_on": "2018-06-01", "progress": 90}, "progress"),
        ({"completed_on": "2018-06-01"}, "completed_on"),
        ({"work_state": None}, "work_state"),
    ],
)
def test_a_drafts_save_refuses_what_the_database_would_with_a_message_on_the_field(world, officer_a, agency_a, change, field):
    """A draft's save checks its fields without the check constraints' queries: every content the constraints refuse
    is refused before the database, on its field (an IntegrityError is a 500)."""
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    with pytest.raises(ValidationError) as refused:
        report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data={**DATA, **change}, version=report.version)
    assert field in refused.value.message_dict


def test_progress_over_100_reads_its_message_from_the_field_and_from_the_constraint(world, officer_a, agency_a):
    """A "100%" in a validator's or a constraint's message is formatted with their parameters: written "100%." it raised
    ValueError (incomplete format) where the message was read: a 500 instead of the message."""
    from django.utils import translation

    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report.progress = 101
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            report.validate_constraints()  # the check constraint's message
        assert refused.value.messages == ["Tiến độ phải từ 0 đến 100%."]
        with pytest.raises(ValidationError) as refused:
            report_save(
                task=world.task, agency=agency_a, period=period, by=officer_a, data={**DATA, "progress": 101}, version=report.version
            )
        assert refused.value.message_dict == {"progress": ["Tiến độ phải từ 0 đến 100%."]}


def test_saving_a_draft_with_the_same_content_writes_no_history_and_moves_nothing(world, officer_a, agency_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    before = (report.history.count(), report.version, Report.objects.get(pk=report.pk).updated_at)
    for same in (DATA, {**DATA, "progress": "40", "completed_on": None}):  # "40": the same once cleaned
        again = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=same, version=report.version)
        assert (again.history.count(), again.version, Report.objects.get(pk=report.pk).updated_at) == before
    changed = report_save(
        task=world.task, agency=agency_a, period=period, by=officer_a, data={**DATA, "progress": 45}, version=report.version
    )
    assert (changed.history.count(), changed.version) == (before[0] + 1, before[1] + 1)
