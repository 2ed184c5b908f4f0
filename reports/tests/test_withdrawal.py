"""Reports that reached the coordinator are never deleted: withdrawn with a reason instead; orphan files cleared."""

import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reports.choices import ReportState, WorkflowAction
from reports.models import Attachment, Report, ReportEvent
from reports.periods import period_due
from reports.services import reporting_period_get_or_create
from reports.services.withdrawal import ReportKept, report_withdraw
from reports.upkeep import orphan_files_remove
from tasks.models import Task

from .helpers import report_accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world, officer_b, head_b, coordinator):
    """Agency B's accepted report (70%) on the task it leads, accepted by the plan's coordinator."""
    world.plan.coordinator = coordinator.agency
    world.plan.save()
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    report = report_accept(
        task=world.other_task, agency=officer_b.agency, period=row, officer=officer_b, head=head_b, coordinator=coordinator, progress=70
    )
    Attachment.objects.create(
        report=report, file=ContentFile(b"%PDF-1.7", name="a.pdf"), original_name="a.pdf", content_type="application/pdf", size=8,
        uploaded_by=officer_b,
    )  # fmt: skip
    assert Task.objects.get(pk=world.other_task.pk).progress == 70
    return report


def test_an_administrator_cannot_delete_an_accepted_report_in_the_admin(client, sysadmin, accepted):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:reports_report_delete", args=[accepted.pk])).status_code == 403
    client.post(reverse("admin:reports_report_changelist"), {"action": "delete_selected", "_selected_action": [accepted.pk], "post": "yes"})
    assert Report.objects.filter(pk=accepted.pk).exists()
    assert ReportEvent.objects.filter(report=accepted).count() == 3
    assert Attachment.objects.filter(report=accepted).exists()


def test_no_code_path_deletes_a_sent_report(accepted):
    with pytest.raises(ReportKept), transaction.atomic():
        accepted.delete()
    with pytest.raises(ReportKept), transaction.atomic():
        Report.objects.filter(pk=accepted.pk).delete()
    assert Report.objects.filter(pk=accepted.pk).exists()


def test_a_draft_can_still_be_deleted(client, sysadmin, world, officer_a):
    from reports.services import report_save

    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    draft = report_save(
        task=world.task, agency=officer_a.agency, period=row, by=officer_a, data={"progress": 10, "work_state": "in_progress"}, version=None
    )
    client.force_login(sysadmin)
    client.post(reverse("admin:reports_report_delete", args=[draft.pk]), {"post": "yes"})
    assert not Report.objects.filter(pk=draft.pk).exists()


def test_withdrawing_keeps_the_report_with_its_reason_and_takes_its_progress_back(sysadmin, world, accepted):
    report = report_withdraw(report=accepted, by=sysadmin, reason="Báo cáo nhầm nhiệm vụ")
    assert report.state == ReportState.WITHDRAWN
    step = ReportEvent.objects.filter(report=report).latest("id")
    assert (step.action, step.from_state, step.comment, step.actor) == (
        WorkflowAction.WITHDRAW,
        ReportState.ACCEPTED,
        "Báo cáo nhầm nhiệm vụ",
        sysadmin,
    )
    assert Task.objects.get(pk=world.other_task.pk).progress == 0
    assert report.history.latest().history_change_reason == "Báo cáo nhầm nhiệm vụ"
    with pytest.raises(ValidationError):
        report_withdraw(report=report, by=sysadmin, reason="lần nữa")


def test_withdrawing_needs_a_reason_and_an_administrator(sysadmin, coordinator, accepted):
    with pytest.raises(ValidationError, match="lý do"):
        report_withdraw(report=accepted, by=sysadmin, reason="  ")
    with pytest.raises(PermissionDenied):
        report_withdraw(report=accepted, by=coordinator, reason="x")
    assert Report.objects.get(pk=accepted.pk).state == ReportState.ACCEPTED


def test_the_admin_withdraws_selected_reports_with_the_reason_typed_beside_the_action(client, sysadmin, accepted):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:reports_report_changelist"),
        {"action": "withdraw", "_selected_action": [accepted.pk], "reason": "Trùng báo cáo", "index": 0},
        follow=True,
    )
    assert "Đã rút 1 báo cáo" in response.content.decode()
    assert Report.objects.get(pk=accepted.pk).state == ReportState.WITHDRAWN


