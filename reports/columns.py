"""The columns of the reports app's lists: each page's table and its Excel export read the same list.

``value`` is the exported cell, ``html`` what the page shows in it (``core.columns``).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.columns import Column
from core.formatting import percent_text
from tasks.choices import AssignmentRole, TaskStatus
from tasks.columns import (
    AS_PLANNED_KEYS,
    AS_PLANNED_TEXT,
    UNDER_THE_TASK,
    agencies_html,
    agency_names,
    due_html,
    due_value,
    progress_html,
    status_html,
    status_label,
    title_link,
    under_the_task_html,
)

from .choices import report_state_label


def _moment(value):
    """A moment in the province's time: Excel holds it as a date and time (it has no time zones), a page shows "14:05 06/12/2026"."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _section(task) -> str:
    return task.section.number if task.section else ""


def _section_html(task):
    return format_html('<span title="{}">{}</span>', task.section.title, task.section.number) if task.section else ""


def _report_html(task):
    """The report's state and the step the agency can take now (set by the view: ``needs_report``, ``due``)."""
    if task.completed and not task.report_state:
        badge = format_html('<span class="small text-muted">{}</span>', _("Completed: no more reports"))
    elif getattr(task, "not_due", None):
        badge = format_html('<span class="small text-muted" title="{}">{}</span>', task.not_due, _("Not due for this period"))
    else:
        badge = format_html(
            '<span class="badge report-badge report-{}">{}</span>', task.report_state or "none", report_state_label(task.report_state)
        )
    if task.needs_report:
        url = reverse("reports:report_edit", args=[task.pk, task.due.period.code])
        action = format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', url, _("Continue") if task.report_state else _("Report")
        )
    elif task.report_id:
        action = format_html('<a class="small" href="{}">{}</a>', reverse("reports:report_detail", args=[task.report_id]), _("View"))
    else:
        action = ""
    if getattr(task, "assign_url", ""):  # set by the view for the head: nobody in the agency carries this part
        action = format_html(
            '{}<div class="mt-1"><a class="small" href="{}">{}</a></div>', action, task.assign_url, _("Nobody in charge: assign")
        )
    return format_html('{}<div class="mt-1">{}</div>', badge, action)


# The date an approved extension granted: its own column in the Excel downloads (the open data has one too);
# the pages write it under the due date (``due_html``).
EXTENDED_DUE = Column("extended_due_date", _("Extended to"), lambda t: t.extended_due_date, css="small text-nowrap")

AGENCY_TASKS = [
    Column(
        "plan",
        _("Plan"),
        lambda t: t.plan.symbol,
        html=lambda t: format_html('<span title="{}">{}</span>', t.plan.title, t.plan.symbol),
        css="small text-nowrap",
    ),
    Column("section", _("Section"), _section, html=_section_html, css="small text-center"),
    Column("number", _("No."), lambda t: t.number, css="text-center"),
    Column(
        "title",
        _("Task"),
        lambda t: t.title,
        html=lambda t: format_html("{}{}", t.title, getattr(t, "inherited_html", "")),
        css="col-title",
    ),
    Column("role", _("Role"), lambda t: str(AssignmentRole(t.my_role).label), css="small"),
    Column("timeframe", _("Timeframe"), lambda t: t.timeframe, css="small"),
    Column("due_date", _("Due date"), due_value, html=due_html, css="small text-nowrap"),
    EXTENDED_DUE,
    Column("status", _("Status"), status_label, html=status_html, css="col-status"),
    Column("progress", _("Progress (%)"), lambda t: t.progress, html=lambda t: progress_html(t.progress), css="col-progress"),
    Column("period", _("Period"), lambda t: t.due.period.label, css="small col-period"),
    Column(
        "report",
        _("This period's report"),
        lambda t: str(_("Not due for this period")) if getattr(t, "not_due", None) else report_state_label(t.report_state),
        html=_report_html,
        css="small",
    ),
]


def _leadership_title_html(task):
    """The task's link to its leadership page and, under it, its product and timeframe (the page leaves their columns out)."""
    link = title_link(lambda t: reverse("reports:task_page", args=[t.pk]))(task)
    return format_html("{}{}", link, under_the_task_html(task))


