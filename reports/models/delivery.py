"""Issued summaries handed to other systems (the e-office system, LGSP): webhook subscriptions and their delivery log."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import DeliveryState, WebhookEvent
from .summaries import Summary


def _secret() -> str:
    return secrets.token_urlsafe(32)


def webhook_url_refusal(url: str) -> str:
    """Why ``url`` may not receive webhooks ('' when it may): https only, plain http to ``WEBHOOK_HTTP_HOSTS`` in development."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in settings.WEBHOOK_HTTP_HOSTS):
        return ""
    return _("The address %(url)s must begin with https://: the summaries and their signature are not sent unencrypted.") % {"url": url}


def webhook_url_validate(url: str) -> None:
    if refusal := webhook_url_refusal(url):
        raise ValidationError(refusal, code="https_required")


class WebhookSubscription(models.Model):
    """Another system that is sent each issued (and signed) summary: a POST of JSON to ``url``, its body signed
    with HMAC-SHA256 under ``secret`` (header ``X-Portal-Signature: sha256=<hex>``)."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("address"), max_length=500, validators=[webhook_url_validate], help_text=_("HTTPS address that receives the POST.")
    )
    secret = models.CharField(
        _("signing secret"), max_length=100, default=_secret, help_text=_("Shared with the receiving system; it checks the signature.")
    )
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Empty: every event."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def listens_to(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event sent to one subscription: the exact body, each attempt's outcome, and its state."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    summary = models.ForeignKey(Summary, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("summary"))
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    body = models.TextField(_("body sent"))
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "summary", "event"], name="webhook_delivery_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} — {self.get_event_display()} — {self.summary}"
