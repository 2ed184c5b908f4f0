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


class ReportedValueState(models.TextChoices):
    """Where a value reported inside a report stands (read from its report and the actual it became)."""

    REPORTED = "reported", _("Reported, not accepted yet")
    COUNTED = "counted", _("Accepted: counts as the actual")
    CORRECTED = "corrected", _("Accepted, since corrected")
    WITHDRAWN = "withdrawn", _("Withdrawn with its report")


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
    """A summary is a draft the coordinator writes, then waits for leadership's signature ("chờ ký"),
    then is issued; an issued summary never changes again (``reports/summary_workflow.py``)."""

    DRAFT = "draft", pgettext_lazy("summary", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("summary", "Awaiting signature")
    ISSUED = "issued", pgettext_lazy("summary", "Issued")


class SummarySectionKey(models.TextChoices):
    """The five parts of a summary's body that people write (a báo cáo to UBND tỉnh or a ministry)."""

    SITUATION = "situation", "Tình hình triển khai"
    RESULTS = "results", "Kết quả đạt được"
    SHORTCOMINGS = "shortcomings", "Tồn tại, hạn chế và nguyên nhân"
    NEXT_TASKS = "next_tasks", "Nhiệm vụ, giải pháp thời gian tới"
    PROPOSALS = "proposals", "Đề xuất, kiến nghị"


class SummaryAction(models.TextChoices):
    """What happened to a summary, kept in its history (who, when)."""

    EDIT = "edit", pgettext_lazy("summary", "Edited a section")
    SUBMIT = "submit", pgettext_lazy("summary", "Sent for signature")
    RETURN = "return", pgettext_lazy("summary", "Returned with a comment")
    ISSUE = "issue", pgettext_lazy("summary", "Issued")
    SIGN = "sign", pgettext_lazy("summary", "Signed copy received")


class ReminderKind(models.TextChoices):
    MISSING_REPORT = "missing_report", _("Report due soon and not yet sent")
    OVERDUE_TASKS = "overdue_tasks", _("Tasks newly overdue")
    LATE_TO_HEAD = "late_head", _("Report not sent by the deadline: told to the agency's head")
    LATE_TO_COORDINATOR = "late_coordinator", _("Report still not sent after the deadline: told to the coordinator")
    LATE_TO_LEADERSHIP = "late_leadership", _("Agencies still late: leadership's weekly digest")
    CHASED = "chased", _("Chased by the coordinator (letter or e-mail)")


class WebhookEvent(models.TextChoices):
    """What other systems are told about a summary (webhooks)."""

    ISSUED = "summary.issued", _("Summary issued (its PDF made)")
    SIGNED = "summary.signed", _("Signed copy received")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed for good")
