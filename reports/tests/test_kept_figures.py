"""The kept counts of lead parts (``tasks.kept``) equal the recount after changes the workflow tests do not make:
forms that move a part to another agency or a task to another plan, deletions, the calendar, group memberships, a
date passing, and rows written behind the services' back (which the upkeep finds and rebuilds).

The workflow steps, reorganisations (apply, undo), reassignments, extensions and imports are driven by
``test_dashboard_figures`` and the random histories of ``test_invariants``, which check the same equality.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from plans.models import AgencyGroup, AgencyMembership, CalendarDay
from plans.tests.factories import AgencyFactory, PlanFactory
from plans.workdays import calendar_edit_done
from reports.compliance import lead_counts_by_agency, lead_counts_by_agency_recounted
from reports.dashboard import dashboard
from reports.periods import parse_period_code
from reports.tests.helpers import assert_kept_figures_true
from reports.upkeep import upkeep_run
from tasks.choices import AssignmentRole, Recurrence
from tasks.kept import lead_parts_batch, lead_parts_drift
from tasks.models import LeadPartCount, Task, TaskAssignment
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAYS = (D(2018, 12, 31), D(2026, 11, 22), D(2031, 1, 2))


def test_a_new_task_and_its_lead_are_counted(world, agency_b):
    task = TaskFactory(plan=world.plan, number="3", start_date=D(2020, 1, 1), due_date=D(2025, 6, 30))
    TaskAssignmentFactory(task=task, agency=agency_b, role=AssignmentRole.LEAD)
    assert LeadPartCount.objects.filter(agency=agency_b, effective_due_date=D(2025, 6, 30)).get().parts == 1
    assert_kept_figures_true(days=DAYS)


def test_a_part_moved_to_another_agency_by_a_form_moves_both_agencies_counts(world, agency_a, agency_b):
    part = TaskAssignment.objects.get(task=world.task, role=AssignmentRole.LEAD)
    TaskAssignment.objects.filter(task=world.task, agency=agency_b).delete()
    part.agency = agency_b
    part.save()  # the whole row, as the admin's form saves it
    assert not LeadPartCount.objects.filter(agency=agency_a).exists()
    assert_kept_figures_true(days=DAYS)


def test_a_part_turned_cooperating_and_a_deleted_task_leave_the_counts(world, agency_a, agency_b):
    part = TaskAssignment.objects.get(task=world.task, role=AssignmentRole.LEAD)
    part.role = AssignmentRole.COOPERATING
    part.save(update_fields=["role"])
    assert not LeadPartCount.objects.filter(agency=agency_a).exists()
    Task.objects.filter(pk=world.other_task.pk).delete()
    assert not LeadPartCount.objects.exists()
    assert_kept_figures_true(days=DAYS)


def test_a_task_moved_to_another_plan_and_redated_moves_its_counts(world, agency_b):
    other_plan = PlanFactory(starts_on=D(2021, 1, 1), reporting_kinds=["half_year"])
    task = world.other_task
    task.plan, task.section, task.due_date, task.start_date = other_plan, None, D(2022, 3, 31), D(2021, 6, 1)
    task.save()
    assert LeadPartCount.objects.get(agency=agency_b).plan_id == other_plan.pk
    assert_kept_figures_true(days=DAYS)


def test_a_day_off_announced_rejudges_the_kept_due_dates(world, agency_a):
    task = world.task
    task.due_date = D(2026, 11, 26)  # a Thursday
    task.save()
    CalendarDay.objects.create(day=D(2026, 11, 26), kind="day_off", name="Nghỉ bù")
    calendar_edit_done()
    assert LeadPartCount.objects.get(agency=agency_a).effective_due_date == D(2026, 11, 27)
    assert_kept_figures_true(days=(D(2026, 11, 26), D(2026, 11, 27), D(2026, 11, 30)))


def test_the_counts_follow_the_day_without_any_write(world, agency_a):
    task = world.task
    task.due_date = D(2026, 11, 26)
    task.save()
    plan_ids, starts = [world.plan.pk], {world.plan.pk: parse_period_code("2026-H1")}
    before = lead_counts_by_agency(plan_ids, as_of=D(2026, 11, 26), starts=starts)[agency_a.pk]
    after = lead_counts_by_agency(plan_ids, as_of=D(2026, 11, 27), starts=starts)[agency_a.pk]
    assert (before["in_progress"], before["overdue"], after["in_progress"], after["overdue"]) == (1, 0, 0, 1)
    assert dashboard(today=D(2026, 11, 27)).totals["overdue"] == 1


def test_an_agency_that_left_the_group_it_was_assigned_through_owes_nothing_after(world, agency_a):
    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    membership = AgencyMembership.objects.create(group=group, agency=agency_a)
    part = TaskAssignment.objects.get(task=world.task, role=AssignmentRole.LEAD)
    part.via_group = group
    part.save(update_fields=["via_group"])
    membership.member_to = D(2026, 3, 1)
    membership.save()  # read with the kept rows, never copied into them
    plan_ids = [world.plan.pk]
    for code, owing in (("2025-H2", 1), ("2026-H1", 0)):
        starts = {world.plan.pk: parse_period_code(code)}
        kept = lead_counts_by_agency(plan_ids, as_of=D(2026, 11, 22), starts=starts)[agency_a.pk]
        assert kept.owing == lead_counts_by_agency_recounted(plan_ids, as_of=D(2026, 11, 22), starts=starts)[agency_a.pk].owing == owing
    assert_kept_figures_true(days=DAYS)


def test_many_writes_in_a_batch_count_each_agency_once_at_the_end(world):
    others = [AgencyFactory() for _ in range(3)]
    tasks = [TaskFactory(plan=world.plan, number=str(10 + n)) for n in range(6)]
    with lead_parts_batch():
        for n, task in enumerate(tasks):
            TaskAssignment.objects.create(task=task, agency=others[n % 3], role=AssignmentRole.LEAD)
        assert not LeadPartCount.objects.filter(agency__in=others).exists()  # not yet: once, at the end
    assert sum(LeadPartCount.objects.filter(agency__in=others).values_list("parts", flat=True)) == 6
    assert_kept_figures_true(days=DAYS)


def test_rows_written_behind_the_services_back_are_found_and_rebuilt(world, agency_a):
    Task.objects.filter(pk=world.task.pk).update(start_date=D(2024, 5, 2))  # a script, no signal
    assert lead_parts_drift()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("kept_figures", "--check", stdout=out)
    assert len(out.getvalue().splitlines()) == 2  # each count that differs: the row kept, the row recounted
    assert upkeep_run(today=D(2026, 11, 22))["lead_part_counts"] == 2  # the row kept and the row recounted
    assert_kept_figures_true(days=DAYS)
    call_command("kept_figures", "--check", stdout=io.StringIO())
    call_command("kept_figures", stdout=io.StringIO())
    assert LeadPartCount.objects.get(agency=agency_a).start_date == D(2024, 5, 2)


def test_a_day_off_at_the_year_s_end_rejudges_a_yearly_task_on_the_same_day(world, agency_a):
    """The yearly window is part of the kept statements' input (``core.compiled``): a new day off re-judges at once."""
    task = world.task
    task.recurrence, task.due_date, task.completed_on = Recurrence.YEARLY, None, D(2027, 1, 2)
    task.save()
    plan_ids, starts, day = [world.plan.pk], {world.plan.pk: parse_period_code("2026-H2")}, D(2027, 1, 4)
    before = lead_counts_by_agency(plan_ids, as_of=day, starts=starts)[agency_a.pk]
    # 31/12/2026 off: last year's due date moves past New Year and the weekend to 04/01/2027, so a completion on
    # 02/01/2027 was last year's work and this year's is still to do.
    CalendarDay.objects.create(day=D(2026, 12, 31), kind="day_off", name="Nghỉ bù")
    calendar_edit_done()
    after = lead_counts_by_agency(plan_ids, as_of=day, starts=starts)[agency_a.pk]
    assert (before["done_on_time"], before["in_progress"], after["done_on_time"], after["in_progress"]) == (1, 0, 0, 1)
    assert dashboard(today=day).plans[0].counts["in_progress"] >= 1
    assert_kept_figures_true(days=(day,))


