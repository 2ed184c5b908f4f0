"""Tasks of a plan and the agencies assigned to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import ChangeHistory
from core.search import SearchableModel
from core.text import clean_text
from plans.models import Agency, AgencyGroup, Plan, Section
from plans.workdays import current_calendar, shift_note

from .choices import AssignmentRole, ExtensionState, ImportState, Recurrence
from .ordering import order_key
from .status import derive_status, working_due_date


class Task(SearchableModel):
    """A task (nhiệm vụ) of a plan: its number, content, product and timeframe as written.

    ``start_date``, ``due_date`` and ``recurrence`` are computed from the timeframe
    (``tasks.timeframes``); ``progress`` and ``completed_on`` are derived from accepted
    reports (``reports.services``). The status is derived from both (``tasks.status``).
    """

    SEARCH_FIELDS = ("number", "title", "product", "timeframe")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("plan"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("section"))
    number = models.CharField(_("number"), max_length=32, help_text=_("Its number in the plan (STT)."))
    position = models.PositiveIntegerField(_("order"), default=0)
    order_key = models.BigIntegerField(
        _("place in the list"),
        default=0,
        editable=False,
        help_text=_("Plan, section position and task position in one number (tasks.ordering); kept by saves and the importer."),
    )
    title = models.TextField(_("content"))
    product = models.TextField(_("expected product"), blank=True)
    timeframe = models.CharField(_("timeframe as written"), max_length=255)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    extended_due_date = models.DateField(
        _("extended due date"), null=True, blank=True, editable=False, help_text=_("The date of the latest approved extension.")
    )
    effective_due_date = models.DateField(
        _("judged due date"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The extended or planned due date moved to the next working day; the status is judged against it."),
    )
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE)
    note = models.TextField(_("note"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    agencies = models.ManyToManyField(
        Agency, through="TaskAssignment", through_fields=("task", "agency"), related_name="tasks", verbose_name=_("agencies")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = ChangeHistory(excluded_fields=["search_text", "order_key", "effective_due_date"], verbose_name=_("task history"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="task_number_unique_per_plan",
                violation_error_message=_("This plan already has a task with this number."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="task_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="task_progress_0_100",
                violation_error_message=_("Progress is between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence=Recurrence.NONE) | Q(due_date__isnull=True),
                name="task_recurring_has_no_due_date",
                violation_error_message=_("Ongoing and yearly tasks have no single due date."),
            ),
        ]
        indexes = [
            models.Index(fields=["due_date"], name="task_due_date_idx"),
            # A page of the task list is a range of this index (tasks.ordering), not a sort of every task; with the
            # plan in it, a page of the public's list (published plans) is read from the index alone.
            models.Index(fields=["order_key", "id", "plan"], name="task_order_key_idx"),
            # A plan page says when one of its tasks last changed: the top of this index, not a sort of the plan's tasks.
            models.Index(fields=["plan", "updated_at"], name="task_plan_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:100]}"

    def save(self, *args, **kwargs):
        self.order_key = order_key(
            plan_id=self.plan_id, section_position=self.section.position if self.section_id else None, position=self.position
        )
        self.effective_due_date = working_due_date(self.due_date, self.extended_due_date, current_calendar())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & {"plan", "plan_id", "section", "section_id", "position"}:
            kwargs["update_fields"] = {*update_fields, "order_key"}
        if update_fields is not None and set(update_fields) & {"due_date", "extended_due_date"}:
            kwargs["update_fields"] = {*kwargs["update_fields"], "effective_due_date"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:task", args=[self.plan_id, self.pk])

    def clean(self) -> None:
        self.number = clean_text(self.number).rstrip(".")
        self.title = clean_text(self.title, keep_lines=True)
        self.product = clean_text(self.product, keep_lines=True)
        self.timeframe = clean_text(self.timeframe)
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": _("The section belongs to another plan.")})

    def status(self, today):
        """The derived status on ``today`` (see ``tasks.status``)."""
        return derive_status(
            recurrence=self.recurrence,
            due_date=self.due_date,
            completed_on=self.completed_on,
            today=today,
            extended_due_date=self.extended_due_date,
        )

    @property
    def judged_due_date(self):
        """The date the task is judged against: the approved extension's, else its own (as written)."""
        return self.extended_due_date or self.due_date

    @property
    def due_date_moved(self) -> tuple | None:
        """(working day, "(lùi do nghỉ Tết)") when the judged due date is not a working day; None otherwise."""
        judged = self.judged_due_date
        if judged is None:
            return None
        calendar = current_calendar()
        moved = working_due_date(self.due_date, self.extended_due_date, calendar)
        return (moved, shift_note(calendar.shift_reason(judged))) if moved != judged else None


