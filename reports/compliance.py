"""Reporting obligations: which (agency, task) owe a report for a period, which were sent, late or missing.

The one place for this rule; the dashboard, the reminders and the summaries call it.

- Each **lead** agency of a task that is unfinished (in progress, overdue or ongoing) as of a day owes
  a report for the period due on the task's plan (Nghị định 09/2019; ``reports.periods.period_due``).
  Cooperating agencies contribute, but owe nothing.
- A report counts as **sent** once the agency head has submitted it to the coordinator (submitted or
  accepted); a draft or a report awaiting the head's approval has not been sent.
- A report owed and not sent is **missing**; a sent report is **late** when it was *first* sent after
  the period's sending deadline (``Report.is_late``, set when it is sent: :func:`sent_late`). A report
  the coordinator returned for a fix and the agency sent again within ``RESEND_GRACE_WORKING_DAYS``
  working days of the return keeps the mark of its first sending (DOMAIN.md).
- **Obligations follow the calendar** (reorganisations, ``reports.reorganisation``): reports are sent
  after a period's cut-off (its last day), so an agency owes a period only if it still exists after
  the cut-off (``active_to``, the first day it no longer exists, is later than the last day) and held
  the task by then (``TaskAssignment.inherited_on`` on or before the last day). The period that
  straddles a reorganisation is therefore owed by the successor, never by the agency that ceased
  inside it (it cannot file once it no longer exists). An agency assigned through a group
  (``via_group``) owes nothing for periods that end after it left the group. :func:`obligation` is
  that rule; ``reports.periods.unreportable_reason`` lets the successor file exactly those periods.
- An agency's **on-time rate** is tasks completed on time ÷ (completed on time + completed late + overdue).
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol

from django.db.models import BooleanField, Case, Count, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When

from core.compiled import compiled_values
from plans.models import AgencyMembership, Plan
from plans.workdays import WorkCalendar
from tasks.choices import AssignmentRole, TaskStatus
from tasks.models import LeadPartCount, PastHolding, TaskAssignment
from tasks.selectors import held_on_q
from tasks.status import status_expression, year_window

from .choices import ReportState
from .models import Report, ReportingPeriod, SentLeadCount
from .periods import STARTED, main_kind, period_containing

SENT = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def sending_moved(*, previous: str, current: str, was_late: bool, is_late: bool) -> bool:
    """Whether a report's step moved it in or out of the sent reports, or between on time and late: what the late-report
    counts and the reports missing read."""
    return (previous in SENT) != (current in SENT) or was_late != is_late


def late_count_moved(*, previous: str, current: str, was_late: bool, is_late: bool) -> bool:
    """Whether a report's step moved it in or out of the late reports counted (sent, and late): a report sent on time, a
    deadline day's every one, moves none (``reports.figures.late_count_refresh``)."""
    return (previous in SENT and was_late) != (current in SENT and is_late)


def figures_moved(*, previous: str, current: str, was_late: bool, is_late: bool) -> bool:
    """Whether a report's step moves a figure anyone but its agency reads: sent or not (the reports missing, the lists of
    what is owed), on time or late, accepted or not (a task's progress, the trend, the indicators). A step between
    unsent states (a draft sent to the head for approval, sent back to the officer) moves none, like a draft saved."""
    return sending_moved(previous=previous, current=current, was_late=was_late, is_late=is_late) or ReportState.ACCEPTED in (
        previous,
        current,
    )


class Window(Protocol):
    """A reporting period's data window: a :class:`~reports.periods.Period` or a stored ``ReportingPeriod``."""

    @property
    def first_day(self) -> datetime.date: ...

    @property
    def last_day(self) -> datetime.date: ...


UNFINISHED = (TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE, TaskStatus.ONGOING)


