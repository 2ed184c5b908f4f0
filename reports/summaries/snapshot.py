"""What a summary says: every figure and text, as they stood at the period's cut-off.

A selector: it aggregates in the database (a fixed number of queries whatever the plan's size)
and returns plain JSON-ready data, which ``Summary.snapshot`` keeps for good.

Rules:
- a plan's summary covers its own tasks and those of the plans that carry it out (child plans),
  as the dashboard's roll-up does; each task counts once;
- a task's status is judged at the cut-off: a completion after it does not count yet;
- a task's progress at the cut-off is the mean, over its lead agencies, of each one's latest
  accepted report up to the cut-off (none: 0%); a task completed by then is at 100%;
- the reports that feed the summary are the accepted ones of the plan's routine reporting
  periods whose cut-off falls in the summarised period, the latest per task and agency;
- missing and late reports (``reports.compliance``) are judged at the cut-off, for the routine period
  that closes with the summarised one.
"""

import datetime
import decimal
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from indicators.selectors import summary_table
from plans.models import Agency, Plan, Section
from tasks.choices import AssignmentRole, TaskStatus
from tasks.models import PastHolding, Task
from tasks.selectors import Holding, holdings_on, plan_family_ids, tasks_of_plans_q
from tasks.status import status_expression

from .. import compliance
from ..choices import ReportState
from ..models import Report, ReportingPeriod
from ..periods import Period, main_kind, period_containing
from ..progress import tasks_progress


def plan_tree(plan: Plan, prefix: str = "") -> Q:
    """The condition on tasks (or rows reaching a task through ``prefix``) of a plan and its child plans: the roll-up rule, ``tasks_of_plans_q``."""
    return tasks_of_plans_q([plan.pk], prefix)


def tasks_at_cutoff(plan: Plan, as_of: datetime.date, completions: dict[int, datetime.date | None] | None = None) -> QuerySet[Task]:
    """The plan's tasks annotated with ``status_code`` and ``completed_by_cutoff`` as they stood on ``as_of``
    (``completions``: :func:`completions_at_cutoff`)."""
    return (
        Task.objects.filter(plan_tree(plan))
        .annotate(completed_by_cutoff=compliance.completed_by(as_of, completions or {}))
        .annotate(status_code=status_expression(as_of, completed="completed_by_cutoff"))
    )


def completions_at_cutoff(holdings: list[Holding], completed: Mapping[int, datetime.date | None]) -> dict[int, datetime.date | None]:
    """The completion at the cut-off of each task whose lead parts changed hands after it (a lead part held then by a
    past holder), from ``completed`` (``reports.progress`` with the parts held at the cut-off); the other tasks' stored
    completion stands."""
    return {holding.task_id: completed.get(holding.task_id) for holding in holdings if holding.past_id is not None}


def lead_parts(plan: Plan, as_of: datetime.date) -> list[Holding]:
    """The lead parts of the summary's tasks as they were held at the cut-off ``as_of`` (``tasks.selectors.holdings_on``)."""
    return holdings_on(on=as_of, tasks=plan_tree(plan, "task__"), role=AssignmentRole.LEAD)


def progress_at_cutoff(
    plan: Plan, as_of: datetime.date, holdings: list[Holding] | None = None
) -> tuple[dict[int, decimal.Decimal], dict[int, datetime.date | None]]:
    """Each unfinished task's progress at the cut-off, exactly: ``reports.progress`` with the lead parts held on
    ``as_of`` and the reports of periods ending by then; and :func:`completions_at_cutoff`.

    A task completed by then is at 100 % (set by the caller): its reports are not read, unless its lead parts changed
    hands after the cut-off (its completion then is computed from them, not the stored one). At 50,000 tasks the
    finished ones were two fifths of the reports sorted and read (benchmarks/summary.py).
    """
    holdings = holdings if holdings is not None else lead_parts(plan, as_of)
    changed = {holding.task_id for holding in holdings if holding.past_id is not None}
    finished = set(Task.objects.filter(plan_tree(plan), completed_on__lte=as_of).values_list("pk", flat=True)) - changed
    # The reports of the other tasks: unfinished, or with a lead part that ever changed hands (a few more than ``changed``,
    # told apart above; a condition without their ids, which run to thousands in a year of mergers).
    unfinished = ~Q(task__completed_on__lte=as_of) | Q(task_id__in=PastHolding.objects.filter(role=AssignmentRole.LEAD).values("task_id"))
    figures = tasks_progress(
        plan_tree(plan, "task__") & unfinished,
        on=as_of,
        until=as_of,
        holdings=[holding for holding in holdings if holding.task_id not in finished],
    )
    progress = {}
    as_decimal: dict[tuple[int, int], decimal.Decimal] = {}  # tasks share a few hundred values: one division and one object each
    with decimal.localcontext(prec=60):
        for task_id, (exact, _completed) in figures.items():
            key = (exact.numerator, exact.denominator)
            value = as_decimal.get(key)
            if value is None:
                value = as_decimal[key] = decimal.Decimal(key[0]) / decimal.Decimal(key[1])
            progress[task_id] = value
    return progress, completions_at_cutoff(holdings, {task_id: day for task_id, (_exact, day) in figures.items()})


