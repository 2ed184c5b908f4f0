"""Stored figures of the dashboard, each kept true in the transaction of the change that moves it.

Trend points: per plan and period, the accepted lead reports' count and progress sum.

The dashboard's trend would otherwise average every accepted report on each request. A point is
written in the same transaction that accepts a report (``trend_point_refresh``), so a stored point
is never older than the data it sums; points not stored yet are computed when first read and kept
(``trend_progress``); the daily upkeep rebuilds all of them (``trend_points_rebuild``) so that
data loaded in bulk outside the workflow is counted too.

Late-report counts: per plan and agency, the reports sent late (``compliance.late_reports``, the
rule). A workflow step recounts its own (plan, agency) (``late_count_refresh``); a plan's counts
not stored yet are computed when first read and kept, marked by the plan's row without an agency
(``late_counts``); the upkeep rebuilds them (``late_counts_rebuild``). A task given another plan (the admin's form)
takes its reports' points and counts with it, in its transaction (``_task_saved``).

Sent lead reports: per agency, plan and period, the lead reports sent on parts it holds, grouped by the columns
the rules read (``SentLeadCount``): kept with the lead parts (``tasks.kept``, which calls
``sent_counts_refresh`` for the agencies it counts again) and by every workflow step that sends a report or
takes one back (``tasks.kept.agency_rows_moved``).
"""

from collections import Counter
from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_delete, post_init, post_save
from django.db.models.sql.subqueries import DeleteQuery

from core.compiled import compiled_statements
from core.locking import locked
from core.shared_figures import figures_changed
from tasks.choices import AssignmentRole
from tasks.kept import Keeper, agency_rows_moved, plan_left
from tasks.models import Task

from .choices import ReportState
from .compliance import SENT, late_reports
from .models import LateReportCount, Report, ReportingPeriod, SentLeadCount, TrendPoint
from .periods import Period


def _sums(*, plan_ids: Iterable[int], period_ids: Iterable[int]) -> dict[tuple[int, int], tuple[int, int]]:
    rows = (
        Report.objects.filter(
            state=ReportState.ACCEPTED, role=AssignmentRole.LEAD, task__plan_id__in=list(plan_ids), period_id__in=list(period_ids)
        )
        .order_by()
        .values("task__plan_id", "period_id")
        .annotate(n=Count("id"), total=Sum("progress"))
    )
    return {(row["task__plan_id"], row["period_id"]): (row["n"], row["total"]) for row in rows}


def _period_rows(periods: list[Period]) -> dict[tuple[int, int], int]:
    """The ids of the stored rows of these periods (all of one kind), made when missing."""
    existing = ReportingPeriod.objects.filter(kind=periods[0].kind, year__in={period.year for period in periods})
    rows = {(row.year, row.number): row.pk for row in existing}
    absent = [period for period in periods if (period.year, period.number) not in rows]
    if absent:
        ReportingPeriod.objects.bulk_create(
            [ReportingPeriod(kind=p.kind, year=p.year, number=p.number, first_day=p.first_day, last_day=p.last_day) for p in absent],
            ignore_conflicts=True,
        )
        rows = {(row.year, row.number): row.pk for row in existing.all()}
    return rows


def trend_point_refresh(*, plan_id: int, period_id: int) -> TrendPoint:
    """Recount one plan's accepted lead reports of one period; call it inside the writing transaction."""
    n, total = _sums(plan_ids=[plan_id], period_ids=[period_id]).get((plan_id, period_id), (0, 0))
    point, _created = TrendPoint.objects.update_or_create(
        plan_id=plan_id, period_id=period_id, defaults={"reports": n, "progress_sum": total}
    )
    return point


