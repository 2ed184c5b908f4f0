"""The chain of documents: directive → plan → section (DOMAIN.md)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import SearchableModel
from core.text import clean_text
from plans.choices import PeriodKind

from ..choices import DirectiveKind, PlanState


class Directive(SearchableModel):
    """A document that says what must be done: Chỉ thị 16/CT-TTg, a Nghị quyết, a Quyết định.

    Number and symbol are unique per issuer and year.
    """

    SEARCH_FIELDS = ("symbol", "title", "issuer")

    kind = models.CharField(_("kind"), max_length=16, choices=DirectiveKind.choices, default=DirectiveKind.DIRECTIVE)
    symbol = models.CharField(_("number and symbol"), max_length=64, help_text=_("As written, e.g. 16/CT-TTg."))
    issuer = models.CharField(_("issued by"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.TextField(_("title"))

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "symbol", "year"],
                name="directive_symbol_unique_per_issuer_year",
                violation_error_message=_("This issuer already has a document with this number and symbol in that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' (')[0]} {self.symbol}"

    def save(self, *args, **kwargs):
        self.year = self.issued_on.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.symbol, self.issuer, self.title = clean_text(self.symbol), clean_text(self.issuer), clean_text(self.title)
        if self.issued_on:
            self.year = self.issued_on.year


class Plan(SearchableModel):
    """A plan (Kế hoạch) carrying out directives and perhaps a parent plan.

    Its state runs draft → in force → closed. Only published plans are public.
    Which reporting periods it uses and its sending deadline are its own settings.
    """

    SEARCH_FIELDS = ("symbol", "title", "issuer")

    symbol = models.CharField(_("number and symbol"), max_length=64, help_text=_("As written, e.g. 28/KH-UBND."))
    issuer = models.CharField(_("issued by"), max_length=255, help_text=_("E.g. UBND tỉnh Vĩnh Long."))
    issuing_agency = models.ForeignKey(
        "plans.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_plans",
        verbose_name=_("issuing agency"),
        help_text=_("For an agency's own plan; empty for plans of the People's Committee."),
    )
    coordinator = models.ForeignKey(
        "plans.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
        verbose_name=_("coordinating agency"),
        help_text=_("The agency that reviews reports and compiles summaries."),
    )
    issued_on = models.DateField(_("issued on"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.TextField(_("title"))
    purpose = models.TextField(_("purpose and requirements"), blank=True)
    directives = models.ManyToManyField(Directive, related_name="plans", blank=True, verbose_name=_("directives carried out"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent plan"),
        help_text=_("The plan this one carries out, if any."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    is_published = models.BooleanField(_("published"), default=False, help_text=_("Published plans are shown to the public."))
    reporting_kinds = models.JSONField(
        _("reporting periods"), default=list, blank=True, help_text=_("Which periodic reports the plan requires (Decree 09/2019).")
    )
    report_deadline_day = models.PositiveSmallIntegerField(
        _("reports due on day"),
        default=20,
        validators=[MinValueValidator(16), MaxValueValidator(28)],
        help_text=_("Day of the period's last month by which agencies send their reports (16–28)."),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-issued_on", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "symbol", "year"],
                name="plan_symbol_unique_per_issuer_year",
                violation_error_message=_("This issuer already has a plan with this number and symbol in that year."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_ends_after_start",
                violation_error_message=_("A plan cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | ~Q(state=PlanState.DRAFT),
                name="plan_draft_not_published",
                violation_error_message=_("A draft plan cannot be published."),
            ),
            models.CheckConstraint(
                condition=Q(report_deadline_day__gte=16, report_deadline_day__lte=28),
                name="plan_report_deadline_day_range",
                violation_error_message=_("Reports are due between the 16th and the 28th."),
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="plan_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.year = self.issued_on.year
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:plan", args=[self.pk])

    def clean(self) -> None:

        self.symbol, self.issuer, self.title = clean_text(self.symbol), clean_text(self.issuer), clean_text(self.title)
        self.purpose = clean_text(self.purpose, keep_lines=True)
        if self.issued_on:
            self.year = self.issued_on.year
        unknown = [kind for kind in self.reporting_kinds or [] if kind not in PeriodKind.values]
        if unknown:
            raise ValidationError({"reporting_kinds": _("Unknown reporting period: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A plan cannot carry out itself.")})

    @property
    def is_public(self) -> bool:
        return self.is_published and self.state != PlanState.DRAFT


class Section(SearchableModel):
    """A group of a plan's tasks (nhóm nhiệm vụ), numbered as the plan numbers it: "I.", "2."."""

    SEARCH_FIELDS = ("number", "title")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan"))
    number = models.CharField(_("number"), max_length=16, help_text=_("As the plan numbers it: I, II or 1, 2."))
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.TextField(_("title"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="section_number_unique_per_plan",
                violation_error_message=_("This plan already has a section with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self) -> None:
        self.number = clean_text(self.number).rstrip(".").upper()
        self.title = clean_text(self.title)
