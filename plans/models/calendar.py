"""Days the Government announces each year: extra days off and compensatory working days."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import CalendarDayKind


class CalendarDay(models.Model):
    """A day off or a worked Saturday announced for one year (the fixed holidays come from ``plans.workdays``)."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices, default=CalendarDayKind.DAY_OFF)
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. “Tết Nguyên Đán” or “Làm bù cho ngày 02/01”."))

    class Meta:
        verbose_name = _("announced day")
        verbose_name_plural = _("announced days (holidays and working days)")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["day"], name="calendar_day_unique", violation_error_message=_("This day is already listed."))
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.name}"
