"""Vocabularies of indicators, spelled once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage (0–100)")
    RANK = "rank", _("Rank among the provinces")
    YES_NO = "yes_no", _("Yes / no")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class IndicatorScope(models.TextChoices):
    PLAN = "plan", _("Indicator of a plan")
    PROVINCE = "province", _("Province-wide index, shared by the plans that name it")


class Judgement(models.TextChoices):
    """The three words of the issue, plus the honest fourth: nothing to judge yet."""

    ACHIEVED = "achieved", _("Achieved")
    AT_RISK = "at_risk", _("At risk of not being achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    NO_DATA = "no_data", _("No value yet")
