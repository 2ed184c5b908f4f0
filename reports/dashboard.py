"""The leadership dashboard's numbers, aggregated in the database in a fixed number of queries and shared
by every leader through the cache until a change commits (``core.shared_figures``).

Rules shown on the page:
- a plan's progress and status counts take its tasks and the tasks of the plans carrying it out
  (``tasks.selectors.plan_family_ids``; each task counts once; progress comes from accepted lead reports);
- a section's progress is the mean progress of its tasks;
- who owes which report, what is missing or late, and the on-time rate: ``reports.compliance``.
"""

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.utils import timezone

from core.compiled import compiled_values
from core.shared_figures import figures_cached, figures_version, kept_in_process
from plans.choices import PlanState
from plans.models import Agency, Plan, Section
from tasks.choices import Recurrence, TaskStatus
from tasks.models import Task, TaskCount
from tasks.selectors import plan_families
from tasks.status import status_expression, year_window

from . import compliance
from .figures import late_counts, trend_progress
from .periods import main_kind, periods_between
from .selectors import DuePeriod, due_periods

T = TypeVar("T")
U = TypeVar("U")


@dataclass
class Dashboard:
    plans: list[Plan]
    due: dict[int, DuePeriod]
    sections: dict[int, list[dict]] = field(default_factory=dict)
    agencies: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def dashboard(*, today: datetime.date | None = None) -> Dashboard:
    """The dashboard of the plans in force, from the shared cache when nothing changed since it was computed.

    Keyed by the day (statuses change at midnight with no write) and the plans in force; the
    services that change what it counts clear it when they commit (``core.shared_figures``).
    """
    return dashboard_shown(lambda board: board, today=today)


def dashboard_shown(
    show: Callable[[Dashboard], T], *, today: datetime.date | None = None, name: str = "dashboard", behind: bool = False
) -> T:
    """``show(dashboard)`` (e.g. the page's HTML, the same for every leader), cached as :func:`dashboard` is under ``name``;
    ``behind``: computed after the response while changes come in quick succession (``core.shared_figures``)."""
    today = today or timezone.localdate()
    plans, families = plans_in_force()
    # Computed afresh only when a change moved one of these plans (a change in a plan carrying one out names it too).
    return figures_cached(
        name, _key(today, families), lambda: show(dashboard_compute(plans, families, today)), plans=list(families), behind=behind
    )


def dashboard_parts_shown(
    show_tasks: Callable[[Dashboard], T],
    show_agencies: Callable[[Dashboard], U],
    *,
    today: datetime.date | None = None,
    name: str = "dashboard",
    agencies_name: str | None = None,
    behind: bool = False,
) -> tuple[T, U]:
    """The dashboard shown in its two parts, each cached apart as :func:`dashboard_shown` is: what its tasks say
    (``show_tasks`` of a board without its agencies: the plans, sections, trend and totals of tasks) and what its
    agencies' rows say (``show_agencies`` of a board with its agencies and the reports missing only).

    A report sent, returned or recalled moves the agencies' rows alone (``figures_changed(reports_only=True)``): on a
    deadline day, when hundreds are sent, only that part is computed again; the tasks' part reads no report but the
    accepted ones, whose acceptance changes every figure of its plan. ``agencies_name``: the agencies' part's name when
    it is shown in more ways than the rest (``name`` by default)."""
    today = today or timezone.localdate()
    plans, families = plans_in_force()
    key = _key(today, families)
    due = functools.cache(lambda: due_periods(plans, today))  # read once when both parts are computed
    moment = functools.partial(_tasks_moment, list(families))  # the state of the tasks each part was computed at
    tasks_moment, tasks = figures_cached(
        f"{name}-tasks",
        key,
        lambda: (moment(), show_tasks(dashboard_tasks(plans, families, today, due=due()))),
        plans=list(families),
        reads_reports=False,
        behind=behind,
    )
    agencies_moment, agencies = figures_cached(
        f"{agencies_name or name}-agencies",
        key,
        lambda: (moment(), show_agencies(dashboard_agencies(plans, today, due=due()))),
        plans=list(families),
        behind=behind,
    )
    if tasks_moment != agencies_moment:
        # One part from before a change of tasks and the other from after it (served the value before while the new
        # one is computed, ``behind``: the agencies' part, computed again after every report sent, is recent when the
        # tasks' part is not): a plan's overdue tasks would not be its agencies'. Both as the data says now.
        tasks = show_tasks(dashboard_tasks(plans, families, today, due=due()))
        agencies = show_agencies(dashboard_agencies(plans, today, due=due()))
    return tasks, agencies


