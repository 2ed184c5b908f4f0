"""Periodic summaries for UBND tỉnh: a frozen snapshot, a Word document and an Excel annex."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.models import Plan

from ..choices import SummaryState
from .reporting import ReportingPeriod


class SnapshotEncoder(DjangoJSONEncoder):
    """Vietnamese text written as itself, not as ``\\uXXXX`` escapes: a fifth less to send and parse (same JSON)."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def _summary_path(instance, filename: str) -> str:
    from django.utils.crypto import get_random_string

    return f"summaries/{instance.plan_id}/{get_random_string(24)}-{filename}"


class Summary(models.Model):
    """One plan's summary for one reporting period (one row: compiling twice updates it).

    ``snapshot`` holds every figure and text the document shows, computed at the period's
    cut-off; the document and the annex are built from the same compilation. Once issued
    the row is frozen: later reports never change what was sent to UBND tỉnh.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="summaries", verbose_name=_("plan"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="summaries", verbose_name=_("period"))
    state = models.CharField(_("state"), max_length=16, choices=SummaryState.choices, default=SummaryState.DRAFT)
    number = models.CharField(_("document number"), max_length=32, blank=True, help_text=_("Given when issued, e.g. 125."))
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True, encoder=SnapshotEncoder)
    document = models.FileField(_("Word document"), upload_to=_summary_path, max_length=255, blank=True)
    annex = models.FileField(_("Excel annex"), upload_to=_summary_path, max_length=255, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=_summary_path, max_length=255, blank=True, help_text=_("The Word document as LibreOffice renders it.")
    )
    requested_at = models.DateTimeField(_("compilation requested at"), null=True, blank=True)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compiled by"),
        help_text=_("Empty when the scheduled job compiled it."),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    issuer = models.CharField(_("issuer"), max_length=200, blank=True, help_text=_("The body whose number series the number belongs to."))
    issued_year = models.PositiveSmallIntegerField(_("year of issue"), null=True, blank=True)
    error = models.TextField(_("error of the last compilation"), blank=True)
    pdf_sha256 = models.CharField(
        _("SHA-256 of the issued PDF"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Set once, when the issued document is rendered."),
    )
    signed_pdf = models.FileField(
        _("signed PDF"), upload_to=_summary_path, max_length=255, blank=True, help_text=_("The document of record: the issued PDF, signed.")
    )
    signed_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True, db_index=True)
    signatures = models.JSONField(
        _("signatures"), default=list, blank=True, help_text=_("Signer, organisation and time of each signature, as verified on receipt.")
    )
    signed_received_at = models.DateTimeField(_("signed copy received at"), null=True, blank=True)
    signed_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed copy received by"),
    )

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        ordering = ["-period__last_day", "plan__symbol", "period__kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period"], name="summary_unique_per_plan_period", violation_error_message=_("This summary already exists.")
            ),
            # Nghị định 30/2020: an issuer numbers its documents in one series per year.
            models.UniqueConstraint(
                fields=["issuer", "issued_year", "number"],
                condition=models.Q(state=SummaryState.ISSUED),
                name="summary_number_unique_per_issuer_year",
                violation_error_message=_("This document number is already used by the issuer this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.symbol} — {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reports:summary_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state == SummaryState.ISSUED

    @property
    def document_number(self) -> str:
        """The number as the document writes it, "15/BC-UBND" (empty before it is issued)."""
        return f"{self.number}/{settings.SUMMARY_NUMBER_SUFFIX}" if self.number else ""

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_pdf)

    @property
    def record(self):
        """The document of record: the signed PDF once received, else the issued PDF."""
        return self.signed_pdf or self.pdf

    @property
    def is_compiling(self) -> bool:
        """A compilation was asked for and has not finished (nor failed) yet."""
        if self.is_frozen or self.requested_at is None:
            return False
        return not self.error and (self.compiled_at is None or self.compiled_at < self.requested_at)
