"""Withdrawing a sent or accepted report: never deleted, because its figures were already read.

A report that reached the coordinator (submitted) or was accepted has fed task progress, the
dashboard and perhaps an issued summary; deleting it would erase that trail and leave its files
on disk. An administrator withdraws it instead, with a reason: the state becomes "withdrawn", a
workflow step records who, when and why, and the task's progress is recomputed without it. The agency owes the
period again (``compliance``: withdrawn is not sent): it edits the withdrawn report and sends it again through the
workflow (``workflow.EDITABLE_STATES``), late or not by ``compliance.sent_late``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import job_enqueue
from core.shared_figures import figures_changed
from plans import policy
from plans.choices import Role
from plans.models import User
from tasks.kept import lead_parts_batch
from tasks.selectors import plan_and_parent

from ..choices import ReportState, WorkflowAction
from ..compliance import late_count_moved
from ..figures import late_count_refresh, trend_point_refresh
from ..handoffs import report_handoff, report_no_longer_waiting
from ..models import Report, ReportEvent
from .indicators import reported_values_withdraw
from .steps import report_locked, task_progress_refresh

# Reports that left the agency: they are withdrawn, never deleted.
KEPT_STATES = frozenset({ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.WITHDRAWN})


class ReportKept(ValidationError):
    """Raised when something tries to delete a report that left its agency."""


@transaction.atomic
@lead_parts_batch()  # the kept counts once at the end, plans before agencies, as every writer takes their locks
def report_withdraw(*, report: Report, by: User, reason: str) -> Report:
    """Withdraw a submitted or accepted report (administrators only), with the reason in its history."""
    if policy.role_of(by) != Role.ADMIN:
        raise PermissionDenied(_("Only a system administrator may withdraw a report."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the report.")})
    report = report_locked(report, "task", "agency", "period")
    if report.state not in {ReportState.SUBMITTED, ReportState.ACCEPTED}:
        raise ValidationError(
            _("Only a submitted or accepted report can be withdrawn; this one is “%(state)s”.") % {"state": report.get_state_display()}
        )
    previous, was_accepted = report.state, report.state == ReportState.ACCEPTED
    report_no_longer_waiting(report, left=report.state)  # a submitted report waits for no reviewer any more
    event = ReportEvent.objects.create(
        report=report, action=WorkflowAction.WITHDRAW, from_state=report.state, to_state=ReportState.WITHDRAWN, actor=by,
        at=timezone.now(), comment=reason,
    )  # fmt: skip
    report.state = ReportState.WITHDRAWN
    report.version += 1
    report._change_reason = reason  # type: ignore[attr-defined]  # django-simple-history keeps it with the change
    report.save(update_fields=["state", "version", "updated_at"])
    # The notices and e-mail of a workflow step (handoffs.report_recipients: the agency that sent it, who accepted it),
    # in this transaction: a broker outage loses nothing.
    report_handoff(event)
    job_enqueue("reports.jobs.report_event_notify_job", event.pk)
    if was_accepted:  # the task's progress, the trend and the indicators' actuals no longer count it
        reported_values_withdraw(report=report, reason=reason, by=by)
        task_progress_refresh(task=report.task)
        trend_point_refresh(plan_id=report.task.plan_id, period_id=report.period_id)
    # no longer sent: no longer a late report, if it was one (the rule every workflow step asks)
    if late_count_moved(previous=previous, current=report.state, was_late=report.is_late, is_late=report.is_late):
        late_count_refresh(plan_id=report.task.plan_id, agency_id=report.agency_id)
    figures_changed(plans=plan_and_parent(report.task.plan_id), agencies=[report.agency_id])
    return report


@receiver(pre_delete, sender=Report)
def report_delete_refuse(sender, instance: Report, **kwargs) -> None:
    """No path deletes a report that left its agency: admin, shell, cascade or queryset alike."""
    if instance.state in KEPT_STATES:
        raise ReportKept(
            _("The report “%(report)s” was sent to the coordinator: it cannot be deleted, only withdrawn with a reason.")
            % {"report": instance}
        )
