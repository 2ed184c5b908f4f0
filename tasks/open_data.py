"""A published plan's tasks as open data: the fields, their meaning, the licence and the update time.

``FIELDS`` is the data dictionary: every column of the JSON and CSV files, in their order, with its
type and meaning. Codes (recurrence, status, agencies) come with their Vietnamese label beside them,
so that a reader needs no other table.
"""

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Plan

from .choices import AssignmentRole, Recurrence, TaskStatus
from .exporting import plan_tasks, task_as_dict

LICENCE = {
    "name": "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.vi",
}

# (name, type, meaning)
FIELDS = [
    ("section", "text", gettext_lazy("Number of the task's section in the plan (I, II, 1…); empty when the task has none.")),
    ("number", "text", gettext_lazy("The task's number in the plan (STT), as written, e.g. “II.3”.")),
    ("title", "text", gettext_lazy("What the task is, as the plan writes it.")),
    ("product", "text", gettext_lazy("The expected product, when the plan names one.")),
    ("timeframe", "text", gettext_lazy("The timeframe as the plan writes it, e.g. “Trước ngày 30/6/2018”, “Thường xuyên”.")),
    ("start_date", "date", gettext_lazy("Start date, ISO 8601 (YYYY-MM-DD), read from the timeframe.")),
    ("due_date", "date", gettext_lazy("Due date, ISO 8601; empty for tasks reported every period with no end.")),
    ("recurrence", "code", gettext_lazy("none: one-off; ongoing: every period with no end; yearly: every year.")),
    ("recurrence_label", "text", gettext_lazy("The recurrence in words: “Một lần”, “Thường xuyên”, “Hằng năm”.")),
    ("lead_agencies", "list of codes", gettext_lazy("Codes of the lead agencies (agency registry of the province).")),
    ("lead_agency_names", "list of text", gettext_lazy("Names of the lead agencies, in the order of their codes.")),
    ("cooperating_agencies", "list of codes", gettext_lazy("Codes of the cooperating agencies.")),
    ("cooperating_agency_names", "list of text", gettext_lazy("Names of the cooperating agencies, in the order of their codes.")),
    (
        "status",
        "code",
        gettext_lazy("done_on_time, done_late, in_progress, overdue or ongoing: derived from the due date and the accepted reports."),
    ),
    ("status_label", "text", gettext_lazy("The status in words, as the portal shows it.")),
    ("progress", "integer", gettext_lazy("Progress in percent (0–100) from the lead agencies' accepted reports.")),
]
COLUMNS = [name for name, _type, _meaning in FIELDS]


def _names(task, role: str) -> list[str]:
    return [a.agency.name for a in task.assignments.all() if a.role == role]


def open_data_rows(plan: Plan) -> list[dict]:
    """The plan's tasks, one dict per task with every field of ``FIELDS`` in order."""
    recurrence, status = dict(Recurrence.choices), dict(TaskStatus.choices)
    rows = []
    for task in plan_tasks(plan):
        row = task_as_dict(task)
        row.update(
            recurrence_label=str(recurrence.get(row["recurrence"], row["recurrence"])),
            status_label=str(status.get(row["status"], row["status"])),
            lead_agency_names=_names(task, AssignmentRole.LEAD),
            cooperating_agency_names=_names(task, AssignmentRole.COOPERATING),
        )
        rows.append({name: row[name] for name in COLUMNS})
    return rows


def plan_updated_at(plan: Plan) -> datetime.datetime:
    """The last time one of the plan's tasks changed (progress included), in local time.

    Read from the ``tasks_updated_at`` annotation of ``plan_public_detail`` when there (no extra query).
    """
    if not hasattr(plan, "tasks_updated_at"):
        plan.tasks_updated_at = plan.tasks.aggregate(latest=Max("updated_at"))["latest"]
    return timezone.localtime(plan.tasks_updated_at or timezone.now())


def dictionary() -> list[dict]:
    """The data dictionary, as the page, the JSON and the CSV give it."""
    return [{"name": name, "type": kind, "description": str(meaning)} for name, kind, meaning in FIELDS]


def licence_note() -> str:
    return _("Free to reuse, share and adapt under the %(licence)s licence, citing UBND tỉnh Vĩnh Long as the source.") % {
        "licence": LICENCE["name"]
    }
