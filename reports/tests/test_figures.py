"""Trend points stay true: written with each acceptance, computed when missing, rebuilt by the upkeep."""

import datetime

import pytest

from plans.choices import PeriodKind
from reports.dashboard import dashboard
from reports.figures import trend_points_rebuild, trend_progress
from reports.models import Report, TrendPoint
from reports.periods import period_of
from reports.services import reporting_period_get_or_create
from reports.tests.helpers import report_accept

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def accept(world, task, agency, period, progress, officer, head, coordinator):
    return report_accept(task=task, agency=agency, period=period, progress=progress, officer=officer, head=head, coordinator=coordinator)


def test_accepting_a_report_updates_the_trend_already_shown(
    world, agency_a, agency_b, officer_a, head_a, officer_b, head_b, coordinator, django_capture_on_commit_callbacks
):
    period = reporting_period_get_or_create(period=period_of(PeriodKind.HALF_YEAR, 2025, 2))
    accept(world, world.task, agency_a, period, 40, officer_a, head_a, coordinator)
    first = {point["period"].code: point["progress"] for point in dashboard(today=TODAY).trend}
    assert first["2025-H2"] == 40
    assert TrendPoint.objects.get(plan=world.plan, period=period).reports == 1

    with django_capture_on_commit_callbacks(execute=True):  # the cached dashboard is cleared when the step commits
        accept(world, world.other_task, agency_b, period, 80, officer_b, head_b, coordinator)
    again = {point["period"].code: point["progress"] for point in dashboard(today=TODAY).trend}
    assert again["2025-H2"] == 60  # (40 + 80) / 2, not the point stored before


def test_points_missing_are_computed_once_and_kept(world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=period_of(PeriodKind.HALF_YEAR, 2025, 1))
    accept(world, world.task, agency_a, period, 30, officer_a, head_a, coordinator)
    TrendPoint.objects.all().delete()
    periods = [period_of(PeriodKind.HALF_YEAR, 2024, 2), period_of(PeriodKind.HALF_YEAR, 2025, 1)]
    assert trend_progress(plan_ids=[world.plan.pk], periods=periods) == {(2024, 2): None, (2025, 1): 30}
    assert TrendPoint.objects.filter(plan=world.plan).count() == 2  # the empty period is kept too


def test_the_upkeep_rebuild_counts_reports_written_outside_the_workflow(world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=period_of(PeriodKind.HALF_YEAR, 2025, 2))
    accept(world, world.task, agency_a, period, 40, officer_a, head_a, coordinator)
    Report.objects.filter(task=world.task).update(progress=90)  # a bulk correction by a database script
    assert trend_points_rebuild() == 1
    point = TrendPoint.objects.get(plan=world.plan, period=period)
    assert (point.reports, point.progress_sum) == (1, 90)
    assert trend_points_rebuild() == 0  # nothing left to change


def test_a_task_moved_to_another_plan_takes_its_reports_trend_and_late_counts_with_it(
    world, agency_a, officer_a, head_a, coordinator, django_capture_on_commit_callbacks
):
    """The admin's form may give a task another plan: the stored trend points and late-report counts of both plans
    follow its reports at once, as the kept counts do (``tasks.kept``), not at the next upkeep."""
    from django.utils import timezone

    from plans.tests.factories import PlanFactory
    from reports.figures import late_counts_rebuild

    other = PlanFactory(symbol="125/KH-SKHCN", starts_on=datetime.date(2017, 8, 23), reporting_kinds=["half_year", "year"])
    period = reporting_period_get_or_create(period=period_of(PeriodKind.HALF_YEAR, 2025, 2))
    late = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))  # weeks after the period's sending deadline
    report = report_accept(
        task=world.task, agency=agency_a, period=period, progress=40, officer=officer_a, head=head_a, coordinator=coordinator, at=late
    )
    assert Report.objects.get(pk=report.pk).is_late
    before = dashboard(today=TODAY)  # stores both plans' late counts and trend points
    assert {row["agency_id"]: row["late_reports"] for row in before.agencies}[agency_a.pk] == 1
    task = world.task
    task.plan, task.section = other, None
    with django_capture_on_commit_callbacks(execute=True):
        task.save()
    assert trend_points_rebuild() == 0
    assert late_counts_rebuild() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_stored_figures_are_rebuilt_by_a_job_outside_any_transaction():
    """The rebuilds lock the stored rows (FOR UPDATE) and run from jobs and the benchmarks' morning, outside any
    transaction: each opens its own. A rebuild that lost its transaction failed on PostgreSQL ("select_for_update cannot
    be used outside of a transaction"); SQLite, which locks nothing row by row, never said so."""
    from reports.figures import late_counts_rebuild, trend_points_rebuild

    assert trend_points_rebuild() == 0
    assert late_counts_rebuild() == 0
