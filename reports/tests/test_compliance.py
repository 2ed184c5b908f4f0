"""Reporting obligations: one rule for who owes which report, used by the dashboard, reminders and summaries."""

import datetime
import random

import pytest

from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory, UserFactory
from reports import compliance
from reports.dashboard import dashboard
from reports.models import Report
from reports.periods import main_kind, period_due, periods_between
from reports.reminders import missing_reports_by_agency
from reports.services import report_save, report_transition, reporting_period_get_or_create, task_progress_refresh
from reports.services.drafts import period_refusal
from reports.summaries.snapshot import summary_snapshot, task_rows
from tasks.choices import AssignmentRole, Recurrence
from tasks.models import Task
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 22)


def _staff(roles, agency):
    officer, head = UserFactory(agency=agency), UserFactory(agency=agency)
    officer.groups.set([roles["officer"]])
    head.groups.set([roles["head"]])
    return officer, head


@pytest.fixture
def province(roles, coordinator):
    """Twelve tasks of three agencies (some with two leads), each agency having sent some of this period's reports."""
    rng = random.Random(16)
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year", "year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    agencies = [AgencyFactory() for _ in range(3)]
    staff = {agency.pk: _staff(roles, agency) for agency in agencies}
    period = period_due(TODAY, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day)
    row = reporting_period_get_or_create(period=period)
    for n in range(12):
        task = TaskFactory(
            plan=plan,
            section=section,
            number=str(n + 1),
            start_date=D(2018, 1, 1),
            due_date=[D(2018, 12, 31), D(2099, 12, 31), None][n % 3],
            recurrence=Recurrence.ONGOING if n % 3 == 2 else Recurrence.NONE,
        )
        leads = rng.sample(agencies, 2 if n % 4 == 0 else 1)
        for agency in leads:
            TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
            officer, head = staff[agency.pk]
            choice = rng.choice(["none", "draft", "pending", "sent", "accepted"])
            if choice == "none":
                continue
            report = report_save(
                task=task,
                agency=agency,
                period=row,
                by=officer,
                data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai"},
                version=None,
            )
            if choice in {"pending", "sent", "accepted"}:
                report = report_transition(report=report, action="send_for_approval", by=officer, notify=False)
            if choice in {"sent", "accepted"}:
                report = report_transition(report=report, action="submit", by=head, notify=False)
            if choice == "accepted":
                report_transition(report=report, action="accept", by=coordinator, notify=False)
    # Some tasks were completed in 2018: recorded after their reports of today's period were filed (a
    # completed task is not reported for later periods any more), so the sums still meet every state.
    # Saved one by one (not ``update()``): the dashboard's kept counts follow every save (tasks.kept).
    for task in Task.objects.filter(plan=plan, number__in=[str(n + 1) for n in range(12) if n % 5 == 0]):
        task.completed_on = D(2018, 12, 1)
        task.save(update_fields=["completed_on"])
    return plan, row, agencies


def test_the_dashboards_sums_and_the_per_assignment_probe_give_the_same_missing_reports(province):
    plan, row, agencies = province
    missing = compliance.missing_by_agency({plan.pk: row.pk}, as_of=TODAY)
    board = {r["agency_id"]: r["missing"] for r in dashboard(today=TODAY).agencies}
    assert {a: n for a, n in board.items() if n} == missing
    assert sum(missing.values()) > 0


def test_the_reminders_remind_exactly_the_missing_reports(province):
    plan, row, _agencies = province
    assert missing_reports_by_agency(plan=plan, period=row.as_period(), today=TODAY) == compliance.missing_by_agency(
        {plan.pk: row.pk}, as_of=TODAY
    )


def test_the_summary_lists_exactly_the_missing_reports_at_the_cut_off(province):
    plan, row, _agencies = province
    period = row.as_period(plan.report_deadline_day)
    snapshot = summary_snapshot(plan=plan, period=period)
    expected = compliance.missing_by_agency({plan.pk: row.pk}, as_of=period.last_day)
    assert snapshot["reports"]["missing"] == sum(expected.values())
    assert {a["name"]: a["missing"] for a in snapshot["agencies"] if a["missing"]} == {
        a.name: expected[a.pk] for a in agencies_named(expected)
    }