def test_a_report_sent_recounts_its_period_s_sent_rows_only(world, agency_a):
    """On a deadline day every step sends a report: it moves the kept sent rows of its agency and period, not the
    agency's lead parts nor its other periods' rows (their rows stay as they were, ids and all)."""
    from reports.models import SentLeadCount
    from reports.tests.factories import ReportFactory, ReportingPeriodFactory

    earlier, due = ReportingPeriodFactory(year=2025, number=2), ReportingPeriodFactory(year=2026, number=1)
    ReportFactory(task=world.task, agency=agency_a, period=earlier, role=AssignmentRole.LEAD, state="submitted")
    parts = set(LeadPartCount.objects.values_list("pk", flat=True))
    kept_earlier = set(SentLeadCount.objects.filter(period=earlier).values_list("pk", "reports"))
    report = ReportFactory(task=world.task, agency=agency_a, period=due, role=AssignmentRole.LEAD, state="draft")
    assert not SentLeadCount.objects.filter(period=due).exists()
    report.state = "submitted"
    report.save()
    assert SentLeadCount.objects.get(period=due).reports == 1
    assert set(LeadPartCount.objects.values_list("pk", flat=True)) == parts
    assert [n for _pk, n in kept_earlier] == [1]
    assert set(SentLeadCount.objects.filter(period=earlier).values_list("pk", "reports")) == kept_earlier
    assert_kept_figures_true(days=DAYS)
    report.state = "returned"  # sent back for a fix: no longer counts as sent
    report.save()
    assert not SentLeadCount.objects.filter(period=due).exists()
    assert_kept_figures_true(days=DAYS)


