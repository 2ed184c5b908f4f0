"""The leadership dashboard's numbers, aggregated in the database in a fixed number of queries.

Rules shown on the page:
- a plan's progress is the mean progress of its tasks and of the tasks of the plans carrying it out
  (each task counts once; progress comes from accepted lead reports);
- a section's progress is the mean progress of its tasks;
- who owes which report, what is missing or late, and the on-time rate: ``reports.compliance``.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum, Value
from django.utils import timezone

from plans.choices import PlanState
from plans.models import Agency, Plan, Section
from tasks.choices import Recurrence, TaskStatus
from tasks.models import Task
from tasks.selectors import plan_progress_subquery
from tasks.status import status_expression

from . import compliance
from .figures import trend_progress
from .periods import main_kind, periods_between
from .selectors import DuePeriod, due_periods


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
    """One row per lead agency, the most behind first (three queries; the rules are ``reports.compliance``'s)."""
    # Late reports, and reports sent for the period due on unfinished tasks, per agency: one query,
    # two branches (each with its own index; an OR of both conditions scans every report).
    late = compliance.late_by_agency(Q(task__plan_id__in=plan_ids)).annotate(kind=Value("late")).values_list("agency_id", "kind", "n")
    sent_due = (
        compliance.sent_owed_by_agency({plan_id: d.period for plan_id, d in due.items()}, as_of=today)
        .annotate(kind=Value("sent"))
        .values_list("agency_id", "kind", "n")
    )
    late_reports, sent = {}, {}
    for agency_id, kind, n in late.union(sent_due, all=True) if due else late:
        (late_reports if kind == "late" else sent)[agency_id] = n
    starts = {plan_id: d.period.first_day for plan_id, d in due.items()}
    assignments = compliance.lead_assignments(Q(task__plan_id__in=plan_ids), as_of=today, starts=starts)
    counts = compliance.status_counts_by_agency(assignments)
    # Names come apart, in one query: grouping by them would sort every row by text.
    agencies = Agency.objects.only("code", "name", "aliases").in_bulk(list(counts))
    result = []
    for agency_id, by_status in counts.items():
        row = {
            "agency_id": agency_id,
            "agency": agencies[agency_id],
            "led": sum(by_status.values()),
            **{status: by_status[status] for status in TaskStatus},
            "on_time": by_status[TaskStatus.DONE_ON_TIME],
            "late": by_status[TaskStatus.DONE_LATE],
            "overdue": by_status[TaskStatus.OVERDUE],
            "missing": by_status.owing - sent.get(agency_id, 0),
            "late_reports": late_reports.get(agency_id, 0),
        }
        row["on_time_rate"] = compliance.on_time_rate(on_time=row["on_time"], late=row["late"], overdue=row["overdue"])
        result.append(row)
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
