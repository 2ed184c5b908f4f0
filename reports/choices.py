"""Vocabularies of the reports app, spelled once."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def report_state_label(code: str | None) -> str:
    """A report state's label; "Chưa báo cáo" where an agency has sent no report."""
    return str(ReportState(code).label) if code else str(_("Not reported"))


class WorkState(models.TextChoices):
    """How far the work itself has come, as the reporting agency says."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class WorkflowAction(models.TextChoices):
    CREATE = "create", _("Created the draft")
    SEND_FOR_APPROVAL = "send_for_approval", _("Sent for approval")
    SEND_BACK = "send_back", _("Sent back for revision")
    SUBMIT = "submit", _("Approved and submitted")
    RETURN = "return", _("Returned to the agency")  # by the coordinator, or by leadership (SELF_REVIEW_BY)
    ACCEPT = "accept", _("Accepted")
    WITHDRAW = "withdraw", _("Withdrawn by an administrator")
    RECALL = "recall", _("Recalled by the agency")


class SummaryState(models.TextChoices):
    """A summary is a draft until issued; an issued summary never changes again."""

    DRAFT = "draft", pgettext_lazy("summary", "Draft")
    ISSUED = "issued", pgettext_lazy("summary", "Issued")


class ReminderKind(models.TextChoices):
    MISSING_REPORT = "missing_report", _("Report due soon and not yet sent")
    OVERDUE_TASKS = "overdue_tasks", _("Tasks newly overdue")
    LATE_TO_HEAD = "late_head", _("Report not sent by the deadline: told to the agency's head")
    LATE_TO_COORDINATOR = "late_coordinator", _("Report still not sent after the deadline: told to the coordinator")
    LATE_TO_LEADERSHIP = "late_leadership", _("Agencies still late: leadership's weekly digest")
    CHASED = "chased", _("Chased by the coordinator (letter or e-mail)")
