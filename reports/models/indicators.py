"""Indicator values an agency reports inside its periodic report (same form, same workflow)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import ChangeHistory
from indicators.models import VALUE, Indicator, IndicatorValue

from ..choices import ReportedValueState, ReportState
from .reporting import Report


class ReportedValue(models.Model):
    """The value of an indicator for the report's period, as the agency reports it.

    It travels with its report (draft → head → coordinator, returned with a reason); when the report is
    accepted it becomes the indicator's value as of the period's cut-off (``actual``), superseding, never
    overwriting, any value recorded for that day before.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("report"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="reported_values", verbose_name=_("indicator"))
    value = models.DecimalField(_("value"), **VALUE)
    note = models.TextField(_("note"), blank=True)
    actual = models.ForeignKey(
        IndicatorValue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_by",
        verbose_name=_("value recorded on acceptance"),
    )
    history = ChangeHistory(verbose_name=_("reported value history"))

    class Meta:
        verbose_name = _("reported indicator value")
        verbose_name_plural = _("reported indicator values")
        ordering = ["report", "indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="reported_value_once_per_report",
                violation_error_message=_("This report already carries a value of this indicator."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.value}"

    @property
    def state(self) -> str:
        """``ReportedValueState``: withdrawn with its report, counted as the actual, corrected since, or awaiting acceptance."""
        if self.report.state == ReportState.WITHDRAWN:
            return ReportedValueState.WITHDRAWN
        if self.actual_id is None:
            return ReportedValueState.REPORTED
        return ReportedValueState.COUNTED if self.actual.superseded_at is None else ReportedValueState.CORRECTED
