"""Reminders sent (never the same twice) and the notices users read in the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Agency, Plan

from ..choices import ReminderKind
from .reporting import ReportingPeriod


class Reminder(models.Model):
    """One reminder sent to one agency: the unique key is what keeps it from being sent twice.

    ``key`` tells reminders of the same kind apart (the period for a missing report, the
    overdue task for a flag to the coordinator).
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("plan"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("agency"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", verbose_name=_("period")
    )
    key = models.CharField(_("key"), max_length=64)
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "plan", "agency", "key"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.agency}"


class EscalationLadder(models.Model):
    """How a late report climbs for one plan (DOMAIN.md, "Work inside an agency"), in working days.

    A plan without a row follows the defaults: 5 working days before the sending deadline the people in
    charge; on the deadline the agency's head; 3 working days after it the coordinator; every week
    (Monday) leadership's digest of every agency still late. Each step goes once per obligation
    (a ``Reminder`` row: plan, agency, period) and is recorded (``reports.escalation``).
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="escalation_ladder", verbose_name=_("plan"))
    days_before = models.PositiveSmallIntegerField(_("working days before the deadline (people in charge)"), default=5)
    days_after = models.PositiveSmallIntegerField(_("working days after the deadline (coordinator)"), default=3)
    leadership_weekday = models.PositiveSmallIntegerField(
        _("day of the week of leadership's digest"),
        default=0,
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday"))],
    )

    class Meta:
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")

    def __str__(self) -> str:
        return str(self.plan)


class Notice(models.Model):
    """A message for one user, shown on their page until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user"))
    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notices", verbose_name=_("reminder")
    )
    key = models.CharField(
        _("event"), max_length=80, blank=True, help_text=_("The event that handed the work (one notice per person and event).")
    )
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread_idx"),
            # the unread notices of one event, read by everyone once its work is done (reports.handoffs._no_longer_waiting)
            models.Index(fields=["key"], condition=models.Q(read_at__isnull=True), name="notice_unread_key_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="notice_once_per_event")]

    def __str__(self) -> str:
        return self.text[:80]
