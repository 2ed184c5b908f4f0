"""Reporting periods, progress reports and the steps of their workflow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import ChangeHistory
from plans.choices import PeriodKind
from plans.models import Agency
from tasks.choices import AssignmentRole
from tasks.models import Task

from ..choices import ReportState, WorkflowAction, WorkState
from ..periods import Period, period_label, period_of


class ReportingPeriod(models.Model):
    """A reporting period of Nghị định 09/2019: kind, year, number and data window.

    Rows are made from ``reports.periods`` and never typed in. The sending deadline
    depends on each plan's setting, so it is computed, not stored.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    first_day = models.DateField(_("first day of data"))
    last_day = models.DateField(_("cut-off day"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-last_day", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"],
                name="period_unique",
                violation_error_message=_("This reporting period already exists."),
            ),
            models.CheckConstraint(
                condition=Q(last_day__gt=F("first_day")),
                name="period_window_forward",
                violation_error_message=_("A period's cut-off comes after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return period_label(self.kind, self.year, self.number)

    @property
    def label_in_sentence(self) -> str:
        """ "quý IV/2018", "năm 2018": the period named inside a sentence (``period_label``)."""
        return period_label(self.kind, self.year, self.number, in_sentence=True)

    def as_period(self, deadline_day: int = 20) -> Period:
        return period_of(self.kind, self.year, self.number, deadline_day=deadline_day)


class Report(models.Model):
    """One agency's progress report on one task for one period.

    Officers draft it, the agency head submits it, the coordinator accepts or returns
    it (``reports.workflow``). ``version`` guards against two people saving the same
    draft at once. Accepted reports feed the task's progress and status.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name=_("task"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports", verbose_name=_("agency"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period"))
    role = models.CharField(_("reported as"), max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    # The range is checked in Python too (a message on the field, no query): a draft's save validates without the
    # check constraints' queries (report_save), the constraint below stays the database's guard.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100, _("Progress is between 0 and 100%%."))]
    )
    work_state = models.CharField(_("state of the work"), max_length=16, choices=WorkState.choices, default=WorkState.IN_PROGRESS)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    results = models.TextField(_("results achieved"), blank=True)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_created", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first sent at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    history = ChangeHistory(verbose_name=_("report history"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period__last_day", "task__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "period"],
                name="report_unique_per_task_agency_period",
                violation_error_message=_("This agency already has a report on this task for this period."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="report_progress_0_100",
                violation_error_message=_("Progress is between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=(Q(work_state=WorkState.COMPLETED) & Q(completed_on__isnull=False) & Q(progress=100))
                | (~Q(work_state=WorkState.COMPLETED) & Q(completed_on__isnull=True)),
                name="report_completion_date_iff_completed",
                violation_error_message=_(
                    "A completed task has a completion date and 100% progress; an unfinished one has no completion date."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "period"], name="report_state_period_idx"),
            # Late reports are few; the dashboard counts them per agency.
            models.Index(fields=["agency", "task"], condition=Q(is_late=True), name="report_late_idx"),
            # The dashboard reads the reports sent for the periods due: by period, role and state, with
            # agency and task in the index (reports.compliance.sent_owed_by_agency).
            models.Index(fields=["period", "role", "state"], include=["agency", "task", "id"], name="report_period_sent_idx"),
            # Each step that sends a report or takes it back counts its agency's reports of the period again
            # (reports.figures.sent_counts_refresh): one agency's few hundred, not the period's tens of thousands.
            models.Index(fields=["agency", "period", "state"], name="report_agency_period_idx"),
            # The reports waiting for review (selectors.inbox): the inbox's count and page and the work box's count by
            # plan and period join each task of the plans reviewed to its submitted reports; on a deadline day at 10x
            # (3,000 sent) a probe of this index instead of the task's ten reports: 310 → 80 ms for the count.
            models.Index(fields=["task"], condition=Q(state=ReportState.SUBMITTED), name="report_submitted_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.task.number} — {self.period}"

    def clean(self) -> None:
        errors = {}
        if self.work_state == WorkState.COMPLETED:
            if not self.completed_on:
                errors["completed_on"] = _("Give the date the task was completed.")
            if self.progress != 100:
                errors["progress"] = _("A completed task is at 100%.")
        elif self.completed_on:
            errors["completed_on"] = _("Only a completed task has a completion date.")
        if errors:
            raise ValidationError(errors)


class ReportEvent(models.Model):
    """One step of a report's workflow: who did what, when, and what they said."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=32, choices=WorkflowAction.choices)
    from_state = models.CharField(_("from state"), max_length=16, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=ReportState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_events", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


def _attachment_path(instance, filename: str) -> str:
    from django.utils.crypto import get_random_string

    # A random name with the extension of the type read from the content (the service names the upload so).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{extension}" if extension.isalnum() and len(extension) <= 5 else ""
    return f"attachments/{instance.report_id}/{get_random_string(32)}{suffix}"


class Attachment(models.Model):
    """Evidence attached to a report: stored privately under a random name, served only to those who may see the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "uploaded_at", "id"]
        constraints = [
            # The same file uploaded twice to one report is kept once (older rows have no digest).
            models.UniqueConstraint(
                fields=["report", "sha256"],
                condition=~models.Q(sha256=""),
                name="attachment_unique_content_per_report",
                violation_error_message=_("This file is already attached to the report."),
            )
        ]

    def __str__(self) -> str:
        return self.original_name
