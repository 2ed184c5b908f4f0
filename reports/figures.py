"""Trend points: per plan and period, the accepted lead reports' count and progress sum.

The dashboard's trend would otherwise average every accepted report on each request. A point is
written in the same transaction that accepts a report (``trend_point_refresh``), so a stored point
is never older than the data it sums; points not stored yet are computed when first read and kept
(``trend_progress``); the daily upkeep rebuilds all of them (``trend_points_rebuild``) so that
data loaded in bulk outside the workflow is counted too.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Sum

from tasks.choices import AssignmentRole

from .choices import ReportState
from .models import Report, ReportingPeriod, TrendPoint
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


def trend_progress(*, plan_ids: list[int], periods: list[Period]) -> dict[tuple[int, int], int | None]:
    """Mean progress of the accepted lead reports of these plans, per (year, number) of ``periods``
    (all of one kind); None when a period has no accepted report.

    One query when every point is stored; points not stored yet are computed and kept.
    """
    if not plan_ids or not periods:
        return {}
    kind, wanted = periods[0].kind, {(period.year, period.number) for period in periods}
    window = {"period__kind": kind, "period__last_day__gte": periods[0].last_day, "period__last_day__lte": periods[-1].last_day}
    points = list(TrendPoint.objects.filter(plan_id__in=plan_ids, **window).select_related("period"))
    stored = {(point.plan_id, point.period.year, point.period.number): (point.reports, point.progress_sum) for point in points}
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


@transaction.atomic
def trend_points_rebuild() -> int:
    """Recount every stored point from the reports; returns how many points changed.

    The rows are locked first, so an acceptance either finished before the recount (and is
    counted) or waits for it (and then recounts its own point).
    """
    points = list(TrendPoint.objects.select_for_update())
    sums = _sums(plan_ids={p.plan_id for p in points}, period_ids={p.period_id for p in points}) if points else {}
    changed = []
    for point in points:
        n, total = sums.get((point.plan_id, point.period_id), (0, 0))
        if (point.reports, point.progress_sum) != (n, total):
            point.reports, point.progress_sum = n, total
            changed.append(point)
    TrendPoint.objects.bulk_update(changed, ["reports", "progress_sum"])
    return len(changed)
