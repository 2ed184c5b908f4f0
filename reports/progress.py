"""A task's progress and completion from the accepted reports of the agencies that hold (or held) its lead parts.

The one rule, read by the workflow and the daily upkeep (``Task.progress``, ``Task.completed_on``) and by
the summaries (progress at a period's cut-off):

- the task's lead parts are those held on the day (``tasks.selectors.holdings_on``): today for the
  stored figures, the period's cut-off for a summary;
- each part counts with the latest accepted lead report (by period; for the same period the holder's own,
  then the one accepted last) of its holder *or of the agencies that held that part before it* (a merger, a renaming, a reassignment, a part
  folded into the successor's own): inherited work keeps the progress its predecessors reported;
  a part nobody reported on counts 0 %;
- the progress is the mean over the lead parts; the task is complete when every lead part's report
  says so, on the latest of their completion dates.
"""

import datetime
from fractions import Fraction

from django.db import connection
from django.db.models import F, Q

from tasks.choices import AssignmentRole
from tasks.selectors import Holding, holdings_on

from .choices import ReportState, WorkState
from .models import Report

# An agency's latest accepted report on a task: (period's last day, accepted at, id) to order by, then its figures.
Latest = tuple[tuple, int, str, datetime.date | None]


def progress_from_latest(leads: list, latest: dict) -> tuple[int, datetime.date | None]:
    """A task's progress (rounded) and completion date from each lead part's latest accepted report.

    ``latest`` maps a lead part (any key of ``leads``) to (progress, work state, completed on).
    """
    exact, completed_on = progress_exact(leads, latest)
    return round(exact), completed_on


def progress_exact(leads: list, latest: dict) -> tuple[Fraction, datetime.date | None]:
    """:func:`progress_from_latest` before rounding: the mean over the lead parts (none reported: 0)."""
    total = sum(latest[a][0] if a in latest else 0 for a in leads)
    progress = (Fraction(total, len(leads)) if len(leads) > 1 else Fraction(total)) if leads else Fraction(0)
    done = bool(leads) and all(a in latest and latest[a][1] == WorkState.COMPLETED for a in leads)
    completions = [day for a in leads if (day := latest[a][2]) is not None] if done else []
    return progress, (max(completions) if completions else None)


def latest_accepted(tasks: Q, *, until: datetime.date | None = None) -> dict[tuple[int, int], Latest]:
    """Each (task, agency)'s latest accepted lead report on the tasks matching ``tasks`` (through ``task__``), periods ending by ``until``."""
    reports = Report.objects.filter(tasks, state=ReportState.ACCEPTED, role=AssignmentRole.LEAD)
    if until is not None:
        reports = reports.filter(period__last_day__lte=until)
    if connection.vendor == "postgresql":
        # Only the latest of each (task, agency) leaves the database: a tenth of the rows at ten half-years a task
        # (the annual summary at 50,000 tasks read 500,000 reports to keep 50,000). The order is the key below.
        reports = reports.order_by(
            "task_id", "agency_id", F("period__last_day").desc(), F("accepted_at").desc(nulls_last=True), "-pk"
        ).distinct("task_id", "agency_id")
    latest: dict[tuple[int, int], Latest] = {}
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)  # not accepted at a known moment: before any that was
    for task_id, agency_id, last_day, accepted_at, pk, progress, work_state, completed_on in reports.values_list(
        "task_id", "agency_id", "period__last_day", "accepted_at", "pk", "progress", "work_state", "completed_on"
    ).iterator(chunk_size=5000):
        key = (last_day, accepted_at or never, pk)
        kept = latest.get((task_id, agency_id))
        if kept is None or kept[0] < key:
            latest[task_id, agency_id] = (key, progress, work_state, completed_on)
    return latest


def part_report(holding: Holding, latest: dict[tuple[int, int], Latest]) -> Latest | None:
    """The report a lead part counts with: the latest of its holder's and its predecessors' for the part
    (for the same period, the holder's own, then the one accepted last)."""
    if not holding.predecessors:  # most parts: the holder's own latest, the only candidate
        return latest.get((holding.task_id, holding.agency_id))
    found = [
        (report[0][0], agency == holding.agency_id, report[0][1:], report)
        for agency in (holding.agency_id, *holding.predecessors)
        if (report := latest.get((holding.task_id, agency)))
    ]
    return max(found, key=lambda item: item[:3])[3] if found else None


def tasks_progress(
    tasks: Q, *, on: datetime.date, until: datetime.date | None = None, holdings: list[Holding] | None = None
) -> dict[int, tuple[Fraction, datetime.date | None]]:
    """Progress (exact) and completion of the tasks matching ``tasks`` (through ``task__``) with the lead parts held on ``on``.

    ``until``: only reports of periods ending by then count (a summary at its cut-off). Tasks with no
    lead part on the day are left out (0 %, not complete). ``holdings``: the lead parts held on ``on``,
    when the caller has them (``holdings_on(on=on, tasks=tasks, role=LEAD)``).
    """
    parts: dict[int, list[Holding]] = {}
    for holding in holdings if holdings is not None else holdings_on(on=on, tasks=tasks, role=AssignmentRole.LEAD):
        parts.setdefault(holding.task_id, []).append(holding)
    latest = latest_accepted(tasks, until=until)
    figures = {}
    for task_id, leads in parts.items():
        reported = {}
        for index, holding in enumerate(leads):
            report = part_report(holding, latest)
            if report is not None:
                reported[index] = report[1:]
        figures[task_id] = progress_exact(list(range(len(leads))), reported)
    return figures
