"""Stored figures the dashboard reads instead of re-aggregating every report on each request."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Agency, AgencyGroup, Plan
from tasks.choices import Recurrence

from .reporting import ReportingPeriod


class TrendPoint(models.Model):
    """The accepted lead reports of one plan for one period: how many, and the sum of their progress.

    Kept true in the transaction that accepts a report (``reports.figures``); a missing row is
    computed when first read, and the daily upkeep rebuilds them all.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="trend_points", verbose_name=_("plan"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="trend_points", verbose_name=_("period"))
    reports = models.PositiveIntegerField(_("accepted reports"), default=0)
    progress_sum = models.PositiveBigIntegerField(_("sum of progress"), default=0)

    class Meta:
        verbose_name = _("trend point")
        verbose_name_plural = _("trend points")
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="trend_point_unique")]

    def __str__(self) -> str:
        return f"{self.plan} — {self.period}"


class LateReportCount(models.Model):
    """How many reports one agency sent late on one plan's tasks (``reports.compliance.late_reports``).

    Kept true in the transaction of every workflow step (``reports.figures.late_count_refresh``);
    the row without an agency marks a plan whose counts are all stored (a plan's counts are computed
    and kept when first read); the daily upkeep rebuilds them all.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="late_report_counts", verbose_name=_("plan"))
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="late_report_counts", verbose_name=_("agency")
    )
    reports = models.PositiveIntegerField(_("late reports"), default=0)

    class Meta:
        verbose_name = _("late report count")
        verbose_name_plural = _("late report counts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "agency"], name="late_report_count_unique"),
            models.UniqueConstraint(fields=["plan"], condition=Q(agency__isnull=True), name="late_report_count_plan_marker_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.agency or '*'}"


class SentLeadCount(models.Model):
    """How many lead reports one agency sent (submitted or accepted) for one period on one plan's tasks, on lead parts
    it holds, grouped by the part's and the task's columns the rules read (``tasks.models.LeadPartCount``'s): whether
    the report was owed and the task is unfinished are worked out on these rows for the day asked.

    Kept true in the transaction of every change of tasks, assignments and sent reports (``reports.figures.sent_counts_refresh``,
    called by ``tasks.kept.lead_parts_refresh``); the daily upkeep rebuilds them and reports any drift.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sent_lead_counts", verbose_name=_("plan"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="sent_lead_counts", verbose_name=_("agency"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="sent_lead_counts", verbose_name=_("period"))
    via_group = models.ForeignKey(
        AgencyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("through group"), db_index=False
    )
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices)
    effective_due_date = models.DateField(_("judged due date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    inherited_on = models.DateField(_("inherited from day"), null=True, blank=True)
    reports = models.PositiveIntegerField(_("sent reports"))

    class Meta:
        verbose_name = _("sent lead report count")
        verbose_name_plural = _("sent lead report counts")
        indexes = [models.Index(fields=["period", "plan"], name="sent_lead_count_period_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} — {self.agency_id} — {self.period_id}: {self.reports}"
