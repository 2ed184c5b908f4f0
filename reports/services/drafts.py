"""Writing a report's content and evidence, with optimistic locking."""

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.compiled import compiled_objects
from core.conflicts import Conflict
from core.history import changed_for_certain
from core.locking import locked
from core.text import clean_text
from core.uploads import content_digest
from plans.models import Agency, User
from reports import policy as reports_policy
from tasks.choices import Recurrence
from tasks.models import Task, TaskAssignment

from .. import workflow
from ..attachments import evidence_label, evidence_type, sent_name
from ..choices import WorkflowAction
from ..models import Attachment, Report, ReportEvent, ReportingPeriod
from ..periods import STARTED, Period, unreportable_reason
from .content import CONTENT_FIELDS, report_content_check
from .indicators import report_indicators, reported_values_check, reported_values_same, reported_values_save
from .steps import report_locked, report_transition, task_row_locked


class ReportConflict(Conflict):
    """Someone saved the report after this form was opened: the form's text must be shown back, not lost."""

    def __init__(self, current: Report):
        super().__init__(_("Someone else saved this report while you were editing it."), current_version=current.version)
        self.current = current


def _check_author(by: User, agency: Agency, report: Report | None = None) -> None:
    """``by`` writes the agency's reports, or ``report``, which their agency carries on (``reports_policy.writes``)."""
    if not (reports_policy.may_write_report(by, agency.pk) or (report is not None and reports_policy.writes(by, report))):
        raise PermissionDenied(_("Only the agency's own staff write its reports."))


def inherited_part(*, task: Task, agency: Agency | None) -> TaskAssignment | None:
    """The agency's part in the task when it inherited it (a reorganisation, a reassignment); None otherwise."""
    if agency is None:
        return None
    return _inherited(_part(task=task, agency=agency))


def _part(*, task: Task, agency: Agency) -> TaskAssignment | None:
    """The agency's part in the task (one at most), with what a refused period names (its holder, its predecessor)."""
    found = compiled_objects(_part_row, task=task.pk, agency=agency.pk)  # every save asks it: its statement made once
    return found[0] if found else None


def _part_row(*, task: int, agency: int):
    # One row by the (task, agency) unique key: no ordering, whose default would join the plan and task to sort it.
    return TaskAssignment.objects.filter(task=task, agency=agency).select_related("agency", "inherited_from").order_by()


def _draft_locked(*, task: int, agency: int, period: int):
    """The agency's report on the task for the period (one at most: unique), locked."""
    return locked(Report.objects).filter(task=task, agency=agency, period=period)


def _inherited(part: TaskAssignment | None) -> TaskAssignment | None:
    return part if part is not None and part.inherited_on is not None else None


def period_refusal(*, task: Task, period: Period, held: TaskAssignment | None, today: datetime.date | None = None) -> str | None:
    """Why the holder of ``held`` (or anyone, when None) cannot report the task for ``period`` (``reports.periods.unreportable_reason``)."""
    plan = task.plan
    return unreportable_reason(
        period,
        kinds=plan.reporting_kinds,
        starts_on=STARTED.day_of(task),
        today=today or timezone.localdate(),
        deadline_day=plan.report_deadline_day,
        held_from=held.inherited_on if held else None,
        holder=held.agency.name if held else "",
        predecessor=held.inherited_from.name if held and held.inherited_from else "",
        completed_on=task.completed_on if task.recurrence == Recurrence.NONE else None,
    )


def report_period_check(*, task: Task, period: Period, agency: Agency | None = None, today: datetime.date | None = None) -> None:
    """Refuse a period the task cannot be reported for (:func:`period_refusal`).

    With ``agency``: a successor does not report for the periods its predecessor owed.
    """
    _period_check(task=task, period=period, held=inherited_part(task=task, agency=agency), today=today)


def _period_check(*, task: Task, period: Period, held: TaskAssignment | None, today: datetime.date | None = None) -> None:
    reason = period_refusal(task=task, period=period, held=held, today=today)
    if reason:
        raise ValidationError({"period": reason})


