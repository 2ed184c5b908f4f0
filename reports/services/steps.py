"""Writes of the reports app: periods, drafts, workflow steps and the task progress they feed."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.compiled import compiled_objects
from core.history import changed_for_certain
from core.locking import locked
from core.outbox import job_enqueue
from core.shared_figures import figures_changed
from plans import policy
from plans.models import User
from plans.workdays import current_calendar
from reports import policy as reports_policy
from tasks.choices import AssignmentRole
from tasks.kept import lead_agencies_of, lead_parts_batch, lead_parts_moved, task_counts_moved, tasks_parts_lock
from tasks.models import Task
from tasks.selectors import plan_with_parent

from .. import workflow
from ..choices import ReportState, WorkflowAction
from ..compliance import figures_moved, late_count_moved, sent_late
from ..figures import late_count_refresh, trend_point_refresh
from ..handoffs import report_handoff, report_no_longer_waiting
from ..models import Report, ReportEvent, ReportingPeriod
from ..periods import Period
from ..progress import tasks_progress
from .content import report_content_check
from .indicators import reported_values_accept, reported_values_refile


class StepRepeated(Exception):
    """The step asked for is the one this user just took on this report, from the same page (a double click): nothing
    to do, nothing to say (the first click said it)."""

    def __init__(self, report: Report):
        super().__init__(str(report))
        self.report = report


def reporting_period_get_or_create(*, period: Period) -> ReportingPeriod:
    """The stored row for a period computed by ``reports.periods``."""
    row, _created = ReportingPeriod.objects.get_or_create(
        kind=period.kind,
        year=period.year,
        number=period.number,
        defaults={"first_day": period.first_day, "last_day": period.last_day},
    )
    return row


def report_locked(report: Report, *related: str) -> Report:
    """Inside a write of a sent report (its workflow step, its withdrawal): its task's row, then its own, locked in that
    order by every such writer. Both write the task (its progress) and the indicators the report's values move, in
    different orders (an acceptance records its values after the progress, a withdrawal withdraws them before):
    taking the task first makes two writes on one task's reports take turns from the start instead of each holding a
    row the other needs (a deadlock on PostgreSQL)."""
    task_row_locked(report.task_id)
    found = compiled_objects(_report_row_locked, related, report=report.pk)  # a deadline day's statement, made once
    if not found:
        raise Report.DoesNotExist(f"report {report.pk} is gone")
    return found[0]


def _report_row_locked(related: tuple[str, ...], *, report: int) -> QuerySet:
    return locked(Report.objects).select_related(*related).filter(pk=report)


def task_row_locked(task_id: int) -> None:
    """The first lock of every write of a task's reports (:func:`report_locked`, a draft's save): the task's row, FOR NO
    KEY UPDATE (other transactions' foreign keys to it are still checked). A report's row is locked after it, alone
    (``of=("self",)``: a report's default order joins its period and task, whose rows a bare FOR UPDATE locks too)."""
    list(locked(Task.objects.filter(pk=task_id), no_key=True).values_list("pk", flat=True))


@transaction.atomic
@lead_parts_batch()  # the kept counts once at the end, plans before agencies, as every writer takes their locks
def report_transition(
    *,
    report: Report,
    action: str,
    by: User,
    comment: str = "",
    at: datetime.datetime | None = None,
    notify: bool = True,
    version: int | None = None,
) -> Report:
    """Move a report one step along its workflow and record who, when and why.

    The report row is locked (:func:`report_locked`), so two clicks cannot take the same step twice. ``version``: the
    version of the page the step was asked from; the step this user took from it already (the report one version on,
    where this step led it) raises :class:`StepRepeated`, not a refusal.
    """
    report = report_locked(report, "task__plan__parent", "period", "agency")
    step = workflow.transition_for(action)
    if action not in reports_policy.report_actions(by, report):
        if _repeated(report, action=action, by=by, version=version):
            raise StepRepeated(report)
        if not policy.can(by, policy.VIEW, report) or report.state in step.sources:
            raise PermissionDenied(_("You may not do this to this report."))
        raise ValidationError(
            _("This report is “%(state)s”: it cannot be “%(action)s” now.")
            % {"state": report.get_state_display(), "action": WorkflowAction(action).label}
        )
    if step.target in workflow.SENDING_TARGETS and workflow.is_editable(report.state):
        report_content_check(report=report, sending=True)
    if step.needs_comment and not comment.strip():
        raise ValidationError({"comment": _("Say why the report is sent back, so the agency can fix it.")})
    at = at or timezone.now()
    previous, was_late = report.state, report.is_late
    report.state = step.target
    report.version += 1
    if step.target == ReportState.SUBMITTED:
        report.is_late = _sent_late(report, at)
        report.submitted_at = at
        report.first_submitted_at = report.first_submitted_at or at
    if step.target == ReportState.ACCEPTED:
        report.accepted_at = at
    changed_for_certain(report)  # its state and version move
    report.save()
    event = ReportEvent.objects.create(
        report=report, action=action, from_state=previous, to_state=report.state, actor=by, at=at, comment=comment.strip()
    )
    report_no_longer_waiting(report, left=previous)  # the work the earlier steps' notices named is done
    if notify:
        report_handoff(event, new=True)  # the notices of those who must act now, in this transaction
        job_enqueue("reports.jobs.report_event_notify_job", event.pk)  # in this transaction: a broker outage loses nothing
    if ReportState.ACCEPTED in (previous, step.target) and report.role == AssignmentRole.LEAD:
        trend_point_refresh(plan_id=report.task.plan_id, period_id=report.period_id)
    if late_count_moved(previous=previous, current=report.state, was_late=was_late, is_late=report.is_late):
        late_count_refresh(plan_id=report.task.plan_id, agency_id=report.agency_id)
    if previous == ReportState.WITHDRAWN:  # filed again: its values are reported anew, not the actuals withdrawn
        reported_values_refile(report=report)
    if step.target == ReportState.ACCEPTED:
        task_progress_refresh(task=report.task)
        reported_values_accept(report=report, by=by, at=at)  # the accepted values become the indicators' actuals
    if step.target == ReportState.ACCEPTED and report.indicator_values.exists():
        figures_changed()  # a province-wide index is read on every plan that names it
    elif figures_moved(previous=previous, current=report.state, was_late=was_late, is_late=report.is_late):
        # sent, returned, recalled: reports alone (an acceptance moves its task's progress: everything reading the plan)
        reports_only = ReportState.ACCEPTED not in (previous, step.target)
        figures_changed(plans=plan_with_parent(report.task.plan), agencies=[report.agency_id], reports_only=reports_only)
    return report


def _repeated(report: Report, *, action: str, by: User, version: int | None) -> bool:
    """Was ``action`` taken by ``by`` from the page at ``version``, the last step of the report (a double click)?"""
    if version is None or report.version != version + 1 or report.state != workflow.transition_for(action).target:
        return False
    last = report.events.order_by("-at", "-id").values_list("action", "actor_id").first()
    return last == (action, by.pk)


def _sent_late(report: Report, at: datetime.datetime) -> bool:
    """``compliance.sent_late`` for this sending: the first sending decides; a prompt resend after a return keeps it.

    A report never sent was never returned (a return takes back a sent report): its last return is read only for a
    report sent before. A withdrawal after it ends its grace: the report is filed again, not fixed as that return asked
    (a withdrawal is not a return)."""
    returned = None
    if report.first_submitted_at is not None:
        given_back = report.events.filter(action__in=(WorkflowAction.RETURN, WorkflowAction.WITHDRAW)).order_by("-at", "-id")
        last = given_back.values_list("action", "at").first()
        returned = last[1] if last is not None and last[0] == WorkflowAction.RETURN else None
    return sent_late(
        deadline=report.period.as_period(report.task.plan.report_deadline_day).deadline,
        sent_on=timezone.localtime(at).date(),
        first_sent_on=timezone.localtime(report.first_submitted_at).date() if report.first_submitted_at else None,
        was_late=report.is_late,
        returned_on=timezone.localtime(returned).date() if returned else None,
        calendar=current_calendar(),
        grace_days=settings.RESEND_GRACE_WORKING_DAYS,
    )


def task_progress_refresh(*, task: Task) -> Task:
    """Derive one task's progress and completion date from its lead parts' accepted reports (``reports.progress``)."""
    task.refresh_from_db()  # the change history records the whole row: never from a stale copy
    exact, completed_on = tasks_progress(Q(task=task), on=timezone.localdate()).get(task.pk, (0, None))
    task.progress, task.completed_on = round(exact), completed_on
    task.save(update_fields=["progress", "completed_on", "updated_at"])
    return task


@transaction.atomic
def tasks_progress_refresh(*, plan_ids: list[int] | None = None, task_ids: list[int] | None = None) -> int:
    """The same rule for every task of these plans (the daily upkeep), or these tasks (parts handed on), at once; returns how many changed."""
    tasks, through = (
        (Q(plan_id__in=plan_ids), Q(task__plan_id__in=plan_ids)) if plan_ids is not None else (Q(pk__in=task_ids), Q(task_id__in=task_ids))
    )
    figures = tasks_progress(through, on=timezone.localdate())
    changed = []
    for task in Task.objects.filter(tasks).only("pk", "plan_id", "section_id", "progress", "completed_on").iterator(chunk_size=5000):
        exact, completed_on = figures.get(task.pk, (0, None))
        if (task.progress, task.completed_on) != (round(exact), completed_on):
            task.progress, task.completed_on = round(exact), completed_on
            changed.append(task)
    tasks_parts_lock(task.pk for task in changed)  # in order, as every writer of several tasks (the daily upkeep's thousands)
    Task.objects.bulk_update(changed, ["progress", "completed_on"], batch_size=1000)
    task_counts_moved({(task.plan_id, task.section_id) for task in changed})
    lead_parts_moved(lead_agencies_of([task.pk for task in changed]))
    if changed:
        figures_changed()
    return len(changed)