def trend_progress(
    *, plan_ids: list[int], periods: list[Period], points: list[tuple[int, int, int, int, int]] | None = None
) -> dict[tuple[int, int], int | None]:
    """Mean progress of the accepted lead reports of these plans, per (year, number) of ``periods``
    (all of one kind); None when a period has no accepted report.

    One query when every point is stored (none when ``points``, the stored rows (plan, year, number, reports,
    progress sum), were given); points not stored yet are computed and kept.
    """
    if not plan_ids or not periods:
        return {}
    wanted = {(period.year, period.number) for period in periods}
    if points is None:
        points = list(
            TrendPoint.objects.filter(plan_id__in=plan_ids, **_window(periods)).values_list(
                "plan_id", "period__year", "period__number", "reports", "progress_sum"
            )
        )
    stored = {(plan_id, year, number): (n, total) for plan_id, year, number, n, total in points}
    if len(stored) < len(plan_ids) * len(wanted):
        rows = _period_rows(periods)
        missing = [(plan_id, key) for plan_id in plan_ids for key in wanted if (plan_id, *key) not in stored]
        if missing:
            sums = _sums(plan_ids={p for p, _ in missing}, period_ids={rows[key] for _, key in missing})
            fresh = {(p, key): sums.get((p, rows[key]), (0, 0)) for p, key in missing}
            # A concurrent acceptance may have stored a point meanwhile: its row wins, ours is dropped.
            TrendPoint.objects.bulk_create(
                [TrendPoint(plan_id=p, period_id=rows[key], reports=n, progress_sum=s) for (p, key), (n, s) in fresh.items()],
                ignore_conflicts=True,
            )
            stored.update({(p, *key): value for (p, key), value in fresh.items()})
    result = {}
    for key in wanted:
        n = sum(stored.get((plan_id, *key), (0, 0))[0] for plan_id in plan_ids)
        total = sum(stored.get((plan_id, *key), (0, 0))[1] for plan_id in plan_ids)
        result[key] = round(total / n) if n else None
    return result


def _window(periods: list[Period]) -> dict:
    return {"period__kind": periods[0].kind, "period__last_day__gte": periods[0].last_day, "period__last_day__lte": periods[-1].last_day}


@transaction.atomic
def trend_points_rebuild() -> int:
    """Recount every stored point from the reports; returns how many points changed.

    The rows are locked first, so an acceptance either finished before the recount (and is
    counted) or waits for it (and then recounts its own point).
    """
    points = list(locked(TrendPoint.objects.all()))
    sums = _sums(plan_ids={p.plan_id for p in points}, period_ids={p.period_id for p in points}) if points else {}
    changed = []
    for point in points:
        n, total = sums.get((point.plan_id, point.period_id), (0, 0))
        if (point.reports, point.progress_sum) != (n, total):
            point.reports, point.progress_sum = n, total
            changed.append(point)
    TrendPoint.objects.bulk_update(changed, ["reports", "progress_sum"])
    if changed:
        figures_changed()
    return len(changed)


def late_sums(*, plan_ids: Iterable[int], agency_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """Late reports per (plan, agency), counted from the reports (one grouped query)."""
    tasks = Q(task__plan_id__in=list(plan_ids))
    if agency_ids is not None:
        tasks &= Q(agency_id__in=list(agency_ids))
    rows = late_reports(tasks).order_by().values("task__plan_id", "agency_id").annotate(n=Count("id"))
    return {(row["task__plan_id"], row["agency_id"]): row["n"] for row in rows}


def late_count_refresh(*, plan_id: int, agency_id: int) -> None:
    """Recount one agency's late reports on one plan; call it inside the writing transaction.

    The row is locked before counting, so two steps at once on the same (plan, agency) count one after the other.
    """
    row, _created = locked(LateReportCount.objects).get_or_create(plan_id=plan_id, agency_id=agency_id)
    n = late_sums(plan_ids=[plan_id], agency_ids=[agency_id]).get((plan_id, agency_id), 0)
    if row.reports != n:
        row.reports = n
        row.save(update_fields=["reports"])


def late_counts(*, plan_ids: list[int], rows: list[tuple[int, int | None, int]] | None = None) -> dict[int, int]:
    """Per agency, its late reports on these plans' tasks, from the stored counts (one query when all are stored;
    none when ``rows``, the stored (plan, agency, reports), are given).

    A plan whose counts are not stored yet is counted from the reports once, and kept.
    """
    if rows is None:
        rows = list(LateReportCount.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "agency_id", "reports"))
    stored = {plan_id for plan_id, agency_id, _n in rows if agency_id is None}
    result: Counter = Counter()
    for plan_id, agency_id, n in rows:
        if agency_id is not None and plan_id in stored:
            result[agency_id] += n
    absent = [plan_id for plan_id in plan_ids if plan_id not in stored]
    if absent:
        sums = late_sums(plan_ids=absent)
        # A workflow step may have stored a pair meanwhile: its row (as true as ours) wins.
        LateReportCount.objects.bulk_create(
            [LateReportCount(plan_id=p, agency_id=a, reports=n) for (p, a), n in sums.items()]
            + [LateReportCount(plan_id=p, agency_id=None) for p in absent],
            ignore_conflicts=True,
        )
        for (_plan_id, agency_id), n in sums.items():
            result[agency_id] += n
    return dict(result)