def _tasks_moment(plans: list[int]) -> str | None:
    """The state of what the dashboard's tasks' part reads (``figures_version`` without the changes of reports alone),
    kept with each part; None when the cache is unreachable (each part is then computed afresh, both of now)."""
    try:
        return figures_version(plans=plans, reads_reports=False)
    except Exception:  # noqa: BLE001 - the cache unreachable: the parts were computed without it
        return None


def _key(today: datetime.date, families: dict[int, set[int]]) -> tuple:
    return (today.isoformat(), *(f"{plan_id}-{'-'.join(map(str, sorted(family)))}" for plan_id, family in families.items()))


def plans_in_force() -> tuple[list[Plan], dict[int, set[int]]]:
    """The plans the dashboard shows and each one's family (``tasks.selectors.plan_families``), in one query."""
    # The plans in force and, in the same query, the plans carrying them out (their tasks roll up).
    rows = Plan.objects.filter(Q(state=PlanState.IN_FORCE) | Q(parent__state=PlanState.IN_FORCE)).order_by("-issued_on", "symbol")
    plans = [plan for plan in rows if plan.state == PlanState.IN_FORCE]
    return plans, plan_families([plan.pk for plan in plans], rows)


def dashboard_afresh(*, today: datetime.date | None = None) -> Dashboard:
    """The dashboard computed from the data now, without the shared cache (benchmarks, checks)."""
    plans, families = plans_in_force()
    return dashboard_compute(plans, families, today or timezone.localdate())


def dashboard_compute(plans: list[Plan], families: dict[int, set[int]], today: datetime.date) -> Dashboard:
    """The dashboard's figures for ``plans`` (each with its family, ``tasks.selectors.plan_families``), computed from the data:
    its tasks' part (:func:`dashboard_tasks`) and its agencies' (:func:`dashboard_agencies`)."""
    board = dashboard_tasks(plans, families, today)
    agencies = dashboard_agencies(plans, today, due=board.due)
    board.agencies = agencies.agencies
    board.totals["missing"] = agencies.totals["missing"]
    return board


def dashboard_tasks(
    plans: list[Plan], families: dict[int, set[int]], today: datetime.date, *, due: dict[int, DuePeriod] | None = None
) -> Dashboard:
    """What the dashboard says of the tasks of ``plans`` (each with its family): their counts by status and progress by
    plan and section, the trend, the totals of tasks; no agencies. Reads no report but the accepted ones (the trend).
    ``due``: the plans' periods due, when known."""
    plan_ids = [plan.pk for plan in plans]
    members = set().union(*families.values()) if families else set()

    board = Dashboard(plans=plans, due=due if due is not None else due_periods(plans, today))
    cutoffs = _trend_periods(plans, today)
    # Tasks grouped by plan, section and status (each task's status worked out once), then the
    # sections' titles apart: grouping by their text would sort every task by it. A plan's counts
    # and progress sum those of its family (its own tasks and its child plans', each task once).
    empty = {"total": 0, **{status.value: 0 for status in TaskStatus}}
    by_plan = {plan_id: {**empty, "progress_sum": 0} for plan_id in members}
    figures: dict[tuple[int, int | None], dict] = {}
    # The same scan counts the tasks overdue at each trend period's cut-off (plans in force only).
    overdue_at = [0] * len(cutoffs)
    for group in task_groups(members, today, cutoffs):
        if group["plan_id"] in families:
            for index in range(len(cutoffs)):
                overdue_at[index] += group[f"overdue_{index}"] or 0
        for row in (by_plan[group["plan_id"]], figures.setdefault((group["plan_id"], group["section_id"]), {**empty, "progress_sum": 0})):
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
    for plan in plans:
        family = [by_plan[member] for member in families[plan.pk]]
        plan.counts = {key: sum(row[key] for row in family) for key in empty}
        plan.overall_progress = sum(row["progress_sum"] for row in family) / plan.counts["total"] if plan.counts["total"] else None
    board.trend = _trend(cutoffs, overdue_at, trend_progress(plan_ids=plan_ids, periods=cutoffs))
    # A task counts once in the totals, though a plan in force and its child in force both count it.
    board.totals = {
        "tasks": sum(by_plan[member]["total"] for member in members),
        "overdue": sum(by_plan[member][TaskStatus.OVERDUE] for member in members),
    }
    return board


def dashboard_agencies(plans: list[Plan], today: datetime.date, *, due: dict[int, DuePeriod] | None = None) -> Dashboard:
    """What the dashboard says of the lead agencies of ``plans``: one row each, the most behind first, and the reports
    missing in all (``totals["missing"]``); ``due``: the plans' periods due, when known."""
    plan_ids = [plan.pk for plan in plans]
    board = Dashboard(plans=plans, due=due if due is not None else due_periods(plans, today))
    board.agencies = _agencies(plan_ids, board.due, today, late_reports=late_counts(plan_ids=plan_ids) if plan_ids else {})
    board.totals = {"missing": sum(row["missing"] for row in board.agencies)}
    return board


