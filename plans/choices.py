"""Vocabularies of the plans app, spelled once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    DEPARTMENT = "so", _("Department (sở)")
    PROVINCIAL_BODY = "ban_nganh", _("Provincial board or body")
    OFFICE = "van_phong", _("Office")
    DISTRICT = "huyen", _("District People's Committee")
    COMMUNE = "xa", _("Commune or ward People's Committee")
    UNION = "doan_the", _("Mass organisation")
    ASSOCIATION = "hiep_hoi", _("Association")
    OTHER = "khac", _("Other")


class DirectiveKind(models.TextChoices):
    DIRECTIVE = "chi_thi", _("Directive (Chỉ thị)")
    RESOLUTION = "nghi_quyet", _("Resolution (Nghị quyết)")
    DECISION = "quyet_dinh", _("Decision (Quyết định)")
    PLAN = "ke_hoach", _("Plan (Kế hoạch)")
    OTHER = "khac", _("Other document")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    CLOSED = "closed", _("Closed")


class Role(models.TextChoices):
    """The portal's roles (DOMAIN.md, "Who uses it"); each is a Django group."""

    ADMIN = "admin", _("System administrator")
    LEADERSHIP = "leadership", _("Provincial leadership")
    COORDINATOR = "coordinator", _("Coordinating agency")
    HEAD = "head", _("Agency head")
    OFFICER = "officer", _("Agency officer")


class PeriodKind(models.TextChoices):
    """Periodic reports of Nghị định 09/2019/NĐ-CP (and the 9-month report some provinces add)."""

    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-yearly")
    NINE_MONTHS = "nine_months", _("Nine months")
    YEAR = "year", _("Annual")


class CalendarDayKind(models.TextChoices):
    """What the Government announces for a day beyond the fixed holidays (Bộ luật Lao động 2019, art. 112)."""

    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Compensatory working day")


class ChangeKind(models.TextChoices):
    MERGE = "merge", _("Merger (many into one)")
    SPLIT = "split", _("Split (one into several, task by task)")
    RENAME = "rename", _("Renaming")
    FUNCTIONS = "functions", _("Transfer of functions (selected tasks)")
    DISSOLVE = "dissolve", _("Dissolution (no successor)")


class UsersFate(models.TextChoices):
    MOVE = "move", _("Move to the successor")
    DEACTIVATE = "deactivate", _("Deactivate")


class NoticeEmail(models.TextChoices):
    """How a person wants the e-mail of a notice that hands them work."""

    IMMEDIATE = "immediate", _("At once")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("Never (notices in the portal only)")