@transaction.atomic
def late_counts_rebuild() -> int:
    """Recount the late-report counts of every plan that has any stored, from the reports; returns how many rows changed."""
    rows = list(locked(LateReportCount.objects.all()))
    plan_ids = {row.plan_id for row in rows}
    sums = late_sums(plan_ids=plan_ids) if plan_ids else {}
    changed = []
    for row in rows:
        if row.agency_id is None:
            continue
        n = sums.pop((row.plan_id, row.agency_id), 0)
        if row.reports != n:
            row.reports = n
            changed.append(row)
    LateReportCount.objects.bulk_update(changed, ["reports"])
    LateReportCount.objects.bulk_create(
        [LateReportCount(plan_id=p, agency_id=a, reports=n) for (p, a), n in sums.items()]
        + [LateReportCount(plan_id=p, agency_id=None) for p in plan_ids],
        ignore_conflicts=True,
    )
    if changed or sums:
        figures_changed()
    return len(changed) + len(sums)


# The columns a kept row of sent reports is grouped by, as read from a report and its agency's lead part on the task.
SENT_COLUMNS = {
    "plan_id": "task__plan_id",
    "agency_id": "agency_id",
    "period_id": "period_id",
    "via_group_id": "task__assignments__via_group_id",
    "recurrence": "task__recurrence",
    "effective_due_date": "task__effective_due_date",
    "completed_on": "task__completed_on",
    "start_date": "task__start_date",
    "inherited_on": "task__assignments__inherited_on",
}


def _sent_counted(agencies: list[int] | None, *, period_id: int | None = None):
    """Reports sent on lead parts, each with its agency's lead part on the task (one per task and agency), grouped. The
    part decides, not the role the report was written in: an agency made a lead after sending its report as a
    cooperator has sent its one report of the period (``compliance.missing``, the chase list, the reminders)."""
    reports = Report.objects.filter(
        state__in=SENT, task__assignments__agency_id=F("agency_id"), task__assignments__role=AssignmentRole.LEAD
    )
    if agencies is not None:
        reports = reports.filter(agency_id__in=agencies)
    if period_id is not None:
        reports = reports.filter(period_id=period_id)
    return reports.order_by().values(*SENT_COLUMNS.values()).annotate(n=Count("id"))


def sent_counts_refresh(agencies: list[int] | None, *, period_id: int | None = None) -> None:
    """Count these agencies' kept sent reports again (every agency's: None; only one period's: ``period_id``); called
    by ``tasks.kept.lead_parts_refresh`` and :func:`sent_counts_moved`, inside their transaction and under its lock.

    The rows go and the recount goes in by the database alone (``INSERT … SELECT``), in one round trip on PostgreSQL:
    a deadline day's every sending counts its agency's period again, by statements made once (``core.compiled``)."""
    if agencies == []:
        return
    if agencies is not None and len(agencies) == 1 and period_id is not None:
        statements = compiled_statements(_sent_recount, agency=agencies[0], period=period_id)
    else:
        statements = _sent_recount(agencies, period_id)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _sent_recount(agencies: list[int] | None = None, period: int | None = None, *, agency: int | None = None) -> list[tuple[str, list]]:
    """The statements of :func:`sent_counts_refresh` (``agency``: of one agency, as ``[agency]``): one on PostgreSQL."""
    agencies = [agency] if agency is not None else agencies
    kept = SentLeadCount.objects.all() if agencies is None else SentLeadCount.objects.filter(agency_id__in=agencies)
    if period is not None:
        kept = kept.filter(period_id=period)
    delete_sql, delete_params = kept.query.chain(DeleteQuery).get_compiler(connection=connection).as_sql()
    counting = _sent_counted(agencies, period_id=period).query.get_compiler(connection=connection)
    counted_sql, counted_params = counting.as_sql()
    field_of = {path: name for name, path in SENT_COLUMNS.items()} | {"n": "reports"}  # each selected column's, in its order
    columns = ", ".join(
        connection.ops.quote_name(SentLeadCount._meta.get_field(field_of[alias]).column) for _expression, _sql, alias in counting.select
    )
    insert_sql = f"INSERT INTO {connection.ops.quote_name(SentLeadCount._meta.db_table)} ({columns}) {counted_sql}"
    if connection.vendor == "postgresql":
        return [(f"{delete_sql}; {insert_sql}", [*delete_params, *counted_params])]
    return [(delete_sql, list(delete_params)), (insert_sql, list(counted_params))]