# A stored report's own key and its authors: rows that exist, unchanged by a save of its draft.
KEYS = ("task", "agency", "period", "created_by")


def _same_content(report: Report, data: dict, indicator_values: dict | None) -> bool:
    """Does the form say what is stored (its text and its indicators' values)? Then a stale version is the same save
    sent twice; otherwise someone saved meanwhile (a value alone differing too: it would be written over theirs)."""
    same_text = all(getattr(report, name) == data.get(name) for name in CONTENT_FIELDS)
    return same_text and (not indicator_values or reported_values_same(report=report, values=indicator_values))


def _edit_refused(report: Report) -> Exception:
    """Why a form's save is refused: the report sent on meanwhile (by its head, while the officer edited it) can no
    longer be edited, whoever moved it; a draft another saved meanwhile is a conflict (their text shown beside)."""
    if not workflow.is_editable(report.state):
        return ValidationError(_("This report is “%(state)s”: it can no longer be edited.") % {"state": report.get_state_display()})
    return ReportConflict(report)


@transaction.atomic
def report_save(
    *,
    task: Task,
    agency: Agency,
    period: ReportingPeriod,
    by: User,
    data: dict,
    version: int | None,
    files=(),
    send: bool = False,
    at: datetime.datetime | None = None,
    indicator_values: dict | None = None,
) -> Report:
    """Create the agency's report on a task for a period, or update its draft; with ``send``, send it on too.

    ``version`` is the version the form was opened at (None for a new report). A stale
    version raises :class:`ReportConflict`, unless the form says exactly what is stored
    already (a double-clicked save), which is simply the same save (and, the report sent by it already, the same
    send: answered with the report, not refused as no longer sendable). Saving and sending are
    one transaction: a refused step leaves the draft as it was. ``indicator_values`` maps an indicator's id to
    (value or None, note): the values of the indicators the report carries (``services.indicators``).
    """
    if reports_policy.may_write_report(by, agency.pk):
        # The agency's part read once: the period it may report (report_period_check's rule, held since its inheritance)
        # and, below, whether it holds the task at all.
        assignment = _part(task=task, agency=agency)
        _period_check(task=task, period=period.as_period(task.plan.report_deadline_day), held=_inherited(assignment))
    else:
        # A report of an agency that has ceased, carried on by the writer's agency (reports_policy.writes): the report
        # exists, its period was the ceased agency's; the part is the one the writer's agency holds now.
        carried = Report.objects.filter(task=task, agency=agency, period=period).first()
        _check_author(by, agency, carried)
        assert by.agency is not None  # an agency role: reports_policy.writes
        assignment = _part(task=task, agency=by.agency)
    if indicator_values:
        reported_values_check(
            indicators=report_indicators(task_id=task.pk, agency_id=agency.pk, period=period), period=period, values=indicator_values
        )
    data = {name: data.get(name) for name in CONTENT_FIELDS}
    for name in ("results", "difficulties", "proposals"):
        data[name] = clean_text(data[name] or "", keep_lines=True)
    if assignment is None:
        raise PermissionDenied(_("%(agency)s is not assigned to this task.") % {"agency": agency})
    # The task's row, then the report's, as every writer of a task's reports (steps.task_row_locked): a save-and-send
    # holding the report's row and then wanting the task's (its step) met the head's step on the same draft holding the
    # task's and wanting the report's (a deadlock on PostgreSQL).
    task_row_locked(task.pk)
    found = compiled_objects(_draft_locked, task=task.pk, agency=agency.pk, period=period.pk)  # made once: every save's
    report = found[0] if found else None
    if report is not None:
        report.task, report.agency, report.period = task, agency, period  # the rows in hand, not read again
    repeated = False  # the form says what is stored already: the same save sent twice (a double click)
    if report is None:
        report = Report(task=task, agency=agency, period=period, role=assignment.role, created_by=by, **data)
        report.full_clean()
        try:
            with transaction.atomic():
                report.save()
                if at is not None:
                    Report.objects.filter(pk=report.pk).update(created_at=at)
        except IntegrityError:  # the same form sent twice at once: the other request created it
            report = locked(Report.objects).get(task=task, agency=agency, period=period)
            if not _same_content(report, data, indicator_values):
                raise _edit_refused(report) from None
            repeated = True
        else:
            ReportEvent.objects.create(
                report=report, action=WorkflowAction.CREATE, to_state=report.state, actor=by, at=at or timezone.now()
            )
    elif version != report.version:
        if not _same_content(report, data, indicator_values):
            raise _edit_refused(report)
        repeated = True
    else:
        if not workflow.is_editable(report.state):
            raise _edit_refused(report)
        stored = {name: getattr(report, name) for name in CONTENT_FIELDS}
        same_values = not indicator_values or reported_values_same(report=report, values=indicator_values)
        for name, value in data.items():
            setattr(report, name, value)
        # Its task, agency and period are the rows locked and in hand (no query to find they exist, none for a key
        # that did not change): its content's fields and rules (Report.clean) are what a draft's save can break.
        report.full_clean(exclude=KEYS, validate_unique=False, validate_constraints=False)
        # The same content once cleaned, no value and no file changed: nothing to write (no history row, no version).
        if files or not same_values or {name: getattr(report, name) for name in CONTENT_FIELDS} != stored:
            report.version += 1
            changed_for_certain(report)  # its version moves
            report.save()
    if (
        repeated
        and send
        and report.state in workflow.SENDING_TARGETS
        and workflow.sending_action(reports_policy.report_actions(by, report)) is None
    ):
        return report  # "save and send" clicked twice: the first click sent it as far as this user sends, the same send
    if indicator_values and workflow.is_editable(report.state):
        reported_values_save(report=report, values=indicator_values)
    for upload in files:
        attachment_add(report=report, upload=upload, by=by)
    if workflow.is_editable(report.state):
        report_content_check(report=report)  # sending checks again, with the rules of sending, in report_transition
    if send:
        action = workflow.sending_action(reports_policy.report_actions(by, report))
        if action is None:
            raise ValidationError(_("This report cannot be sent now."))
        report = report_transition(report=report, action=action, by=by, at=at)
    return report


