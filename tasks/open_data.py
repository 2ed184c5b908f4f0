"""A published plan's tasks as open data: the fields, their meaning, the licence and the update time.

The files hold the public page's columns (``tasks.columns.PUBLIC_TASKS``) with each code's label
beside it (``OPEN_DATA``); ``FIELDS`` gives the type and meaning of each for the data dictionary.
"""

import datetime
from collections.abc import Iterator

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.columns import Column, values
from plans.models import Plan

from .choices import AssignmentRole, Recurrence
from .columns import PUBLIC_TASKS, agencies, status_label

LICENCE = {
    "name": "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.vi",
}

# The meaning of every open-data field: (type, meaning). The fields themselves, in their order, are
# ``OPEN_DATA``: the page's columns with each code's label beside it.
FIELDS = {
    "plan_symbol": (
        "text",
        gettext_lazy("Number and symbol of the task's plan: a plan's data holds the tasks of the plans carrying it out too."),
    ),
    "section": ("text", gettext_lazy("Number of the task's section in the plan (I, II, 1…); empty when the task has none.")),
    "number": ("text", gettext_lazy("The task's number in the plan (STT), as written, e.g. “II.3”.")),
    "title": ("text", gettext_lazy("What the task is, as the plan writes it.")),
    "product": ("text", gettext_lazy("The expected product, when the plan names one.")),
    "timeframe": ("text", gettext_lazy("The timeframe as the plan writes it, e.g. “Trước ngày 30/6/2018”, “Thường xuyên”.")),
    "start_date": ("date", gettext_lazy("Start date, ISO 8601 (YYYY-MM-DD), read from the timeframe.")),
    "due_date": ("date", gettext_lazy("Due date, ISO 8601; empty for tasks reported every period with no end.")),
    "extended_due_date": ("date", gettext_lazy("The due date granted by an approved extension (gia hạn), ISO 8601; empty without one.")),
    "recurrence": ("code", gettext_lazy("none: one-off; ongoing: every period with no end; yearly: every year.")),
    "recurrence_label": ("text", gettext_lazy("The recurrence in words: “Một lần”, “Thường xuyên”, “Hằng năm”.")),
    "lead_agencies": ("list of codes", gettext_lazy("Codes of the lead agencies (agency registry of the province).")),
    "lead_agency_names": ("list of text", gettext_lazy("Names of the lead agencies, in the order of their codes.")),
    "cooperating_agencies": ("list of codes", gettext_lazy("Codes of the cooperating agencies.")),
    "cooperating_agency_names": ("list of text", gettext_lazy("Names of the cooperating agencies, in the order of their codes.")),
    "lead_as_planned": (
        "list of text",
        gettext_lazy(
            "The lead agency as the plan named it, with the agency holding its part today when that changed: "
            "“Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)”."
        ),
    ),
    "cooperating_as_planned": (
        "list of text",
        gettext_lazy("The cooperating agencies as the plan named them, each with the agency holding its part today when that changed."),
    ),
    "status": (
        "code",
        gettext_lazy("done_on_time, done_late, in_progress, overdue or ongoing: derived from the due date and the accepted reports."),
    ),
    "status_label": ("text", gettext_lazy("The status in words, as the portal shows it.")),
    "progress": ("integer", gettext_lazy("Progress in percent (0–100) from the lead agencies' accepted reports.")),
}

# Beside each code column of the page, its label, so that a reader needs no other table.
LABELS = {
    "recurrence": Column("recurrence_label", gettext_lazy("Recurrence (in words)"), lambda t: str(Recurrence(t.recurrence).label)),
    "lead_agencies": Column(
        "lead_agency_names", gettext_lazy("Lead agency (names)"), lambda t: [a.name for a in agencies(t, AssignmentRole.LEAD)]
    ),
    "cooperating_agencies": Column(
        "cooperating_agency_names",
        gettext_lazy("Cooperating agencies (names)"),
        lambda t: [a.name for a in agencies(t, AssignmentRole.COOPERATING)],
    ),
    "status": Column("status_label", gettext_lazy("Status (in words)"), status_label),
}
OPEN_DATA = [column for code in PUBLIC_TASKS for column in (code, LABELS.get(code.key)) if column is not None]


def open_data_rows(tasks) -> Iterator[dict]:
    """One dict per task (``tasks.selectors.task_list`` rows) with every field of ``OPEN_DATA``, in order, read a
    chunk of tasks at a time (``core.columns.streamed``)."""
    keys = [column.key for column in OPEN_DATA]
    for row in values(OPEN_DATA, tasks):
        yield dict(zip(keys, row, strict=True))


def plan_updated_at(plan: Plan) -> datetime.datetime:
    """The last time one of the plan's tasks changed (progress included), in local time.

    Read from the ``tasks_updated_at`` annotation of ``plan_public_detail`` when there (no extra query).
    """
    if not hasattr(plan, "tasks_updated_at"):
        plan.tasks_updated_at = plan.tasks.aggregate(latest=Max("updated_at"))["latest"]
    return timezone.localtime(plan.tasks_updated_at or timezone.now())


def dictionary() -> list[dict]:
    """The data dictionary, as the page, the JSON and the CSV give it: every field of ``OPEN_DATA``, in order."""
    return [{"name": c.key, "type": FIELDS[c.key][0], "description": str(FIELDS[c.key][1])} for c in OPEN_DATA]


def licence_note() -> str:
    return _("Free to reuse, share and adapt under the %(licence)s licence, citing UBND tỉnh Vĩnh Long as the source.") % {
        "licence": LICENCE["name"]
    }
