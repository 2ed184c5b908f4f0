"""What people write in a summary, what happened to it, and whose signatures the portal trusts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..certificates import read_certificate
from ..choices import SummaryAction, SummarySectionKey
from .summaries import Summary


class SummarySection(models.Model):
    """One of the five written parts of a summary's body ("Tình hình triển khai" …).

    Pre-filled from the data at each compilation until a person writes it (``edited_by`` set); from
    then on compiling again leaves it as written. Plain paragraphs and dash lists, never markup
    (``reports/summaries/prose.py``).
    """

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="sections", verbose_name=_("summary"))
    key = models.CharField(_("section"), max_length=16, choices=SummarySectionKey.choices)
    text = models.TextField(_("text"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("last written by")
    )
    edited_at = models.DateTimeField(_("last written at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary section")
        verbose_name_plural = _("summary sections")
        constraints = [models.UniqueConstraint(fields=["summary", "key"], name="summary_section_once")]

    def __str__(self) -> str:
        return f"{self.summary} — {self.get_key_display()}"

    @property
    def is_written(self) -> bool:
        """Written by a person (not the data's pre-filled text)."""
        return self.edited_by_id is not None


class SummaryEvent(models.Model):
    """A step in a summary's life: a section written (with its new text), sent for signature,
    returned (with leadership's comment), issued, signed copy received."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="events", verbose_name=_("summary"))
    action = models.CharField(_("action"), max_length=16, choices=SummaryAction.choices)
    section = models.CharField(_("section"), max_length=16, choices=SummarySectionKey.choices, blank=True)
    text = models.TextField(_("text written"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("summary event")
        verbose_name_plural = _("summary events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["summary", "at"], name="summary_event_at")]

    def __str__(self) -> str:
        return f"{self.summary} — {self.get_action_display()}"


class TrustRoot(models.Model):
    """A root certificate the portal trusts for signed summaries (in production the Government's root
    CA, Ban Cơ yếu Chính phủ); a signature verifies only if its chain ends at an active one."""

    name = models.CharField(_("name"), max_length=200)
    certificate = models.TextField(_("certificate (PEM)"), help_text=_("The root certificate in PEM form (-----BEGIN CERTIFICATE-----)."))
    active = models.BooleanField(_("active"), default=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=500, editable=False)
    not_after = models.DateTimeField(_("valid until"), null=True, editable=False)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        try:
            cert = read_certificate(self.certificate)
        except ValueError as error:
            raise ValidationError({"certificate": str(error)}) from None
        self.fingerprint, self.subject, self.not_after = cert.sha256.hex(), cert.subject.human_friendly[:500], cert.not_valid_after
