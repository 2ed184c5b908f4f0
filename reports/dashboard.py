"""The leadership dashboard's numbers, aggregated in the database in a fixed number of queries.

Rules shown on the page:
- a plan's progress is the mean progress of its tasks and of the tasks of the plans carrying it out
  (each task counts once; progress comes from accepted lead reports);
- a section's progress is the mean progress of its tasks;
- an agency's on-time rate is tasks completed on time ÷ (completed on time + completed late + overdue);
- a report is missing when a lead agency of an unfinished task has not submitted the report of the period due.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum, Value
from django.utils import timezone

from plans.choices import PlanState
from plans.models import Agency, Plan, Section
from tasks.choices import AssignmentRole, Recurrence, TaskStatus
from tasks.models import Task, TaskAssignment
from tasks.selectors import plan_progress_subquery
from tasks.status import status_expression

from .choices import ReportState
from .figures import trend_progress
from .models import Report
from .periods import main_kind, periods_between
from .selectors import DuePeriod, due_periods

SENT = [ReportState.SUBMITTED, ReportState.ACCEPTED]
UNFINISHED = [TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE, TaskStatus.ONGOING]


@dataclass
class Dashboard:
    plans: list[Plan]
    due: dict[int, DuePeriod]
    sections: dict[int, list[dict]] = field(default_factory=dict)
    agencies: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def dashboard(*, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    plans = list(
        Plan.objects.filter(state=PlanState.IN_FORCE).annotate(overall_progress=plan_progress_subquery()).order_by("-issued_on", "symbol")
    )
    plan_ids = [plan.pk for plan in plans]
    tasks = Task.objects.filter(plan_id__in=plan_ids).annotate(status_code=status_expression(today))

    board = Dashboard(plans=plans, due=due_periods(plans, today, rows=False))
    # Tasks grouped by section and status (each task's status worked out once), then the sections'
    # titles apart: grouping by their text would sort every task by it. A plan's counts sum its sections'.
    empty = {"total": 0, **{status.value: 0 for status in TaskStatus}}
    counts = {plan.pk: dict(empty) for plan in plans}
    figures: dict[tuple[int, int | None], dict] = {}
    for group in tasks.order_by().values("plan_id", "section_id", "status_code").annotate(n=Count("id"), progress_sum=Sum("progress")):
        row = figures.setdefault((group["plan_id"], group["section_id"]), {**empty, "progress_sum": 0})
        row["total"] += group["n"]
        row[group["status_code"]] += group["n"]
        row["progress_sum"] += group["progress_sum"] or 0
    sections = Section.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "position", "pk").values("id", "plan_id", "number", "title")
    titled = [(s["plan_id"], s["id"], s["number"], s["title"]) for s in sections] + [(plan.pk, None, "", "") for plan in plans]
    for plan_id, section_id, number, title in titled:
        row = figures.get((plan_id, section_id))
        if row is None:
            continue
        row.update(
            plan_id=plan_id,
            section_id=section_id,
            section__number=number,
            section__title=title,
            progress=row["progress_sum"] / row["total"],
            overdue=row[TaskStatus.OVERDUE.value],
        )
        board.sections.setdefault(plan_id, []).append(row)
        for key in empty:
            counts[plan_id][key] += row[key]
    for plan in plans:
        plan.counts = counts[plan.pk]
    board.agencies = _agencies(plan_ids, board.due, today)
    board.trend = _trend(plans, today)
    board.totals = {
        "tasks": sum(plan.counts["total"] for plan in plans),
        "overdue": sum(plan.counts[TaskStatus.OVERDUE] for plan in plans),
        "missing": sum(row["missing"] for row in board.agencies),
    }
    return board


def _agencies(plan_ids: list[int], due: dict[int, DuePeriod], today: datetime.date) -> list[dict]:
    """One row per lead agency, the most behind first (three queries).

    Missing reports = unfinished tasks led − reports sent for the period due on them: a join over
    that period's reports costs less than probing every task for its report.
    """
    due_rows = Q(pk__in=[])
    for plan_id, d in due.items():
        due_rows |= Q(task__plan_id=plan_id, period__kind=d.period.kind, period__year=d.period.year, period__number=d.period.number)
    # Late reports, and reports sent for the period due on unfinished tasks, per agency: one query,
    # two branches (each with its own index; an OR of both conditions scans every report).
    late = (
        Report.objects.filter(task__plan_id__in=plan_ids, is_late=True)
        .order_by()
        .values("agency_id")
        .annotate(kind=Value("late"), n=Count("id"))
        .values_list("agency_id", "kind", "n")
    )
    sent_due = (
        Report.objects.filter(due_rows, state__in=SENT, role=AssignmentRole.LEAD)
        .annotate(status_code=status_expression(today, prefix="task__"))
        .filter(status_code__in=UNFINISHED)
        .order_by()
        .values("agency_id")
        .annotate(kind=Value("sent"), n=Count("id"))
        .values_list("agency_id", "kind", "n")
    )
    late_reports, sent = {}, {}
    for agency_id, kind, n in late.union(sent_due, all=True) if due else late:
        (late_reports if kind == "late" else sent)[agency_id] = n
    # Grouped by agency and status, so each row's status is worked out once; pivoted below.
    grouped = (
        TaskAssignment.objects.filter(task__plan_id__in=plan_ids, role=AssignmentRole.LEAD)
        .annotate(status_code=status_expression(today, prefix="task__"))
        .order_by()
        .values("agency_id", "status_code")
        .annotate(n=Count("id"))
    )
    totals: dict[int, dict] = {}
    for group in grouped:
        row = totals.setdefault(
            group["agency_id"], {"agency_id": group["agency_id"], "led": 0, "missing": 0, **dict.fromkeys(TaskStatus, 0)}
        )
        row["led"] += group["n"]
        row[group["status_code"]] += group["n"]
        if group["status_code"] in UNFINISHED:
            row["missing"] += group["n"]
    for agency_id, n in sent.items():
        if agency_id in totals:
            totals[agency_id]["missing"] -= n
    rows = [
        {**row, "on_time": row[TaskStatus.DONE_ON_TIME], "late": row[TaskStatus.DONE_LATE], "overdue": row[TaskStatus.OVERDUE]}
        for row in totals.values()
    ]
    # Names come apart, in one query: grouping by them would sort every row by text.
    agencies = Agency.objects.only("code", "name", "aliases").in_bulk(list(totals))
    result = []
    for row in rows:
        judged = row["on_time"] + row["late"] + row["overdue"]
        agency = agencies[row["agency_id"]]
        result.append(
            {
                **row,
                "agency": agency,
                "late_reports": late_reports.get(row["agency_id"], 0),
                "on_time_rate": round(100 * row["on_time"] / judged) if judged else None,
            }
        )
    result.sort(key=lambda r: (-r["overdue"], -r["missing"], r["on_time_rate"] if r["on_time_rate"] is not None else 101, r["agency"].name))
    return result


def _trend(plans: list[Plan], today: datetime.date) -> list[dict]:
    """Per reporting period: mean progress of the accepted lead reports (stored points, ``reports.figures``), and how many tasks were overdue at its cut-off."""
    if not plans:
        return []
    kind = main_kind(plans[0].reporting_kinds)
    start = min(plan.starts_on for plan in plans)
    periods = [p for p in periods_between(kind, start, today) if p.last_day <= today][-12:]
    if not periods:
        return []
    plan_ids = [plan.pk for plan in plans]
    progress = trend_progress(plan_ids=plan_ids, periods=periods)
    overdue_at = Task.objects.filter(plan_id__in=plan_ids, recurrence=Recurrence.NONE).aggregate(
        **{
            f"p{index}": Count(
                "id", filter=Q(due_date__lt=period.last_day) & (Q(completed_on__isnull=True) | Q(completed_on__gt=period.last_day))
            )
            for index, period in enumerate(periods)
        }
    )
    return [
        {
            "period": period,
            "progress": progress.get((period.year, period.number)),
            "overdue": overdue_at[f"p{index}"],
        }
        for index, period in enumerate(periods)
    ]