class TaskAtCutoff(NamedTuple):
    """One task of a summary as it stood at the cut-off (a row of :func:`task_rows`)."""

    id: int
    section_id: int | None
    section_number: str | None
    number: str
    title: str
    timeframe: str
    due_date: datetime.date | None
    extended: bool  # judged against an approved extension (gia hạn)
    status: str
    progress: decimal.Decimal | float  # exactly as the database computed it (numeric on PostgreSQL)
    completed: datetime.date | None = None  # its completion as it stood at the cut-off


def task_rows(plan: Plan, as_of: datetime.date, holdings: list[Holding] | None = None) -> list[TaskAtCutoff]:
    """Every task of the summary of ``plan`` at ``as_of``, in the plan's order, in one query.

    The snapshot's counts and averages and the annex's rows are all taken from these rows, so the
    progress rule (a subquery per task) runs once per compilation instead of once per figure.
    """
    progress, completions = progress_at_cutoff(plan, as_of, holdings)
    rows = (
        tasks_at_cutoff(plan, as_of, completions)
        .order_by("position", "pk")
        .values_list(
            "id",
            "section_id",
            "section__number",
            "number",
            "title",
            "timeframe",
            "due_date",
            "extended_due_date",
            "status_code",
            "completed_by_cutoff",
        )
    )
    # Values many tasks repeat (a section's number, "Thường xuyên", a status, a due date) are held once, not once a
    # task: at 50,000 tasks the rows are held through the whole compilation (benchmarks/summary.py).
    numbers, timeframes, statuses, days = _one_of_each(), _one_of_each(), _one_of_each(), _one_of_each()
    hundred, zero = decimal.Decimal(100), decimal.Decimal(0)
    return [
        TaskAtCutoff(
            pk,
            section_id,
            numbers(section_number, section_number),
            number,
            title,
            timeframes(timeframe, timeframe),
            days(due, due),
            extended is not None,
            statuses(status, status),
            hundred if completed else progress.get(pk, zero),
            days(completed, completed),
        )
        for pk, section_id, section_number, number, title, timeframe, due, extended, status, completed in rows.iterator(chunk_size=5000)
    ]


def _one_of_each():
    """``shared(value, value)``: the first value equal to ``value`` seen by this function (one column's values only:
    ``True == 1``)."""
    return {}.setdefault


def _figures_of(rows: Iterable[TaskAtCutoff]) -> dict:
    """Count by status and mean progress of ``rows``, as ``COUNT`` and ``AVG`` in the database would give them.

    The progresses are added exactly (decimals) and divided once, so the mean is the database's.
    """
    counts = dict.fromkeys(TaskStatus.values, 0)
    total, tasks = decimal.Decimal(0), 0
    with decimal.localcontext(prec=60):
        for row in rows:
            tasks += 1
            counts[row.status] += 1
            progress = row.progress
            total += progress if progress.__class__ is decimal.Decimal else decimal.Decimal(progress)
        mean = float(total / tasks) if tasks else None
    return {"tasks": tasks, "progress": mean, **counts}


def reporting_period_of(plan: Plan, period: Period) -> Period:
    """The routine reporting period (the plan's most frequent) that closes with ``period``."""
    return period_containing(period.last_day, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day)


class FedReport(NamedTuple):
    """An accepted report a summary quotes (a row of :func:`feeding_reports`)."""

    task_id: int
    task_number: str
    section_id: int | None
    agency_id: int
    agency_name: str
    role: str
    results: str
    difficulties: str
    proposals: str