def attachment_add(*, report: Report, upload, by: User) -> Attachment:
    """Attach evidence: its type is read from its content, its size is capped, its name never reaches the disk.

    A file whose content is already attached to the report (same SHA-256) is kept once: the
    attachment already there is returned and nothing is stored.
    """
    _check_author(by, report.agency, report)
    if not workflow.is_editable(report.state):
        raise ValidationError(_("Evidence can only be added while the report is a draft, returned or withdrawn."))
    name = sent_name(upload)  # for messages: the name as sent, extension included
    if report.attachments.count() >= settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("A report carries at most %(count)d evidence files: “%(name)s” was not added. Remove a file first.")
            % {"count": settings.ATTACHMENT_MAX_FILES, "name": name},
            code="attachment",
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
            code="attachment",
        )
    detected = evidence_type(upload)
    digest = content_digest(upload)
    existing = report.attachments.filter(sha256=digest).first()
    if existing is not None:
        return existing
    label = evidence_label(upload.name, detected[0])
    upload.name = label  # the stored name takes its extension (reports.models._attachment_path), never the sender's
    return Attachment.objects.create(
        report=report, file=upload, original_name=label, content_type=detected[1], size=upload.size, sha256=digest, uploaded_by=by
    )


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: User) -> None:
    """Take a file from a draft. The report's locks first, as a step takes them (its task's, then its own): a head sending
    the report meanwhile is waited for, and the removal refused once it is sent (read unlocked, its state was the page's,
    and the file went from under the step that sent the report with it). The file leaves the storage once committed."""
    _check_author(by, attachment.report.agency, attachment.report)
    report = report_locked(attachment.report)
    if not workflow.is_editable(report.state):
        raise ValidationError(_("Evidence can only be removed while the report is a draft, returned or withdrawn."))
    file = attachment.file
    attachment.delete()
    transaction.on_commit(partial(file.storage.delete, file.name))