def agencies_named(counts):
    from plans.models import Agency

    return Agency.objects.filter(pk__in=counts)


def test_drafts_and_reports_awaiting_the_head_are_not_sent(province):
    plan, row, _agencies = province
    owed = compliance.owed({plan.pk: row.pk}, as_of=TODAY)
    sent = {(a.task_id, a.agency_id) for a in owed if a.sent}
    states = set(Report.objects.filter(period=row).values_list("state", flat=True))
    assert sent == {(r.task_id, r.agency_id) for r in Report.objects.filter(period=row, state__in=compliance.SENT)} & {
        (a.task_id, a.agency_id) for a in owed
    }
    assert {"draft", "pending", "submitted", "accepted"} <= states  # the fixture made reports in every state


def test_the_on_time_rate_judges_completed_and_overdue_tasks_only():
    assert compliance.on_time_rate(on_time=3, late=1, overdue=0) == 75
    assert compliance.on_time_rate(on_time=0, late=0, overdue=0) is None


def test_the_summarys_progress_agrees_with_the_stored_one(province, roles, coordinator):
    """``task_rows`` (summaries, at a cut-off) and ``task_progress_refresh`` (workflow, today) read one rule, ``reports.progress``."""
    plan, _row, agencies = province
    rng = random.Random(9)
    staff = {agency.pk: _staff(roles, agency) for agency in agencies}
    for period in periods_between("half_year", D(2018, 1, 1), D(2019, 12, 31)):
        row = reporting_period_get_or_create(period=period)
        for task in plan.tasks.prefetch_related("assignments"):
            for assignment in task.assignments.all():
                if rng.random() < 0.4 or period_refusal(task=task, period=period, held=None):
                    continue  # (a task completed earlier is not reported again)
                officer, head = staff[assignment.agency_id]
                done = rng.random() < 0.2
                data = {
                    "progress": 100 if done else rng.randint(0, 95),
                    "work_state": "completed" if done else "in_progress",
                    "results": "Đã triển khai",
                }
                if done:
                    data["completed_on"] = period.last_day
                report = report_save(task=task, agency=assignment.agency, period=row, by=officer, data=data, version=None)
                report = report_transition(report=report, action="submit", by=head, notify=False)
                report_transition(report=report, action="accept", by=coordinator, notify=False)
    for task in plan.tasks.all():
        task_progress_refresh(task=task)
    in_python = dict(plan.tasks.values_list("pk", "progress"))
    # As of a day after every period's cut-off, both read the same reports.
    in_sql = {t.id: round(t.progress) for t in task_rows(plan, D(2098, 12, 31))}
    completed = set(plan.tasks.filter(completed_on__isnull=False).values_list("pk", flat=True))
    assert {pk: p for pk, p in in_sql.items() if pk not in completed} == {pk: p for pk, p in in_python.items() if pk not in completed}
    assert all(in_sql[pk] == 100 for pk in completed)


def test_a_report_sent_as_cooperator_by_an_agency_made_a_lead_since_counts_as_sent_everywhere(world, agency_a, agency_b, officer_b, head_b):
    """B cooperated on the task and sent its report for the period; then B was made a lead too. The chase list and the
    reminders (``compliance.missing``) count the report sent; the dashboard counted only reports sent as lead, so it
    said B still owed one it can never send (one report per task, agency and period)."""
    from django.utils import timezone

    from reports.periods import parse_period_code
    from reports.tests.helpers import assert_kept_figures_true
    from tasks.services import task_assignments_set

    today = timezone.localdate()
    row = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    data = {"progress": 50, "work_state": "in_progress", "results": "Đã phối hợp"}
    report = report_save(task=world.task, agency=agency_b, period=row, by=officer_b, data=data, version=None)
    report_transition(report=report, action="submit", by=head_b, notify=False)
    task_assignments_set(task=world.task, leads=[agency_a, agency_b])
    missing = compliance.missing_by_agency({world.plan.pk: row.pk}, as_of=today)
    board = {r["agency_id"]: r["missing"] for r in dashboard(today=today).agencies}
    assert {a: n for a, n in board.items() if n} == missing
    assert_kept_figures_true()
