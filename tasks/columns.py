"""The columns of the task lists: the public plan's table and its open data (CSV, JSON, API).

``PUBLIC_TASKS`` is the field list of the API and of the plan's JSON and CSV (machine values:
ISO dates, codes, agency codes); the public page (``PUBLIC_PAGE``) shows the same columns in the
same order, written for people, except the product and the timeframe, which it writes under the
task so that status and progress fit a 1366 px screen, and the date an extension granted, which it
writes under the due date (``due_html``). The rows of tasks come from
``tasks.selectors.task_list`` (status and assignments loaded).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.columns import Column, day
from core.search import mark_matches

from .as_planned import agencies_as_planned
from .choices import AssignmentRole, Recurrence
from .models import Task
from .status import status_label as status_rule_label
from .templatetags.task_tags import progress_bar


def agencies(task: Task, role: str) -> list:
    """The task's agencies in a role (assignments prefetched)."""
    return [a.agency for a in task.assignments.all() if a.role == role]


def agency_names(task: Task, role: str) -> str:
    return "; ".join(agency.name for agency in agencies(task, role))


def agencies_html(task: Task, role: str):
    """Short names, the full names on hover; "n agencies" beyond three."""
    found = agencies(task, role)
    if len(found) > 3:
        return format_html('<span title="{}">{} {}</span>', "; ".join(a.name for a in found), len(found), _("agencies"))
    return format_html_join("; ", '<span title="{}">{}</span>', ((a.name, a.short_name) for a in found))


def status_label(task: Task) -> str:
    """The status in words, "(đã gia hạn)" when judged against an approved extension (``tasks.status``)."""
    return status_rule_label(task.status_code, extended=bool(getattr(task, "extended_due_date", None)))


def status_html(task: Task):
    return format_html('<span class="badge status-badge status-{}">{}</span>', task.status_code, status_label(task))


def progress_html(value):
    """The thin progress bar of every list (``task_tags.progress_bar``)."""
    return progress_bar(value)


def yearly_due(task: Task):
    """A yearly task's due date this year (31/12: its status is judged by this year's work, ``tasks.yearly``); None for others."""
    if task.recurrence != Recurrence.YEARLY or task.due_date is not None:
        return None
    import datetime

    from django.utils import timezone

    return datetime.date(timezone.localdate().year, 12, 31)


def due_value(task: Task):
    """The due date a list exports: the plan's, or a yearly task's this year."""
    return task.due_date or yearly_due(task)


def due_html(task: Task):
    """The due date as the plan writes it and, when it is not a working day, the day it is judged by and why;
    a yearly task's this year ("31/12/2026, hằng năm")."""
    this_year = yearly_due(task)
    if this_year is not None:
        from plans.workdays import current_calendar

        from .yearly import year_due

        judged = year_due(this_year.year, current_calendar())
        moved = format_html(" → {}", day(judged)) if judged != this_year else ""
        return format_html('{}<br><span class="small text-body-secondary text-wrap">{}{}</span>', day(this_year), _("yearly"), moved)
    moved = task.due_date_moved
    if moved is None:
        if task.extended_due_date:  # the date granted, or "(đã gia hạn)" beside the status names no date
            return format_html(
                '{}<br><span class="small text-body-secondary text-wrap">{} {}</span>',
                day(task.due_date),
                _("Extended to"),
                day(task.extended_due_date),
            )
        return day(task.due_date)
    if task.extended_due_date:  # the extended date moved, not the plan's: say so, or it reads as if the plan's date moved
        return format_html(
            '{}<br><span class="small text-body-secondary text-wrap">{} {} → {} {}</span>',
            day(task.due_date),
            _("Extended to"),
            day(task.extended_due_date),
            day(moved[0]),
            moved[1],
        )
    return format_html(
        '{}<br><span class="small text-body-secondary text-wrap">→ {} {}</span>', day(task.due_date), day(moved[0]), moved[1]
    )


def under_the_task_html(task: Task):
    """The product and timeframe (``UNDER_THE_TASK``) written under a task's title on a list page."""
    shown = ((label, value) for label, value in ((_("Product"), task.product), (_("Timeframe"), task.timeframe)) if value)
    return format_html_join("", '<div class="small text-body-secondary mt-1">{}: {}</div>', shown)


def title_html(task: Task, query: str = ""):
    """The task's link and, under it, its product and timeframe (``UNDER_THE_TASK``): the page's task cell."""
    return format_html(
        '<a href="{}" class="text-reset">{}</a>{}', task.get_absolute_url(), mark_matches(task.title, query), under_the_task_html(task)
    )


def title_link(url_of, title=lambda task: task.title):
    """A title cell linking to ``url_of(row)``."""
    return lambda row: format_html('<a href="{}" class="text-reset">{}</a>', url_of(row), title(row))


AS_PLANNED = [
    Column("lead_as_planned", _("Lead agency as the plan named it"), lambda t: agencies_as_planned(t, AssignmentRole.LEAD)),
    Column(
        "cooperating_as_planned",
        _("Cooperating agencies as the plan named them"),
        lambda t: agencies_as_planned(t, AssignmentRole.COOPERATING),
    ),
]