def feeding_reports(plan: Plan, period: Period) -> Iterator[FedReport]:
    """The accepted reports a summary is built from: the latest per task and agency, in task order (then by role and
    agency name)."""
    kind = main_kind(plan.reporting_kinds)
    rows = (
        Report.objects.filter(
            plan_tree(plan, "task__"),
            state=ReportState.ACCEPTED,
            period__kind=kind,
            period__last_day__gte=period.first_day,
            period__last_day__lte=period.last_day,
        )
        .order_by("task__position", "task_id", "agency_id", "role", "-period__last_day")
        .values_list(
            "task_id", "task__number", "task__section_id", "agency_id", "agency__name", "role", "results", "difficulties", "proposals"
        )
    )
    if connection.vendor == "postgresql":
        rows = rows.distinct("task__position", "task_id", "agency_id")  # only the report kept leaves the database: half of them
    # The database's order of names, equal names level (the order the quotes always had: role, agency name, agency).
    place, previous = -1, None
    rank = {}
    for pk, name in Agency.objects.order_by("name").values_list("pk", "name"):
        place, previous = place + (name != previous), name
        rank[pk] = place
    # A task's reports come together (the order starts with the task): the first of each agency is its latest, with
    # those of the roles that sort first; the task's quotes are then put in order. Names and roles are held once.
    names, roles, numbers = _one_of_each(), _one_of_each(), _one_of_each()

    def in_order(report: FedReport) -> tuple:
        return report.role, rank[report.agency_id], report.agency_id

    task, quoted = None, {}
    for task_id, number, section_id, agency_id, name, role, results, difficulties, proposals in rows.iterator(chunk_size=2000):
        if task_id != task:
            yield from sorted(quoted.values(), key=in_order)
            task, quoted = task_id, {}
        if agency_id not in quoted:
            quoted[agency_id] = FedReport(
                task_id,
                numbers(number, number),
                section_id,
                agency_id,
                names(name, name),
                roles(role, role),
                results,
                difficulties,
                proposals,
            )
    yield from sorted(quoted.values(), key=in_order)


def _quote(report: FedReport, text: str) -> dict:
    return {"agency": report.agency_name, "task": report.task_number, "task_id": report.task_id, "role": report.role, "text": text}


def _pct(value) -> int | None:
    return None if value is None else round(value)


def summary_snapshot(
    *,
    plan: Plan,
    period: Period,
    leads: dict[int, list[str]] | None = None,
    tasks: list[TaskAtCutoff] | None = None,
    holdings: list[Holding] | None = None,
) -> dict:
    """Every figure and text of the summary of ``plan`` for ``period`` (JSON-ready).

    ``leads`` (each task's lead agencies, from :func:`lead_agency_names`) and ``tasks`` (:func:`task_rows`
    at the period's cut-off) save queries when the caller has them.
    """
    as_of = period.last_day
    holdings = holdings if holdings is not None else lead_parts(plan, as_of)
    rows = tasks if tasks is not None else task_rows(plan, as_of, holdings)
    statuses = [status.value for status in TaskStatus]

    totals = _figures_of(rows)
    totals["progress"] = _pct(totals["progress"])

    in_section: dict[int | None, list[TaskAtCutoff]] = {}
    for row in rows:
        in_section.setdefault(row.section_id, []).append(row)
    by_section = {section_id: _figures_of(members) for section_id, members in in_section.items()}
    sections = []
    for section in (
        Section.objects.filter(plan_tree(plan)).select_related("plan").order_by("plan__parent_id", "plan__symbol", "position", "pk")
    ):
        row = by_section.get(section.pk, {"tasks": 0, "progress": None, **dict.fromkeys(statuses, 0)})
        title = section.title if section.plan_id == plan.pk else f"{section.title} ({section.plan.symbol})"
        sections.append({"id": section.pk, "number": section.number, "title": title, **_figures(row, statuses)})
    if None in by_section:
        sections.append({"id": None, "number": "", "title": "", **_figures(by_section[None], statuses)})

    routine = reporting_period_of(plan, period)
    routine_row = ReportingPeriod.objects.filter(kind=routine.kind, year=routine.year, number=routine.number).first()
    # The lead parts as they were held at the cut-off (tasks.selectors.holdings_on), judged with the tasks' statuses then.
    status_of = {row.id: row.status for row in rows}
    agency_rows: dict[int, dict] = {}
    for holding in holdings:
        if holding.task_id in status_of:
            row = agency_rows.setdefault(holding.agency_id, {"led": 0, "missing": 0, "late_reports": 0, **dict.fromkeys(statuses, 0)})
            row["led"] += 1
            row[status_of[holding.task_id]] += 1

    plans = sorted(plan_family_ids([plan.pk])[plan.pk])
    tree = dict.fromkeys(plans, routine_row.pk if routine_row else None)
    missing = sorted(
        compliance.missing_held(
            tree,
            as_of=as_of,
            starts=dict.fromkeys(plans, routine),
            fields=("agency_id", "agency__name", "task__number", "task__title", "task__position", "task_id"),
            completions=completions_at_cutoff(holdings, {row.id: row.completed for row in rows}),
        ),
        key=lambda m: (m["agency__name"], m["task__position"], m["task_id"]),
    )
    late = (
        list(
            compliance.late_reports(plan_tree(plan, "task__"), period_ids=[routine_row.pk])
            .order_by("agency__name", "task__position")
            .values("agency_id", "agency__name", "task__number", "submitted_at")
        )
        if routine_row
        else []
    )
    for item in missing:
        agency_rows[item["agency_id"]]["missing"] += 1
    for item in late:
        if item["agency_id"] in agency_rows:
            agency_rows[item["agency_id"]]["late_reports"] += 1
    names = Agency.objects.only("code", "name", "active_to").in_bulk(list(agency_rows))
    agencies = sorted(
        ({"code": names[agency_id].code, "name": names[agency_id].name, **row} for agency_id, row in agency_rows.items()),
        key=lambda r: (-r[TaskStatus.OVERDUE], -r["missing"], r["name"]),
    )

    lead_names = leads if leads is not None else lead_agency_names(plan, as_of, holdings)
    ceased = ceased_leads(holdings, names, as_of)
    overdue = [
        {
            "number": row.number,
            "title": row.title,
            "timeframe": row.timeframe,
            "due_date": row.due_date.isoformat() if row.due_date else None,
            "lead": lead_names.get(row.id, []),
            # those of them that had ceased by the cut-off (their part waits to be given on): not urged to finish it;
            # only when there are some, so that the snapshots of other plans read as they always did
            **({"lead_ceased": ceased[row.id]} if row.id in ceased else {}),
            "extended": row.extended,  # judged against an approved extension: "(đã gia hạn)"
        }
        for row in rows
        if row.status == TaskStatus.OVERDUE
    ]

    results: dict = {}
    difficulties, proposals, accepted = [], [], 0
    for report in feeding_reports(plan, period):
        accepted += 1
        if text := report.results.strip():
            results.setdefault(report.section_id, []).append(_quote(report, text))
        if text := report.difficulties.strip():
            difficulties.append(_quote(report, text))
        if text := report.proposals.strip():
            proposals.append(_quote(report, text))
    for section in sections:
        section["results"] = results.get(section["id"], [])
    # Kết quả thực hiện các chỉ tiêu: at the cut-off, as known when compiled; frozen with the rest (only a plan
    # with indicators has the key, so the snapshots of plans without any read as they always did).
    indicators = summary_table(plan, cut_off=as_of, compiled_on=timezone.localdate())

    return {
        "plan": {"id": plan.pk, "symbol": plan.symbol, "title": plan.title, "issuer": plan.issuer, "issued_on": plan.issued_on.isoformat()},
        "period": {
            "kind": period.kind,
            "code": period.code,
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
        },
        "reporting_period": {"code": routine.code, "label": routine.label, "deadline": routine.deadline.isoformat()},
        "totals": {**_figures(totals, statuses), "agencies": len(agencies)},
        "reports": {"accepted": accepted, "missing": len(missing), "late": len(late)},
        "sections": sections,
        "agencies": agencies,
        "overdue": overdue,
        "missing": [{"agency": m["agency__name"], "task": m["task__number"], "title": m["task__title"]} for m in missing],
        "late": [
            {
                "agency": item["agency__name"],
                "task": item["task__number"],
                "submitted_at": item["submitted_at"] and item["submitted_at"].isoformat(),
            }
            for item in late
        ],
        "difficulties": difficulties,
        "proposals": proposals,
        **({"indicators": indicators} if indicators else {}),
    }