def test_a_task_saved_by_a_process_still_on_the_calendar_before_an_edit_is_judged_again_by_the_upkeep(world, agency_a):
    """Each process reads the table of announced days once a minute (``plans.workdays``): a task another process saved
    in that minute keeps a due date judged by the old calendar, until the daily upkeep judges every date again."""
    from plans.workdays import calendar_changed, calendar_use, current_calendar

    before = current_calendar()
    CalendarDay.objects.create(day=D(2026, 11, 26), kind="day_off", name="Nghỉ bù")
    calendar_edit_done()
    calendar_use(before)  # the other process: its calendar was read before the edit
    task = world.task
    task.due_date = D(2026, 11, 26)  # a Thursday, now a day off
    task.save()
    calendar_changed()  # a minute later it reads the table again
    assert Task.objects.get(pk=task.pk).effective_due_date == D(2026, 11, 26)
    upkeep_run(today=D(2026, 11, 22))
    assert Task.objects.get(pk=task.pk).effective_due_date == D(2026, 11, 27)
    assert_kept_figures_true(days=(D(2026, 11, 26), D(2026, 11, 27), D(2026, 11, 30)))


def test_a_head_s_sending_in_the_workflow_recounts_the_period_s_sent_rows_only(world, agency_a, officer_a, head_a):
    """The workflow's steps write in a batch (plans before agencies, ``lead_parts_batch``): the sending still counts one
    period's sent rows of the agency again, not its lead parts."""
    from reports.choices import WorkflowAction
    from reports.models import SentLeadCount
    from reports.services.drafts import report_save
    from reports.services.steps import report_transition
    from reports.tests.factories import ReportingPeriodFactory

    period = ReportingPeriodFactory(kind="half_year", year=2026, number=1)
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"},
        version=None,
    )
    report_transition(report=report, action=WorkflowAction.SEND_FOR_APPROVAL, by=officer_a, notify=False)
    parts = set(LeadPartCount.objects.values_list("pk", flat=True))
    report_transition(report=report, action=WorkflowAction.SUBMIT, by=head_a, notify=False)
    assert SentLeadCount.objects.get(agency=agency_a, period=period).reports == 1
    assert set(LeadPartCount.objects.values_list("pk", flat=True)) == parts
    assert_kept_figures_true(days=DAYS)
