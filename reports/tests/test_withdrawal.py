"""Reports that reached the coordinator are never deleted: withdrawn with a reason instead; orphan files cleared."""

import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
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