# In a spreadsheet for people (the admin's and the leadership list's exports): one cell each, names joined by "; ".
def _joined(column: Column) -> Column:
    return Column(column.key, column.header, lambda t: "; ".join(column.value(t)))


AS_PLANNED_TEXT = [_joined(column) for column in AS_PLANNED]


PUBLIC_TASKS = [
    # A plan's list holds the tasks of the plans carrying it out too (the roll-up rule): each row names its own plan.
    Column(
        "plan_symbol",
        _("Plan"),
        lambda t: t.plan.symbol,
        html=lambda t: format_html_join(mark_safe("/<wbr>"), "{}", ((part,) for part in t.plan.symbol.split("/"))),
        css="small",
    ),
    Column("section", _("Section"), lambda t: t.section.number if t.section else None, css="small text-center"),
    Column("number", _("No."), lambda t: t.number, css="text-center"),
    Column(
        "title",
        _("Task"),
        lambda t: t.title,
        html=title_html,
        css="col-title",
        searched=True,
    ),
    Column("product", _("Product"), lambda t: t.product, css="small"),
    Column("timeframe", _("Timeframe"), lambda t: t.timeframe, css="small"),
    Column(
        "start_date",
        _("Start date"),
        lambda t: t.start_date.isoformat() if t.start_date else None,
        html=lambda t: day(t.start_date),
        css="small text-nowrap",
    ),
    Column(
        "due_date",
        _("Due date"),
        lambda t: due.isoformat() if (due := due_value(t)) else None,
        html=due_html,
        css="small text-nowrap",
    ),
    Column(
        "extended_due_date",
        _("Extended to"),
        lambda t: t.extended_due_date.isoformat() if t.extended_due_date else None,
        html=lambda t: day(t.extended_due_date),
        css="small text-nowrap",
    ),
    Column("recurrence", _("Recurrence"), lambda t: t.recurrence, html=lambda t: Recurrence(t.recurrence).label, css="small"),
    Column(
        "lead_agencies",
        _("Lead agency"),
        lambda t: [a.code for a in agencies(t, AssignmentRole.LEAD)],
        html=lambda t: agencies_html(t, AssignmentRole.LEAD),
        css="small",
    ),
    Column(
        "cooperating_agencies",
        _("Cooperating agencies"),
        lambda t: [a.code for a in agencies(t, AssignmentRole.COOPERATING)],
        html=lambda t: agencies_html(t, AssignmentRole.COOPERATING),
        css="small",
    ),
    Column("status", _("Status"), lambda t: t.status_code, html=status_html, css="col-status"),
    Column("progress", _("Progress (%)"), lambda t: t.progress, html=lambda t: progress_html(t.progress), css="col-progress"),
    *AS_PLANNED,
]


# Written under the task on the public page (``title_html``), their own columns in the open data.
UNDER_THE_TASK = ("product", "timeframe")
# The agencies as the plan named them: the task's page writes them; the open data, the API and the exports give them.
AS_PLANNED_KEYS = ("lead_as_planned", "cooperating_as_planned")
# The date an extension granted: the page writes it under the due date ("Gia hạn đến …", ``due_html``); the files' own column.
IN_THE_DUE_DATE = ("extended_due_date",)
PUBLIC_PAGE = [column for column in PUBLIC_TASKS if column.key not in (*UNDER_THE_TASK, *AS_PLANNED_KEYS, *IN_THE_DUE_DATE)]


def task_as_dict(task: Task) -> dict:
    """A task as the JSON export and the API give it: the machine values of ``PUBLIC_TASKS``, and the status in words."""
    return {**{column.key: column.value(task) for column in PUBLIC_TASKS}, "status_label": status_label(task)}


def csv_cell(value):
    """A machine value in a CSV cell: lists joined by "; "."""
    return "; ".join(value) if isinstance(value, list) else value


def _recurrence_label(task: Task) -> str:
    return str(Recurrence(task.recurrence).label)


# The admin's task export (django-import-export, ``tasks.resources``): people's values, dates day first.
ADMIN_TASKS = [
    Column("plan", _("Plan"), lambda t: t.plan.symbol),
    Column("section", _("Section"), lambda t: t.section.number if t.section else ""),
    Column("number", _("No."), lambda t: t.number),
    Column("title", _("Task"), lambda t: t.title),
    Column("lead", _("Lead agency"), lambda t: agency_names(t, AssignmentRole.LEAD)),
    Column("cooperating", _("Cooperating agencies"), lambda t: agency_names(t, AssignmentRole.COOPERATING)),
    Column("timeframe", _("Timeframe"), lambda t: t.timeframe),
    # The admin's export (django-import-export, CSV as well as Excel) keeps day-first text: its Excel writer has no date format.
    Column("start_date", _("Start date"), lambda t: day(t.start_date)),
    Column("due_date", _("Due date"), lambda t: day(t.due_date)),
    Column("extended_due_date", _("Extended to"), lambda t: day(t.extended_due_date)),
    Column("recurrence", _("Recurrence"), _recurrence_label),
    Column("product", _("Product"), lambda t: t.product),
    Column("status", _("Status"), status_label),
    Column("progress", _("Progress (%)"), lambda t: t.progress),
    *AS_PLANNED_TEXT,
]
