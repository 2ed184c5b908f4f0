"""Vocabularies of the tasks app, spelled once."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Recurrence(models.TextChoices):
    NONE = "none", _("One-off")
    ONGOING = "ongoing", _("Ongoing")
    YEARLY = "yearly", _("Yearly")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    COOPERATING = "cooperating", _("Cooperating")


class TaskStatus(models.TextChoices):
    """The status vocabulary of the Government Office's task tracking (DOMAIN.md)."""

    DONE_ON_TIME = "done_on_time", _("Completed on time")
    DONE_LATE = "done_late", _("Completed late")
    IN_PROGRESS = "in_progress", _("In progress, not yet due")
    OVERDUE = "overdue", _("Not completed, overdue")
    ONGOING = "ongoing", _("Ongoing")  # "Thường xuyên": a yearly task takes the status of this year's obligation


# Statuses counted together, as the public home page counts "completed" (on time or late): a list's status filter
# takes a group's code as well as a status, so a figure over several statuses opens exactly the rows it counts.
STATUS_GROUPS = {
    "completed": (_("Completed (on time or late)"), (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)),
}


class ImportState(models.TextChoices):
    """Where an annex upload stands: checked, waiting for confirmation, imported or refused."""

    PREVIEWING = "previewing", _("Checking the file")
    PREVIEWED = "previewed", _("Ready to confirm")
    REJECTED = "rejected", _("Rejected")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ExtensionState(models.TextChoices):
    """Where a request for more time (gia hạn) stands."""

    PENDING = "pending", _("Awaiting a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class OpenDataType(models.TextChoices):
    """The type of an open-data field (the tasks' and the indicators' files, ``FIELDS`` of each ``open_data``): the
    code the files and the dictionary's JSON and CSV give, for a program; the label the dictionary page shows."""

    TEXT = "text", pgettext_lazy("open-data type", "Text")
    DATE = "date", pgettext_lazy("open-data type", "Date")
    CODE = "code", pgettext_lazy("open-data type", "Code")
    INTEGER = "integer", pgettext_lazy("open-data type", "Whole number")
    NUMBER = "number", pgettext_lazy("open-data type", "Number")
    BOOLEAN = "boolean", pgettext_lazy("open-data type", "True/false")
    CODES = "list of codes", pgettext_lazy("open-data type", "List of codes")
    TEXTS = "list of text", pgettext_lazy("open-data type", "List of texts")
