"""Portal users: a Django user with the agency they work for."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import NoticeEmail


class User(AbstractUser):
    """A person who signs in. Their role is their group (see ``plans.policy``);
    agency heads and officers also belong to an agency, and see only its work.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    agency = models.ForeignKey(
        "plans.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("agency"),
    )

    notice_email = models.CharField(
        _("e-mail of notices"),
        max_length=16,
        choices=NoticeEmail.choices,
        default=NoticeEmail.IMMEDIATE,
        help_text=_("Work handed to you is always shown in the portal; this says when it is also e-mailed."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def title_line(self) -> str:
        """The person's position with the agency they work for now: "Phó Giám đốc · Sở Khoa học và Công nghệ"."""
        agency = self.agency if self.agency_id else None
        return " · ".join(part for part in (self.job_title, agency.name if agency is not None else "") if part)


class StandIn(models.Model):
    """A named stand-in (ủy quyền) who receives, for dated days, what an absent person would (their tasks and notices)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="stand_ins", verbose_name=_("absent person"))
    stand_in = models.ForeignKey(User, on_delete=models.PROTECT, related_name="standing_in_for", verbose_name=_("stand-in"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stand-in")
        verbose_name_plural = _("stand-ins")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="stand_in_dates_in_order",
                violation_error_message=_("The last day comes on or after the first."),
            ),
            models.CheckConstraint(
                condition=~Q(stand_in=F("user")), name="stand_in_not_oneself", violation_error_message=_("Nobody stands in for themselves.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stand_in} ↔ {self.user} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"