LEADERSHIP_TASKS = [
    Column("plan", _("Plan"), lambda t: t.plan.symbol, css="small text-nowrap"),
    Column("section", _("Section"), _section, html=_section_html, css="small text-center"),
    Column("number", _("No."), lambda t: t.number, css="text-center"),
    Column("title", _("Task"), lambda t: t.title, html=_leadership_title_html, css="col-title"),
    Column("product", _("Product"), lambda t: t.product, css="small"),
    Column(
        "lead",
        _("Lead agency"),
        lambda t: agency_names(t, AssignmentRole.LEAD),
        html=lambda t: agencies_html(t, AssignmentRole.LEAD),
        css="small",
    ),
    Column(
        "cooperating",
        _("Cooperating agencies"),
        lambda t: agency_names(t, AssignmentRole.COOPERATING),
        html=lambda t: agencies_html(t, AssignmentRole.COOPERATING),
        css="small",
    ),
    Column("timeframe", _("Timeframe"), lambda t: t.timeframe, css="small"),
    Column("start_date", _("Start date"), lambda t: t.start_date, css="small text-nowrap"),
    Column("due_date", _("Due date"), due_value, html=due_html, css="small text-nowrap"),
    EXTENDED_DUE,
    Column("status", _("Status"), status_label, html=status_html, css="col-status"),
    Column("progress", _("Progress (%)"), lambda t: t.progress, html=lambda t: progress_html(t.progress), css="col-progress"),
    *AS_PLANNED_TEXT,
]


def _timeliness(report) -> str:
    """Sent late or on time: every row says which (the inbox filter's words)."""
    return str(_("Late") if report.is_late else _("On time"))


def _deadline(report):
    """The period's sending deadline for the report's plan (moved past days off), the day the inbox judges it by."""
    return report.period.as_period(report.task.plan.report_deadline_day)


def _deadline_html(report):
    period = _deadline(report)
    return format_html(
        "{}{}",
        period.deadline.strftime("%d/%m/%Y"),
        format_html(' <span class="text-muted">{}</span>', period.deadline_note) if period.deadline_note else "",
    )


def _late_html(report):
    if report.is_late:
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Late"))
    return format_html('<span class="text-body-secondary">{}</span>', _("On time"))


INBOX = [
    Column("plan", _("Plan"), lambda r: r.task.plan.symbol, css="small text-nowrap"),
    Column("number", _("No."), lambda r: r.task.number, css="text-center"),
    Column(
        "title",
        _("Task"),
        lambda r: r.task.title,
        html=title_link(lambda r: reverse("reports:report_detail", args=[r.pk]), lambda r: r.task.title),
        css="col-title",
    ),
    Column(
        "agency",
        _("Agency"),
        lambda r: r.agency.name,
        html=lambda r: format_html(
            '<span title="{}">{}</span>{}',
            r.agency.name,
            r.agency.short_name,
            "" if r.role == AssignmentRole.LEAD else format_html('<div class="small text-muted">{}</div>', _("Cooperating")),
        ),
    ),
    Column("period", _("Period"), lambda r: str(r.period), css="small"),
    Column("progress", _("Progress (%)"), lambda r: r.progress, html=lambda r: progress_html(r.progress), css="col-progress"),
    Column("submitted_at", _("Submitted at"), lambda r: _moment(r.submitted_at), css="small text-nowrap"),
    Column("deadline", _("Deadline for sending"), lambda r: _deadline(r).deadline, html=_deadline_html, css="small text-nowrap"),
    Column("late", _("Sent on time or late"), _timeliness, html=_late_html, css="small col-late"),
]


REASSIGN = [
    Column("agency", _("Dissolved agency"), lambda a: a.agency.name),
    Column("ceased", _("Ceased on"), lambda a: a.agency.active_to, css="small text-nowrap"),
    Column("plan", _("Plan"), lambda a: a.task.plan.symbol, css="small text-nowrap"),
    Column("number", _("No."), lambda a: a.task.number, css="text-center"),
    Column("title", _("Task"), lambda a: a.task.title, css="col-title"),
]

# The chase list (``chasing.Owed`` lines): the page's table and its Excel export.
CHASE = [
    Column("agency", _("Agency"), lambda o: o.agency.name),
    Column("plan", _("Plan"), lambda o: o.plan.symbol),
    Column("period", _("Period"), lambda o: o.period.label),
    Column("deadline", _("Deadline"), lambda o: o.period.deadline),
    Column("owed", _("Reports owed"), lambda o: len(o.tasks)),
    Column("tasks", _("Tasks"), lambda o: "; ".join(t.number for t in o.tasks)),
    Column("steps", _("Steps taken"), lambda o: "; ".join(f"{s.get_kind_display()} {s.sent_at:%d/%m/%Y}" for s in o.steps)),
]