def obligation(periods: Mapping[int, Window], prefix: str = "", *, past: bool = False, model: Any = None, task: str = "task__") -> Q:
    """On ``TaskAssignment`` (``past``: on ``PastHolding``; or through ``prefix``): the agency owes a report for each plan's period in ``periods``.

    ``model`` and ``task``: on another model with the assignment's columns, which holds the task's as its own
    (``task=""``: the kept counts, ``tasks.models.LeadPartCount``).

    The task had started by the period's cut-off (``reports.periods.unreportable_reason`` refuses a
    report for an earlier period); the agency still exists after the cut-off, held the part on it
    (``tasks.selectors.held_on_q``: a part it received by then, or one it handed on only later) and,
    assigned through a group, was still a member of it then.
    """
    model = model or (PastHolding if past else TaskAssignment)
    task = f"{prefix}{task}"
    condition = Q(pk__in=[])
    for plan_id, period in periods.items():
        end = period.last_day
        started = STARTED.q(end, prefix=task)  # the bound reports.periods.unreportable_reason checks
        # Uncorrelated (computed once, not per assignment): the few assignments whose group membership had ended,
        # unless the agency had joined the group again by then.
        rejoined = AgencyMembership.objects.filter(
            AgencyMembership.running_on(end), group_id=OuterRef("via_group_id"), agency_id=OuterRef("agency_id")
        )
        left_group = (
            model.objects.filter(via_group__memberships__member_to__lte=end, via_group__memberships__agency_id=F("agency_id"))
            .exclude(Exists(rejoined))
            .values("pk")
        )
        condition |= (
            Q(**{f"{task}plan_id": plan_id})
            & (Q(**{f"{prefix}agency__active_to__isnull": True}) | Q(**{f"{prefix}agency__active_to__gt": end}))
            & started
            & held_on_q(end, past=past, prefix=prefix)
            & ~Q(**{f"{prefix}pk__in": left_group})
        )
    return condition


def periods_of(starts: Mapping[int, Window | datetime.date]) -> dict[int, Window]:
    """Each plan's period, given as a period or by its first day (then the plan's routine period starting that day: one query).

    Callers that have the period should pass it: the rule needs its last day (:func:`obligation`).
    """
    periods: dict[int, Window] = {plan_id: value for plan_id, value in starts.items() if not isinstance(value, datetime.date)}
    bare = {plan_id: value for plan_id, value in starts.items() if isinstance(value, datetime.date)}
    if bare:
        for plan_id, kinds, deadline_day in Plan.objects.filter(pk__in=list(bare)).values_list(
            "pk", "reporting_kinds", "report_deadline_day"
        ):
            periods[plan_id] = period_containing(bare[plan_id], main_kind(kinds), deadline_day=deadline_day)
    return periods


class AgencyCounts(Counter):
    """An agency's lead assignments by status; ``owing``: the unfinished ones that owe this period's report."""

    owing = 0