def task_groups(members: set[int], today: datetime.date, cutoffs: list) -> list[dict]:
    """The tasks of these plans by plan, section and status as of ``today``: ``n``, ``progress_sum`` and, per trend
    period, ``overdue_<index>`` (one-off tasks overdue at its cut-off), from the kept task counts (``tasks.kept``:
    a few rows per section); equal to :func:`task_groups_recounted` on any day (``assert_kept_figures_true``).
    Its SQL is made once per input (``core.compiled``)."""
    return compiled_values(_task_groups_kept, tuple(sorted(members)), today, year_window(today), tuple(p.last_day for p in cutoffs))


def _task_groups_kept(members: tuple[int, ...], today: datetime.date, window: tuple, cutoff_days: tuple) -> QuerySet:
    rows = TaskCount.objects.filter(plan_id__in=members).annotate(status_code=status_expression(today, window=window))
    groups = rows.order_by().values("plan_id", "section_id", "status_code")
    return groups.annotate(n=Sum("tasks"), progress_sum=Sum("progress_sum"), **_overdue_at_cutoffs(cutoff_days, kept=True))


def task_groups_recounted(members: set[int], today: datetime.date, cutoffs: list) -> list[dict]:
    """:func:`task_groups` counted from every task: the reference the kept counts must equal."""
    tasks = Task.objects.filter(plan_id__in=members).annotate(status_code=status_expression(today))
    groups = tasks.order_by().values("plan_id", "section_id", "status_code")
    return list(groups.annotate(n=Count("id"), progress_sum=Sum("progress"), **_overdue_at_cutoffs([p.last_day for p in cutoffs])))


def most_behind_first(row: dict) -> tuple:
    """The agency table's order: most overdue tasks, then most reports missing, then the lowest on-time rate."""
    return (-row["overdue"], -row["missing"], row["on_time_rate"] if row["on_time_rate"] is not None else 101, row["agency"].name)


def _agencies(plan_ids: list[int], due: dict[int, DuePeriod], today: datetime.date, *, late_reports: dict[int, int]) -> list[dict]:
    """One row per lead agency, the most behind first (the rules are ``reports.compliance``'s).

    ``late_reports``: per agency, from the stored counts (``reports.figures.late_counts``); reports sent for the
    period due on unfinished tasks from the kept counts of sent lead reports (a few rows per agency)."""
    sent = compliance.sent_owed_by_agency_kept({plan_id: d.row for plan_id, d in due.items()}, as_of=today) if due else {}
    starts = {plan_id: d.period for plan_id, d in due.items()}  # the period itself: obligation() needs its last day
    # Lead parts by status and obligation from the kept counts (tasks.kept): a few rows per agency and plan, not every assignment.
    counts = compliance.lead_counts_by_agency(plan_ids, as_of=today, starts=starts)
    # Names come apart, kept by the process until the registry changes: grouping by them would sort every row by text.
    agencies = kept_in_process(
        "dashboard-agency-names",
        lambda: Agency.objects.only("code", "name", "aliases", "active_to").in_bulk(),
        enough=lambda known: all(agency_id in known for agency_id in counts),
    )
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
    result.sort(key=most_behind_first)
    return result


def _trend_periods(plans: list[Plan], today: datetime.date) -> list:
    """The trend's periods: the last twelve ended of the plans' main reporting kind."""
    if not plans:
        return []
    kind = main_kind(plans[0].reporting_kinds)
    start = min(plan.starts_on for plan in plans)
    return [p for p in periods_between(kind, start, today) if p.last_day <= today][-12:]


def _overdue_at_cutoffs(cutoff_days: Sequence[datetime.date], *, kept: bool = False) -> dict[str, Aggregate]:
    """Aggregates on ``Task`` (``kept``: on ``TaskCount``): how many one-off tasks were overdue at each trend period's
    cut-off, its last day (``overdue_<index>``)."""
    return {
        f"overdue_{index}": (Sum if kept else Count)(
            "tasks" if kept else "id",
            filter=Q(recurrence=Recurrence.NONE, due_date__lt=last_day) & (Q(completed_on__isnull=True) | Q(completed_on__gt=last_day)),
        )
        for index, last_day in enumerate(cutoff_days)
    }


def _trend(periods: list, overdue_at: list[int], progress: dict[tuple[int, int], int | None]) -> list[dict]:
    """Per reporting period: mean progress of the accepted lead reports (stored points, ``reports.figures``), and how many tasks were overdue at its cut-off."""
    if not periods:
        return []
    return [
        {"period": period, "progress": progress.get((period.year, period.number)), "overdue": overdue_at[index]}
        for index, period in enumerate(periods)
    ]
