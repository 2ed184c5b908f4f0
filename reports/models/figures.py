"""Stored figures the dashboard reads instead of re-aggregating every report on each request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Plan

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