def lead_assignments(
    tasks: Q,
    *,
    as_of: datetime.date,
    at_cutoff: bool = False,
    starts: Mapping[int, Window | datetime.date] | None = None,
    past: bool = False,
    completions: Mapping[int, datetime.date | None] | None = None,
) -> QuerySet[Any]:
    """Lead assignments of the tasks matching ``tasks`` (a condition on ``TaskAssignment``), with ``status_code`` as of ``as_of``.

    ``at_cutoff``: a completion after ``as_of`` does not count yet (summaries judge at the period's cut-off).
    ``starts`` (each plan's period due, or its first day): also annotate ``owes`` (:func:`obligation`).
    ``past``: the lead parts their past holders held (``PastHolding``), for a day before they were handed on.
    ``completions``: with ``at_cutoff``, the completion dates at the cut-off of the tasks whose parts changed
    hands since (:func:`completed_by`).
    """
    assignments = (PastHolding if past else TaskAssignment).objects.filter(tasks, role=AssignmentRole.LEAD)
    if starts is not None:
        assignments = assignments.annotate(
            owes=Case(When(obligation(periods_of(starts)), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
    if not at_cutoff:
        return assignments.annotate(status_code=status_expression(as_of, prefix="task__"))
    assignments = assignments.annotate(completed_by_cutoff=completed_by(as_of, completions or {}, prefix="task__"))
    return assignments.annotate(status_code=status_expression(as_of, prefix="task__", completed="completed_by_cutoff"))


def completed_by(as_of: datetime.date, completions: Mapping[int, datetime.date | None], prefix: str = "") -> Case:
    """A task's completion date as it stood on ``as_of`` (a cut-off), as an expression: its stored completion when it
    was on or before that day; for a task whose parts changed hands since, ``completions`` (its completion computed
    with the parts held on that day, ``reports.progress``), since a fold can date today's completion before the cut-off."""
    given = [When(**{f"{prefix}pk": task_id}, then=Value(day, output_field=DateField())) for task_id, day in completions.items()]
    return Case(
        *given,
        When(**{f"{prefix}completed_on__lte": as_of}, then=F(f"{prefix}completed_on")),
        default=None,
        output_field=DateField(),
    )


def _period_of_plan(period_of_plan: dict[int, int | None]) -> Case | Value:
    """Each row's period due (0: none), by its task's plan; the rows are those of the plans in ``period_of_plan`` (:func:`owed`).

    Plans that share one period (a plan and its child plans, reporting by the same calendar) get it as a constant:
    PostgreSQL then finds the reports sent for it by index, where an expression per row had it probe the reports
    assignment by assignment (at 50,000 tasks, a third of the time).
    """
    periods = set(period_of_plan.values())
    if len(periods) == 1:
        return Value(periods.pop() or 0, output_field=IntegerField())
    return Case(
        *[When(task__plan_id=plan_id, then=Value(period_id or 0)) for plan_id, period_id in period_of_plan.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def _starts(period_of_plan: dict[int, int | None], as_of: datetime.date) -> dict[int, Window | datetime.date]:
    rows = ReportingPeriod.objects.in_bulk([pk for pk in period_of_plan.values() if pk])
    return {plan_id: rows.get(period_id, as_of) for plan_id, period_id in period_of_plan.items()}


def owed(
    period_of_plan: dict[int, int | None],
    *,
    as_of: datetime.date,
    at_cutoff: bool = False,
    starts: Mapping[int, Window | datetime.date] | None = None,
    past: bool = False,
    completions: Mapping[int, datetime.date | None] | None = None,
) -> QuerySet[Any]:
    """The (agency, task) lead assignments that owe a report, annotated ``owed_period_id`` and ``sent``.

    ``period_of_plan`` maps each plan to the stored ``ReportingPeriod`` id due on it (None when no
    report names it yet: nothing can have been sent for it). ``starts``: the first day of each plan's
    period, or the period itself (read from the rows when not given; the routine period containing
    ``as_of`` for a plan without a row). ``past``: the parts held at the cut-off by agencies that
    handed them on later (``PastHolding``); a past period's obligations are both querysets' rows
    (:func:`missing_held`).
    """
    periods = periods_of(starts if starts is not None else _starts(period_of_plan, as_of))
    sent = Report.objects.filter(
        task=OuterRef("task_id"), agency=OuterRef("agency_id"), period_id=OuterRef("owed_period_id"), state__in=SENT
    )
    return (
        lead_assignments(Q(task__plan_id__in=list(period_of_plan)), as_of=as_of, at_cutoff=at_cutoff, past=past, completions=completions)
        .filter(status_code__in=UNFINISHED)
        .filter(obligation(periods, past=past))
        .annotate(owed_period_id=_period_of_plan(period_of_plan))
        .annotate(sent=Exists(sent))
    )


def missing(
    period_of_plan: dict[int, int | None],
    *,
    as_of: datetime.date,
    at_cutoff: bool = False,
    starts: Mapping[int, Window | datetime.date] | None = None,
) -> QuerySet[Any]:
    """The owed reports not sent: one row per (agency, task)."""
    return owed(period_of_plan, as_of=as_of, at_cutoff=at_cutoff, starts=starts).filter(sent=False)


def missing_held(
    period_of_plan: dict[int, int | None],
    *,
    as_of: datetime.date,
    starts: Mapping[int, Window | datetime.date],
    fields: tuple[str, ...],
    completions: Mapping[int, datetime.date | None] | None = None,
) -> list[dict]:
    """The owed reports not sent, judged at the cut-off ``as_of`` with the agencies that held the parts on it
    (today's holders who had them by then, and those who handed them on later): ``fields`` of each row."""
    rows: list[dict] = []
    for past in (False, True):
        owing = owed(period_of_plan, as_of=as_of, at_cutoff=True, starts=starts, past=past, completions=completions).filter(sent=False)
        rows.extend(owing.order_by().values(*fields))  # the caller sorts: no join for the models' default order
    return rows


def missing_by_agency(period_of_plan: dict[int, int | None], *, as_of: datetime.date) -> dict[int, int]:
    """Per agency, how many reports it owes and has not sent (one grouped query)."""
    return dict(missing(period_of_plan, as_of=as_of).order_by().values("agency_id").annotate(n=Count("id")).values_list("agency_id", "n"))


def sent_owed_by_agency(period_of_plan: dict[int, ReportingPeriod | None], *, as_of: datetime.date) -> dict[int, int]:
    """Per agency, how many owed reports were sent (one grouped query).

    ``period_of_plan`` maps each plan to the stored row of its period due (None: nothing was sent for it).
    For the dashboard's agency table, which already counts the owed reports per agency and status in
    one grouped query: missing = owed − sent (the same figure as :func:`missing_by_agency`, which a
    test checks). The reports are read by their periods' ids (``report_period_sent_idx``): reading
    the period's reports costs less than probing every assignment.
    """
    rows = {plan_id: row for plan_id, row in period_of_plan.items() if row is not None}
    due_rows = Q(pk__in=[])
    for plan_id, row in rows.items():
        due_rows |= Q(period_id=row.pk, task__plan_id=plan_id)
    # Only reports the agency owes count (obligation(): it held the task, existed after the cut-off, was still in the group).
    owing = TaskAssignment.objects.filter(task=OuterRef("task_id"), agency=OuterRef("agency_id"), role=AssignmentRole.LEAD).filter(
        obligation(rows)
    )
    reports = (
        # Any report the agency sent on the lead part, as :func:`owed` reads it (one report per task, agency and period:
        # one sent as a cooperator before the agency was made a lead is its report of the period).
        Report.objects.filter(due_rows, period_id__in={row.pk for row in rows.values()}, state__in=SENT)
        .filter(Exists(owing))
        .annotate(status_code=status_expression(as_of, prefix="task__"))
        .order_by()
    )
    # Grouped by status and the unfinished ones kept here: a filter on the derived status would be
    # estimated at a few hundred tasks and the reports probed task by task.
    sent: Counter = Counter()
    for agency_id, status_code, n in (
        reports.values("agency_id", "status_code").annotate(n=Count("id")).values_list("agency_id", "status_code", "n")
    ):
        if status_code in UNFINISHED:
            sent[agency_id] += n
    return dict(sent)


def sent_late(
    *,
    deadline: datetime.date,
    sent_on: datetime.date,
    first_sent_on: datetime.date | None,
    was_late: bool,
    returned_on: datetime.date | None,
    calendar: WorkCalendar,
    grace_days: int,
) -> bool:
    """Is a report sent on ``sent_on`` late?

    The first sending decides: late when after the deadline. A later sending keeps that mark when
    the coordinator returned the report (on ``returned_on``) and the agency sent it again within
    ``grace_days`` working days; a report already late stays late; otherwise the deadline decides.
    """
    if first_sent_on is None:
        return sent_on > deadline
    if was_late:
        return True
    if returned_on is not None and returned_on >= first_sent_on and sent_on <= calendar.add_working_days(returned_on, grace_days):
        return False
    return sent_on > deadline


def late_reports(tasks: Q, *, period_ids: list[int] | None = None) -> QuerySet[Report]:
    """Reports sent after their deadline, of the tasks matching ``tasks`` (a condition on ``Report``), in these periods or all."""
    reports = Report.objects.filter(tasks, is_late=True, state__in=SENT)
    return reports.filter(period_id__in=period_ids) if period_ids is not None else reports


def late_by_agency(tasks: Q) -> QuerySet:
    """Per agency, how many of its reports were sent late: ``(agency_id, n)`` rows."""
    return late_reports(tasks).order_by().values("agency_id").annotate(n=Count("id")).values_list("agency_id", "n")


def on_time_rate(*, on_time: int, late: int, overdue: int) -> int | None:
    """Tasks completed on time ÷ (completed on time + completed late + overdue), in %; None when nothing is judged yet."""
    judged = on_time + late + overdue
    return round(100 * on_time / judged) if judged else None


def status_counts_by_agency(assignments: QuerySet[Any], *, count: Any = None) -> dict[int, AgencyCounts]:
    """Per agency, its lead assignments counted by status (one grouped query); with ``owes`` annotated, also ``owing``.

    ``count``: how a row counts (by default one assignment; ``Sum("parts")`` on the kept counts).
    """
    owes = "owes" in assignments.query.annotations
    fields = ["agency_id", "status_code", "owes"] if owes else ["agency_id", "status_code"]
    return _agency_counts(assignments.order_by().values(*fields).annotate(n=count if count is not None else Count("id")))


def _agency_counts(groups: Iterable[dict]) -> dict[int, AgencyCounts]:
    """:func:`status_counts_by_agency` of grouped rows (``agency_id``, ``status_code``, ``n``, and ``owes`` if known)."""
    counts: dict[int, AgencyCounts] = {}
    for group in groups:
        row = counts.setdefault(group["agency_id"], AgencyCounts())
        row[group["status_code"]] += group["n"]
        if group.get("owes") and group["status_code"] in UNFINISHED:
            row.owing += group["n"]
    return counts


class Span(NamedTuple):
    """A period's data window as :func:`obligation` reads it, hashable (a key of ``core.compiled``)."""

    first_day: datetime.date
    last_day: datetime.date


def _spans(periods: Mapping[int, Window]) -> tuple[tuple[int, Span], ...]:
    return tuple(sorted((plan_id, Span(period.first_day, period.last_day)) for plan_id, period in periods.items()))


def lead_counts_by_agency(
    plan_ids: list[int], *, as_of: datetime.date, starts: Mapping[int, Window | datetime.date]
) -> dict[int, AgencyCounts]:
    """Per agency, its lead parts on these plans' tasks by status as of ``as_of``, and ``owing`` for each plan's period in
    ``starts``: :func:`status_counts_by_agency` of :func:`lead_assignments`, read from the kept counts
    (``tasks.models.LeadPartCount``, a few rows per agency and plan) with the same rules; equal to
    :func:`lead_counts_by_agency_recounted` on any day (``reports.tests.helpers.assert_kept_figures_true``).
    Its SQL is made once per input (``core.compiled``)."""
    spans = _spans(periods_of(starts))
    return _agency_counts(compiled_values(_lead_counts_kept, tuple(sorted(plan_ids)), as_of, year_window(as_of), spans))


def _lead_counts_kept(plan_ids: tuple[int, ...], as_of: datetime.date, window: tuple, spans: tuple) -> QuerySet:
    rows = LeadPartCount.objects.filter(plan_id__in=plan_ids).annotate(
        owes=Case(
            When(obligation(dict(spans), model=LeadPartCount, task=""), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        status_code=status_expression(as_of, window=window),
    )
    return rows.order_by().values("agency_id", "status_code", "owes").annotate(n=Sum("parts"))


def lead_counts_by_agency_recounted(
    plan_ids: list[int], *, as_of: datetime.date, starts: Mapping[int, Window | datetime.date]
) -> dict[int, AgencyCounts]:
    """:func:`lead_counts_by_agency` counted from every lead assignment and its task: the reference the kept counts must equal."""
    return status_counts_by_agency(lead_assignments(Q(task__plan_id__in=plan_ids), as_of=as_of, starts=starts))


def sent_owed_by_agency_kept(period_of_plan: dict[int, ReportingPeriod | None], *, as_of: datetime.date) -> dict[int, int]:
    """:func:`sent_owed_by_agency` read from the kept counts of sent lead reports (``reports.models.SentLeadCount``, a few
    rows per agency, plan and period) with the same rules; equal to it on any day (``assert_kept_figures_true``).
    Its SQL is made once per input (``core.compiled``)."""
    rows = {plan_id: row for plan_id, row in period_of_plan.items() if row is not None}
    if not rows:
        return {}
    due = tuple(sorted((plan_id, row.pk, Span(row.first_day, row.last_day)) for plan_id, row in rows.items()))
    sent: Counter = Counter()
    for group in compiled_values(_sent_kept, due, as_of, year_window(as_of)):
        if group["status_code"] in UNFINISHED:
            sent[group["agency_id"]] += group["n"]
    return dict(sent)


def _sent_kept(due: tuple, as_of: datetime.date, window: tuple) -> QuerySet:
    due_rows = Q(pk__in=[])
    for plan_id, period_id, _span in due:
        due_rows |= Q(period_id=period_id, plan_id=plan_id)
    kept = (
        SentLeadCount.objects.filter(due_rows)
        .filter(obligation({plan_id: span for plan_id, _period_id, span in due}, model=SentLeadCount, task=""))
        .annotate(status_code=status_expression(as_of, window=window))
        .order_by()
    )
    return kept.values("agency_id", "status_code").annotate(n=Sum("reports"))