def test_the_upkeep_removes_old_files_no_row_names_and_keeps_the_rest(accepted):
    kept = Attachment.objects.get(report=accepted).file.name
    orphan = default_storage.save("attachments/999/mo-coi.pdf", ContentFile(b"%PDF"))
    summary_orphan = default_storage.save("summaries/1/bao-cao-bi-ngat.docx", ContentFile(b"PK"))
    fresh = default_storage.save("attachments/999/dang-tai.pdf", ContentFile(b"%PDF"))
    old = (timezone.now() - datetime.timedelta(days=1)).timestamp()
    for name in (orphan, summary_orphan, kept):
        os.utime(default_storage.path(name), (old, old))
    assert orphan_files_remove(now=timezone.now()) == 2
    assert not default_storage.exists(orphan) and not default_storage.exists(summary_orphan)
    assert default_storage.exists(kept) and default_storage.exists(fresh)


def test_the_upkeep_removes_files_held_after_a_form_error_once_their_token_has_expired(db):
    # Found by the attack pass: a refused form kept its files under held-uploads/ for ever (a way to fill the disk).
    from reports.attachments import HELD
    from reports.upkeep import held_uploads_remove

    expired = default_storage.save(f"{HELD}/a1/bao-cao.pdf", ContentFile(b"%PDF"))
    fresh = default_storage.save(f"{HELD}/b2/bao-cao.pdf", ContentFile(b"%PDF"))
    old = (timezone.now() - datetime.timedelta(hours=25)).timestamp()
    os.utime(default_storage.path(expired), (old, old))
    assert held_uploads_remove(now=timezone.now()) == 1
    assert not default_storage.exists(expired) and default_storage.exists(fresh)


def _owed_not_sent(report) -> set[int]:
    """The agencies compliance counts as owing ``report``'s period and not having sent it (the one rule)."""
    from reports.compliance import missing

    plan_id = report.task.plan_id
    rows = missing({plan_id: report.period_id}, as_of=timezone.localdate(), starts={plan_id: report.period})
    return set(rows.filter(task=report.task_id).values_list("agency_id", flat=True))


def test_a_withdrawn_report_is_filed_again_by_its_agency_through_the_workflow_its_withdrawal_kept(
    sysadmin, world, officer_b, head_b, coordinator
):
    """A withdrawn report could not be edited (not an editable state), yet compliance counted its period as missing: the
    agency owed a report it could never file. Now its officer saves a new draft over it and sends it through the normal
    workflow; the withdrawal stays in its events and change history; the re-sent report is late by the one rule
    (compliance.sent_late: sent again after the deadline, its first sending having been withdrawn, not returned); the
    kept counts equal the recount at every step."""
    from reports.compliance import late_reports
    from reports.models import LateReportCount
    from reports.services import report_save, report_transition

    from .helpers import assert_kept_figures_true

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    deadline = row.as_period(world.plan.report_deadline_day).deadline
    on_time = timezone.make_aware(datetime.datetime.combine(deadline - datetime.timedelta(days=2), datetime.time(9)))
    report = report_accept(
        task=world.other_task, agency=officer_b.agency, period=row, officer=officer_b, head=head_b, coordinator=coordinator,
        progress=70, at=on_time,
    )  # fmt: skip
    assert not report.is_late and _owed_not_sent(report) == set()
    report = report_withdraw(report=report, by=sysadmin, reason="Số liệu sai")
    assert _owed_not_sent(report) == {officer_b.agency_id}  # the agency owes it again
    assert_kept_figures_true()

    data = {"progress": 75, "work_state": "in_progress", "results": "Đã sửa số liệu theo yêu cầu"}
    report = report_save(task=world.other_task, agency=officer_b.agency, period=row, by=officer_b, data=data, version=report.version)
    assert report.results == "Đã sửa số liệu theo yêu cầu"
    report = report_transition(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, by=officer_b, notify=False)
    assert report.state == ReportState.PENDING and _owed_not_sent(report) == {officer_b.agency_id}
    report = report_transition(report=report, action=WorkflowAction.SUBMIT, by=head_b, notify=False)
    assert report.state == ReportState.SUBMITTED and _owed_not_sent(report) == set()
    assert report.is_late  # sent again after the deadline: the first sending was withdrawn, not returned for a fix
    assert LateReportCount.objects.get(plan=world.plan, agency=officer_b.agency).reports == late_reports(
        Q(task__plan=world.plan, agency=officer_b.agency)
    ).count() == 1  # fmt: skip
    assert_kept_figures_true()
    actions = list(report.events.order_by("id").values_list("action", flat=True))
    assert actions[-4:] == [WorkflowAction.ACCEPT, WorkflowAction.WITHDRAW, WorkflowAction.SEND_FOR_APPROVAL, WorkflowAction.SUBMIT]
    assert "Số liệu sai" in report.history.values_list("history_change_reason", flat=True)
    assert report.history.filter(state=ReportState.WITHDRAWN, results="Đã triển khai theo kế hoạch").exists()
    report = report_transition(report=report, action=WorkflowAction.ACCEPT, by=coordinator, notify=False)
    assert Task.objects.get(pk=world.other_task.pk).progress == 75