class TaskAssignment(models.Model):
    """An agency's part in a task: lead (chủ trì) or cooperating (phối hợp).

    When the plan named a group ("Các sở, ban, ngành tỉnh"), every member gets an
    assignment and ``via_group`` records the group as written.
    """

    # Indexes: the task's assignments are read through the unique (task, agency) index; the three
    # optional links through partial ones (most rows have none): an import of 10,000 tasks writes
    # 47,000 assignments, and each index kept off a row is work the database does not do.
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task"), db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    via_group = models.ForeignKey(
        AgencyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("through group"),
        db_index=False,
    )
    inherited_from = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over",
        verbose_name=_("inherited from"),
        help_text=_("The retired agency that held this part before a reorganisation."),
        db_index=False,
    )
    inherited_on = models.DateField(_("inherited from day"), null=True, blank=True)
    inherited_via = models.ForeignKey(
        "plans.ReorganisationChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_assignments",
        verbose_name=_("moved by"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "role", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency"],
                name="assignment_unique_agency_per_task",
                violation_error_message=_("This agency is already assigned to the task."),
            ),
        ]
        indexes = [
            # Inherited assignments are few: the dashboard's "sent, but before the agency held the task" probe reads them only.
            models.Index(fields=["task", "agency"], condition=Q(inherited_on__isnull=False), name="assignment_inherited_idx"),
            models.Index(fields=["via_group"], condition=Q(via_group__isnull=False), name="assignment_via_group_idx"),
            models.Index(fields=["inherited_from"], condition=Q(inherited_from__isnull=False), name="assignment_inherited_from_idx"),
            models.Index(fields=["inherited_via"], condition=Q(inherited_via__isnull=False), name="assignment_inherited_via_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_role_display()})"


class PastHolding(models.Model):
    """An agency that held a part of a task before the agency holding it now, and for which days.

    Written when a part changes hands (a reorganisation decision, a reassignment, an annex carried to
    today's holders) or is folded into another agency's part of the same task: the part (``part``) is
    the assignment that carries the work today. With the assignment's own ``inherited_on`` this answers
    "who held this part of this task on day D" (``tasks.selectors.holdings_on``), so a past period is
    read with the agencies of its day and what the plan named stays readable.
    """

    part = models.ForeignKey(
        TaskAssignment, on_delete=models.CASCADE, related_name="past_holdings", verbose_name=_("part held now"), db_index=False
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="past_holdings", verbose_name=_("task"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="past_holdings", verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    via_group = models.ForeignKey(
        AgencyGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("through group")
    )
    held_from = models.DateField(_("held from"), null=True, blank=True, help_text=_("Empty: from the plan's start."))
    held_to = models.DateField(_("held until"), help_text=_("The first day another agency held the part."))
    change = models.ForeignKey(
        "plans.ReorganisationChange",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="past_holdings",
        verbose_name=_("ended by"),
    )
    folded = models.BooleanField(_("folded into the holder's own part"), default=False)

    class Meta:
        verbose_name = _("past holder of a part")
        verbose_name_plural = _("past holders of parts")
        ordering = ["part", "held_to", "id"]
        indexes = [models.Index(fields=["part", "held_to"], name="past_holding_part_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_from__isnull=True) | Q(held_from__lte=F("held_to")),
                name="past_holding_days_in_order",
                violation_error_message=_("A part is held before it is handed on."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} → {self.held_to:%d/%m/%Y}"


class TaskDestination(models.Model):
    """Where one open task goes in a split or a transfer of functions (the change names the destination)."""

    change = models.ForeignKey(
        "plans.ReorganisationChange", on_delete=models.CASCADE, related_name="destinations", verbose_name=_("change")
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="destinations", verbose_name=_("task"))

    class Meta:
        verbose_name = _("task destination")
        verbose_name_plural = _("task destinations")
        constraints = [
            models.UniqueConstraint(
                fields=["change", "task"], name="task_destination_unique", violation_error_message=_("This task is already chosen.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.change.target}"


class ImportJob(models.Model):
    """One upload of a plan's annex: its preview (a dry run) and, once confirmed, its import.

    The file is stored privately (never under a public URL). Progress while a job runs
    lives in the cache (``tasks.importing.import_jobs``); the outcome is kept here.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("plan"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey("plans.User", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("uploaded by"))
    state = models.CharField(_("state"), max_length=16, choices=ImportState.choices, default=ImportState.PREVIEWING)
    background = models.BooleanField(_("in the background"), default=False)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annex import")
        verbose_name_plural = _("annex imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.plan.symbol}"

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_plan_import_job", args=[self.plan_id, self.pk])

    @property
    def errors(self) -> list[dict]:
        return self.preview.get("errors", [])


class Extension(models.Model):
    """A request for more time on a task (gia hạn), made by the head of a lead agency before the due date.

    The coordinator (or leadership, ``settings.EXTENSION_DECIDED_BY``) approves it, possibly with a
    shorter date, or refuses it with a comment. An approval sets ``Task.extended_due_date``; the
    original due date is kept.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("task"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("agency"))
    state = models.CharField(_("state"), max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    due_before = models.DateField(_("due date when asked"))
    requested_due = models.DateField(_("date asked for"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extensions_requested", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked at"))
    approved_due = models.DateField(_("date approved"), null=True, blank=True)
    comment = models.TextField(_("decision comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions_decided",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_task",
                violation_error_message=_("This task already has an extension request waiting for a decision."),
            ),
            models.CheckConstraint(
                condition=Q(requested_due__gt=F("due_before")),
                name="extension_asks_for_a_later_date",
                violation_error_message=_("The date asked for must come after the current due date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} — {self.requested_due:%d/%m/%Y}"

    @property
    def shortened(self) -> bool:
        return self.approved_due is not None and self.approved_due < self.requested_due


class TaskOwner(models.Model):
    """A named officer in charge (người phụ trách) of an agency's part in a task, for dated days.

    The head of the agency assigns (``tasks.delegation.task_owners_set``; who may: ``tasks.policy``). A change
    ends the current rows and starts new ones, so the rows are the history: who carried it, from when to when.
    """

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="owners", verbose_name=_("assignment"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks_owned", verbose_name=_("person in charge")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: still in charge."))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("person in charge")
        verbose_name_plural = _("people in charge")
        ordering = ["assignment", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="task_owner_dates_in_order",
                violation_error_message=_("The last day comes on or after the first."),
            ),
            models.UniqueConstraint(
                fields=["assignment", "user"],
                condition=Q(ends_on__isnull=True),
                name="task_owner_once_at_a_time",
                violation_error_message=_("This person is already in charge of this task."),
            ),
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="task_owner_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.assignment}"


class LeadPartCount(models.Model):
    """How many lead parts (``TaskAssignment`` with the lead role) one agency holds on one plan's tasks, grouped by
    every column the dashboard's rules read of them: the task's status (``tasks.status``) and the obligation to
    report (``reports.compliance.obligation``) are worked out on these rows for the day asked, so a row stays
    right when a date passes without any write.

    Kept true in the transaction of every change of tasks and assignments (``tasks.kept.lead_parts_refresh``);
    the daily upkeep rebuilds them and reports any drift (``manage.py kept_figures``).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lead_part_counts", verbose_name=_("plan"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="lead_part_counts", verbose_name=_("agency"))
    via_group = models.ForeignKey(
        AgencyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("through group"), db_index=False
    )
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices)
    effective_due_date = models.DateField(_("judged due date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    inherited_on = models.DateField(_("inherited from day"), null=True, blank=True)
    parts = models.PositiveIntegerField(_("lead parts"))

    class Meta:
        verbose_name = _("lead part count")
        verbose_name_plural = _("lead part counts")

    def __str__(self) -> str:
        return f"{self.plan_id} — {self.agency_id}: {self.parts}"


class TaskCount(models.Model):
    """How many tasks of one plan's section share the columns the dashboard's rules read (recurrence, due dates,
    completion), and the sum of their progress: the status (``tasks.status``) and the tasks overdue at a past cut-off
    are worked out on these rows for the day asked, so a row stays right when a date passes without any write.

    Kept true in the transaction of every change of tasks (``tasks.kept.task_counts_refresh``); the daily upkeep
    rebuilds them and reports any drift (``manage.py kept_figures``).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_counts", verbose_name=_("plan"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("section"))
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    effective_due_date = models.DateField(_("judged due date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    tasks = models.PositiveIntegerField(_("tasks"))
    progress_sum = models.PositiveBigIntegerField(_("sum of progress"))

    class Meta:
        verbose_name = _("task count")
        verbose_name_plural = _("task counts")

    def __str__(self) -> str:
        return f"{self.plan_id} — {self.section_id}: {self.tasks}"