def _total(key):
    return lambda s: s.snapshot.get("totals", {}).get(key)


def _summary_state_html(summary):
    from django.template.loader import render_to_string

    return render_to_string("reports/_summary_state.html", {"summary": summary, "in_list": True})  # the number has its column


def _summary_files(summary) -> str:
    """The addresses of the summary's files, whole (a relative path means nothing outside the portal)."""
    if not summary.document:
        return ""
    return " ".join(settings.SITE_URL + reverse("reports:summary_download", args=[summary.pk, kind]) for kind in ("docx", "xlsx"))


def _summary_files_html(summary):
    if not summary.document:
        return ""
    return format_html(
        '<a href="{}">.docx</a> · <a href="{}">.xlsx</a>',
        reverse("reports:summary_download", args=[summary.pk, "docx"]),
        reverse("reports:summary_download", args=[summary.pk, "xlsx"]),
    )


SUMMARIES = [
    Column(
        "plan", _("Plan"), lambda s: s.plan.symbol, html=lambda s: format_html('<a href="{}">{}</a>', s.get_absolute_url(), s.plan.symbol)
    ),
    Column("period", _("Period"), lambda s: str(s.period)),
    Column("state", _("State"), lambda s: s.get_state_display(), html=_summary_state_html),
    Column("number", _("Document number"), lambda s: s.document_number),
    Column("tasks", _("Tasks"), _total("tasks"), css="text-end"),
    Column("overdue", _("Overdue"), _total(TaskStatus.OVERDUE.value), css="text-end"),
    Column("progress", _("Mean progress (%)"), _total("progress"), html=lambda s: percent_text(_total("progress")(s)), css="text-end"),
    Column("compiled_at", _("Compiled at"), lambda s: _moment(s.compiled_at), css="small"),
    Column("issued_at", _("Issued at"), lambda s: _moment(s.issued_at), css="small"),
    Column("files", _("Files"), _summary_files, html=_summary_files_html, css="small text-nowrap"),
]


def summary_number(summary) -> str:
    """The document's number as written on it: "15/BC-UBND"."""
    return summary.document_number


def summary_signers(summary) -> str:
    """Who signed the document of record (each signature of the signed copy), "; " between them."""
    return "; ".join(signature.get("signer", "") for signature in summary.signatures or [] if signature.get("signer"))


def _issued_on(summary):
    return timezone.localdate(summary.issued_at) if summary.issued_at else None


def _record_url(summary) -> str:
    return settings.SITE_URL + reverse("reports:summary_record", args=[summary.pk])


def _record_html(summary):
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a>',
        reverse("reports:summary_record", args=[summary.pk]),
        _("Download (PDF)"),
        reverse("verify"),
        _("Check the document"),
    )


# The public list of the issued and signed summaries of public plans (and its downloads).
PUBLIC_SUMMARIES = [
    Column("number", _("Document number"), summary_number, css="text-nowrap"),
    Column("issued_on", _("Issued on"), _issued_on, css="text-nowrap"),
    Column(
        "plan",
        _("Plan"),
        lambda s: s.plan.symbol,
        html=lambda s: format_html('<a href="{}">{}</a>', s.plan.get_absolute_url(), s.plan.symbol),
    ),
    Column("period", _("Period"), lambda s: str(s.period)),
    Column("signer", _("Signed by"), summary_signers),
    Column("file", _("Document of record"), _record_url, html=_record_html, css="small"),
]


# The leadership list's page: the timeframe is written under the task, so status and progress fit 1366 px;
# the Excel export keeps every column of LEADERSHIP_TASKS.
LEADERSHIP_PAGE = [column for column in LEADERSHIP_TASKS if column.key not in (*UNDER_THE_TASK, *AS_PLANNED_KEYS, EXTENDED_DUE.key)]
# The agency's list page: the extension is written under the due date; the Excel export keeps its column.
AGENCY_PAGE = [column for column in AGENCY_TASKS if column is not EXTENDED_DUE]