def _figures(row: dict, statuses: list[str]) -> dict:
    return {"tasks": row["tasks"], "progress": _pct(row["progress"]), **{status: row[status] for status in statuses}}


def ceased_leads(holdings: list[Holding], agencies: Mapping[int, Agency], as_of: datetime.date) -> dict[int, list[str]]:
    """Each task's lead parts held at the cut-off by an agency that had ceased by then (a district committee after
    01/07/2025 whose part no agency took on), by name; ``agencies`` holds the holders (with ``active_to``)."""
    names: dict[int, set[str]] = {}
    for holding in holdings:
        agency = agencies.get(holding.agency_id)
        if agency is not None and agency.active_to is not None and agency.active_to <= as_of:
            names.setdefault(holding.task_id, set()).add(agency.name)
    return {task_id: sorted(held) for task_id, held in names.items()}


def lead_agency_names(plan: Plan, as_of: datetime.date, holdings: list[Holding] | None = None) -> dict[int, list[str]]:
    """Each task's lead agencies by name, as they held the lead parts on ``as_of`` (:func:`lead_parts`)."""
    holdings = holdings if holdings is not None else lead_parts(plan, as_of)
    agencies = Agency.objects.filter(pk__in={h.agency_id for h in holdings}).order_by("name").values_list("pk", "name")
    rank = {pk: (place, name) for place, (pk, name) in enumerate(agencies)}  # the database's order of names
    leads: dict[int, list[tuple[int, str]]] = {}
    for holding in holdings:
        leads.setdefault(holding.task_id, []).append(rank[holding.agency_id])
    # Tasks with the same lead agencies share one list (read, never changed): most agencies lead thousands of tasks.
    shared: dict[tuple, list[str]] = {}
    names = {}
    for task_id, held in leads.items():
        key = tuple(sorted(held))
        if key not in shared:
            shared[key] = [name for _place, name in key]
        names[task_id] = shared[key]
    return names