def sent_counts_moved(*, agency_id: int, period_id: int) -> None:
    """A lead report of this agency and period started or stopped counting as sent (a deadline day's every step): that
    period's kept rows of the agency are counted again, in the writing transaction under the agency's lock (within a
    batch of writes, at its end: ``tasks.kept.agency_rows_moved``); its lead parts did not move."""
    agency_rows_moved(agency_id, ("sent", period_id), partial(sent_counts_refresh, [agency_id], period_id=period_id))


def sent_counts_drift() -> dict[tuple, tuple[int, int]]:
    """The kept sent-report counts that differ from the recount: {("sent", plan, agency, period, …): (kept, recounted)}."""
    kept: Counter = Counter()
    for row in SentLeadCount.objects.values(*SENT_COLUMNS, "reports"):
        kept[("sent", *(row[name] for name in SENT_COLUMNS))] += row["reports"]
    counted = Counter({("sent", *(row[path] for path in SENT_COLUMNS.values())): row["n"] for row in _sent_counted(None)})
    return {key: (kept[key], counted[key]) for key in set(kept) | set(counted) if kept[key] != counted[key]}


SENT_KEEPER = Keeper(refresh=sent_counts_refresh, drift=sent_counts_drift)


# Every save or delete of a report that starts or stops counting as sent, the workflow's steps, the admin's forms and
# reports written already sent (fixtures, loaders) alike: the kept sent-report counts move with it, in its transaction.


def _report_loaded(sender, *, instance: Report, **kwargs) -> None:
    if "state" in instance.__dict__:  # never load a deferred field here
        instance._kept_sent = instance.state in SENT  # type: ignore[attr-defined]


def _report_saved(sender, *, instance: Report, created: bool, **kwargs) -> None:
    sent = instance.state in SENT
    before = False if created else getattr(instance, "_kept_sent", sent)
    instance._kept_sent = sent  # type: ignore[attr-defined]
    if sent != before:
        sent_counts_moved(agency_id=instance.agency_id, period_id=instance.period_id)


def _report_deleted(sender, *, instance: Report, **kwargs) -> None:
    if instance.state in SENT:
        sent_counts_moved(agency_id=instance.agency_id, period_id=instance.period_id)


def _task_saved(sender, *, instance: Task, created: bool, **kwargs) -> None:
    """A task given another plan (the admin's form) takes its reports' trend points and late-report counts with it: both
    plans' are counted again, in its transaction."""
    left = None if created else plan_left(instance)
    if left is None:
        return
    accepted = Report.objects.filter(task=instance, state=ReportState.ACCEPTED, role=AssignmentRole.LEAD)
    periods = set(accepted.values_list("period_id", flat=True))
    agencies = set(late_reports(Q(task=instance)).values_list("agency_id", flat=True))
    for plan_id in sorted({left, instance.plan_id}):
        for period_id in sorted(periods):
            trend_point_refresh(plan_id=plan_id, period_id=period_id)
        for agency_id in sorted(agencies):
            late_count_refresh(plan_id=plan_id, agency_id=agency_id)


def report_signals_connect() -> None:
    """From ``ReportsConfig.ready``."""
    post_save.connect(_task_saved, sender=Task, dispatch_uid="stored_figures_task_moved")
    post_init.connect(_report_loaded, sender=Report, dispatch_uid="kept_sent_report_loaded")
    post_save.connect(_report_saved, sender=Report, dispatch_uid="kept_sent_report_saved")
    post_delete.connect(_report_deleted, sender=Report, dispatch_uid="kept_sent_report_deleted")
