"""Requests for more time on a task (gia hạn; QĐ 42/2014/QĐ-TTg and 23/2018/QĐ-TTg): asking and deciding.

The head of a lead agency asks before the due date, with a reason and a new date; the coordinator
(or leadership, ``settings.EXTENSION_DECIDED_BY``) approves it, approves a shorter date, or refuses
it with a comment. An approval sets ``Task.extended_due_date``: the status is judged against it
(``tasks.status``) and the original due date is kept.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import locked
from core.shared_figures import figures_changed
from core.text import clean_text
from plans.models import User
from tasks import policy as tasks_policy

from .choices import ExtensionState, Recurrence
from .models import Extension, Task
from .selectors import figures_moved_by_tasks


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def extension_refusal(task: Task, today: datetime.date) -> ValidationError | None:
    """Why no one may ask for more time on ``task`` on ``today`` (whoever asks), or None when a request may be made.

    The rule of ``extension_request``; pages read it to offer the request only where it can succeed.
    """
    current = task.judged_due_date
    if task.recurrence != Recurrence.NONE or current is None:
        return ValidationError(_("This task has no single due date: there is nothing to extend."))
    if task.completed_on is not None:
        return ValidationError(_("This task is completed: there is nothing to extend."))
    if today > current:
        return ValidationError(
            {"requested_due": _("The due date %(due)s has passed: an extension is asked for before the due date.") % {"due": _day(current)}}
        )
    return None


def may_be_extended(task: Task, today: datetime.date | None = None) -> bool:
    """May a request for more time on ``task`` be made today (``extension_refusal``)?"""
    return extension_refusal(task, today or timezone.localdate()) is None


@transaction.atomic
def extension_request(*, task: Task, by: User, requested_due: datetime.date, reason: str, at: datetime.datetime | None = None) -> Extension:
    """Ask for more time on ``task``; refused after the due date, without a reason, or while a request waits."""
    barred = tasks_policy.extension_request_refusal(by, task)
    if barred:
        raise PermissionDenied(barred)
    task = locked(Task.objects).get(pk=task.pk)
    at = at or timezone.now()
    refusal = extension_refusal(task, timezone.localtime(at).date())
    if refusal is not None:
        raise refusal
    current = task.judged_due_date
    errors = {}
    if requested_due <= current:
        errors["requested_due"] = _("Ask for a date after the current due date (%(due)s).") % {"due": _day(current)}
    reason = clean_text(reason or "", keep_lines=True)
    if not reason:
        errors["reason"] = _("Say why more time is needed.")
    if errors:
        raise ValidationError(errors)
    if task.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError(_("This task already has an extension request waiting for a decision."))
    return Extension.objects.create(
        task=task,
        agency=by.agency,
        due_before=current,
        requested_due=requested_due,
        reason=reason,
        requested_by=by,
        requested_at=at,
    )


@transaction.atomic
def extension_decide(
    *,
    extension: Extension,
    by: User,
    approve: bool,
    approved_due: datetime.date | None = None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Extension:
    """Approve (the date asked for, or a shorter one) or refuse (with a comment) a waiting request."""
    extension = locked(Extension.objects).select_related("task__plan__parent").get(pk=extension.pk)
    if not tasks_policy.may_decide_extension(by, extension):
        raise PermissionDenied(_("You may not decide on this request."))
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(_("This request was already decided."))
    comment = clean_text(comment or "", keep_lines=True)
    if approve:
        approved_due = approved_due or extension.requested_due
        if not extension.due_before < approved_due <= extension.requested_due:
            raise ValidationError(
                {
                    "approved_due": _("Approve a date after %(before)s and no later than the date asked for, %(asked)s.")
                    % {"before": _day(extension.due_before), "asked": _day(extension.requested_due)}
                }
            )
        extension.state, extension.approved_due = ExtensionState.APPROVED, approved_due
        task = Task.objects.get(pk=extension.task_id)
        task.extended_due_date = approved_due
        task.save(update_fields=["extended_due_date", "updated_at"])  # through the model: the change history records it
    else:
        if not comment:
            raise ValidationError({"comment": _("Say why the request is refused.")})
        extension.state = ExtensionState.REFUSED
    extension.comment, extension.decided_by, extension.decided_at = comment, by, at or timezone.now()
    extension.save()
    if approve:
        plans, agencies = figures_moved_by_tasks([extension.task_id])
        figures_changed(plans=plans, agencies=agencies)  # the task is judged against the new date
    return extension
