"""Portal users: a Django user with the agency they work for."""

from django.contrib.auth.models import AbstractUser
from django.db import models
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