def test_the_agency_is_led_from_its_work_list_to_the_form_where_it_files_a_withdrawn_report_again(
    client, sysadmin, world, accepted, officer_b, head_b
):
    """The work list said nothing of a withdrawn report of a past period, and its form redirected to the report's page,
    which offered no edit: now the list names the withdrawal and its reason and links to the form, which saves it."""
    from reports.worklist import RETURNED, work_items

    from .conftest import report_data

    report = report_withdraw(report=accepted, by=sysadmin, reason="Báo cáo nhầm kỳ")
    url = reverse("reports:report_edit", args=[report.task_id, report.period.as_period().code])
    for user in (officer_b, head_b):
        items = [item for item in work_items(user) if item.kind == RETURNED]
        assert [item.url for item in items] == [url], user
        assert "rút" in items[0].why and "Báo cáo nhầm kỳ" in items[0].why, items[0].why
    client.force_login(officer_b)
    page = client.get(url)
    assert page.status_code == 200 and "Báo cáo nhầm kỳ" in page.content.decode()
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert url in detail  # "Sửa báo cáo" on the report's page, where the withdrawal's notice links
    saved = client.post(url, report_data(results="Báo cáo lại đúng kỳ", version=str(report.version)))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    report.refresh_from_db()
    assert report.results == "Báo cáo lại đúng kỳ" and report.state == ReportState.WITHDRAWN
    client.force_login(head_b)
    client.post(reverse("reports:report_transition", args=[report.pk, WorkflowAction.SUBMIT]))
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not [item for item in work_items(officer_b) if item.kind == RETURNED]


def test_a_withdrawn_report_is_saved_again_over_the_api(sysadmin, accepted, officer_b):
    from rest_framework.test import APIClient

    report = report_withdraw(report=accepted, by=sysadmin, reason="Số liệu sai")
    api = APIClient()
    api.force_authenticate(officer_b)
    saved = api.patch(f"/api/v1/reports/{report.pk}/", {"results": "Đã sửa", "version": report.version}, format="json")
    assert saved.status_code == 200, saved.json()
    assert api.post(f"/api/v1/reports/{report.pk}/submit/").json()["state"] == ReportState.PENDING


def test_the_agencys_task_list_offers_the_form_of_a_withdrawn_report_of_the_period_due(
    client, sysadmin, world, officer_b, head_b, coordinator
):
    """The agency's task list offered its form to a draft or a returned report only (a copy of the editable states): a
    withdrawn report of the period due, owed again, showed "Xem" and no way to file it. Now "Tiếp tục" opens its form,
    as the work list does (workflow.is_editable, the one rule)."""
    from reports.selectors import due_periods

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    due = due_periods([world.plan])[world.plan.pk]
    row = reporting_period_get_or_create(period=due.period)
    report = report_accept(
        task=world.other_task, agency=officer_b.agency, period=row, officer=officer_b, head=head_b, coordinator=coordinator, progress=70
    )
    report = report_withdraw(report=report, by=sysadmin, reason="Báo cáo nhầm số liệu")
    form = reverse("reports:report_edit", args=[world.other_task.pk, due.period.code])
    client.force_login(officer_b)
    page = client.get(reverse("reports:agency_tasks")).content.decode()
    (row,) = [row for row in page.split("<tr>") if "report-withdrawn" in row]  # its row in the table, not the box above
    assert f'href="{form}"' in row, row


def test_the_agency_is_told_its_withdrawn_reports_are_among_those_it_writes_again(client, sysadmin, accepted, officer_b, head_b):
    """A withdrawn report is written again by its agency (``workflow.EDITABLE_STATES``), yet the box above its task list
    read "Báo cáo bị trả lại" and a refused evidence file "only while a draft or returned" (hatk11): both name it now."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from reports.services import attachment_add, report_transition

    report = report_withdraw(report=accepted, by=sysadmin, reason="Báo cáo nhầm kỳ")
    client.force_login(officer_b)
    page = client.get(reverse("reports:agency_tasks")).content.decode()
    assert "Báo cáo bị trả lại hoặc bị rút (1)" in page
    report = report_transition(report=report, action=WorkflowAction.SUBMIT, by=head_b, notify=False)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        attachment_add(report=report, upload=SimpleUploadedFile("b.pdf", b"%PDF-1.7 b"), by=officer_b)
    assert refused.value.messages == ["Chỉ đính kèm tài liệu khi báo cáo là bản nháp, bị trả lại hoặc bị rút."]
