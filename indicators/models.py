"""Indicators (chỉ tiêu, chỉ số): their definition, targets and the values recorded for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.models import Agency, Plan, Section
from tasks.models import Task

from .choices import Direction, IndicatorKind, IndicatorScope
from .rules import Point, value_problem, year_end

VALUE = {"max_digits": 14, "decimal_places": 2}


class Indicator(models.Model):
    """A quantified aim: of one plan (or a section of it, moved by some of its tasks), or a province-wide
    index (PCI, PAR INDEX, SIPAS, DTI…) that every plan naming it shares.

    ``agency`` reports it; after a reorganisation the agency holding its work does
    (``indicators.selectors.reporting_agency_on``, by ``plans.selectors.holders_on``).
    """

    scope = models.CharField(_("scope"), max_length=16, choices=IndicatorScope.choices, default=IndicatorScope.PLAN)
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_("A short name, e.g. PCI, DTI, CT-01."))
    name = models.TextField(_("name"))
    unit = models.CharField(_("unit"), max_length=64, blank=True, help_text=_("E.g. %, điểm, hồ sơ."))
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.NUMBER)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="own_indicators", verbose_name=_("plan"))
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators", verbose_name=_("section")
    )
    named_by = models.ManyToManyField(
        Plan, blank=True, related_name="named_indicators", verbose_name=_("plans that name it"), help_text=_("For a province-wide index.")
    )
    tasks = models.ManyToManyField(Task, blank=True, related_name="indicators", verbose_name=_("tasks that move it"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("agency reporting it"))
    baseline_value = models.DecimalField(_("baseline value"), null=True, blank=True, **VALUE)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_source = models.CharField(_("source of the baseline"), max_length=500, blank=True)
    description = models.TextField(_("how it is measured"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative figures"), default=False, help_text=_("The figures are examples, not published statistics (demo data).")
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope=IndicatorScope.PLAN) & Q(plan__isnull=False))
                | (Q(scope=IndicatorScope.PROVINCE) & Q(plan__isnull=True)),
                name="indicator_plan_iff_plan_scope",
                violation_error_message=_("An indicator of a plan names its plan; a province-wide index belongs to no single plan."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_year__isnull=False),
                name="indicator_baseline_has_year",
                violation_error_message=_("A baseline value has a year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}" if self.code else self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.scope == IndicatorScope.PLAN and self.plan_id is None:
            errors["plan"] = _("An indicator of a plan names its plan.")
        if self.scope == IndicatorScope.PROVINCE and self.plan_id is not None:
            errors["plan"] = _("A province-wide index belongs to no single plan: name the plans in “plans that name it”.")
        if self.section_id and self.section.plan_id != self.plan_id:
            errors["section"] = _("The section belongs to another plan.")
        if self.baseline_value is not None:
            if self.baseline_year is None:
                errors["baseline_year"] = _("A baseline value has a year.")
            elif problem := value_problem(kind=self.kind, value=self.baseline_value, year=self.baseline_year):
                errors["baseline_value"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def baseline(self) -> Point | None:
        if self.baseline_value is None or self.baseline_year is None:
            return None
        return Point(year_end(self.baseline_year), self.baseline_value, self.baseline_year)


class IndicatorTarget(models.Model):
    """A value the indicator should reach by a date (the end of ``year`` unless the plan says another day)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("by"), help_text=_("31/12 of the year unless the plan names another day."))
    value = models.DecimalField(_("target value"), **VALUE)
    label = models.CharField(_("as the plan words it"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "due_on"],
                name="indicator_target_unique_day",
                violation_error_message=_("This indicator already has a target for that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.due_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.due_on is None and self.year:
            self.due_on = year_end(self.year)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.due_on is None and self.year:
            self.due_on = year_end(self.year)
        if self.due_on and self.year and self.due_on.year != self.year:
            raise ValidationError({"due_on": _("The date falls in another year than the target's.")})
        problem = (
            self.value is not None
            and self.year
            and self.indicator_id
            and value_problem(kind=self.indicator.kind, value=self.value, year=self.year)
        )
        if problem:
            raise ValidationError({"value": problem})

    @property
    def point(self) -> Point:
        return Point(self.due_on, self.value, self.year)


class IndicatorValue(models.Model):
    """A value of an indicator as of a day: published (an index, with its document and date) or accepted from a
    report. A correction never overwrites: the value it replaces is kept, marked ``superseded_at``."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator"))
    measured_on = models.DateField(_("as of"), help_text=_("The day the value describes: the period's cut-off, or 31/12 of the year."))
    year = models.PositiveSmallIntegerField(_("year it counts for"))
    period_label = models.CharField(_("period"), max_length=64, blank=True)
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(_("source document"), max_length=500, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative figure"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "measured_on", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                condition=Q(superseded_at__isnull=True),
                name="indicator_value_one_current_per_day",
                violation_error_message=_("This indicator already has a value for that day: correct it instead."),
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "measured_on"], condition=Q(superseded_at__isnull=True), name="indicator_value_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.value} ({self.measured_on:%d/%m/%Y})"

    def clean(self) -> None:
        problem = (
            self.value is not None
            and self.year
            and self.indicator_id
            and value_problem(kind=self.indicator.kind, value=self.value, year=self.year)
        )
        if problem:
            raise ValidationError({"value": problem})

    @property
    def point(self) -> Point:
        return Point(self.measured_on, self.value, self.year)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class IndicatorHandover(models.Model):
    """The indicator's reporting passed from ``from_agency`` to the agency now on the indicator on ``effective_on``
    (a split or a transfer of functions that moved the tasks behind it; mergers and renamings follow the lineage).

    The days before ``effective_on`` keep ``from_agency`` (``indicators.selectors.reporting_agency_on``): a report of
    an earlier period is still its own, as a task's past holdings are.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("indicator"))
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency that reported it before"))
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency that reports it from then"))
    effective_on = models.DateField(_("from"))
    change = models.ForeignKey(
        "plans.ReorganisationChange",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_handovers",
        verbose_name=_("change"),
    )

    class Meta:
        verbose_name = _("indicator handover")
        verbose_name_plural = _("indicator handovers")
        ordering = ["indicator", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.from_agency} → {self.to_agency} ({self.effective_on:%d/%m/%Y})"
