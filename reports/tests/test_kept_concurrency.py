"""Two writers at once on PostgreSQL keep the kept counts true and never deadlock on their locks (``tasks.kept``:
plans' locks before agencies', every writer in the same order)."""

import datetime
import threading

import pytest

from reports.choices import ReportState
from reports.models import Report
from reports.periods import period_due
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.withdrawal import report_withdraw
from reports.tests.helpers import assert_kept_figures_true, report_accept, run_at_once
from tasks.choices import AssignmentRole
from tasks.models import TaskAssignment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WAIT = 10  # seconds a step waits for the other thread before the test gives up


def test_withdrawing_one_agencys_report_while_another_agencys_is_accepted_on_the_same_task_does_not_deadlock(
    world, officer_a, head_a, officer_b, head_b, coordinator, sysadmin, monkeypatch
):
    """Both agencies lead the task: the withdrawal saves the report first (its agency's counts), the acceptance
    saves the task first (its plan's counts, then both agencies')."""
    world.plan.coordinator = coordinator.agency
    world.plan.save()
    part = TaskAssignment.objects.get(task=world.task, agency=officer_b.agency)
    part.role = AssignmentRole.LEAD
    part.save(update_fields=["role"])
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    accepted = report_accept(task=world.task, agency=officer_a.agency, period=row, officer=officer_a, head=head_a, coordinator=coordinator)
    sent = report_save(
        task=world.task,
        agency=officer_b.agency,
        period=row,
        by=officer_b,
        data={"progress": 60, "work_state": "in_progress", "results": "Đã làm"},
        version=None,
    )
    report_transition(report=sent, action="submit", by=head_b, notify=False)

    # The withdrawal holds its agency's lock when the acceptance has taken the plan's: then each wants the other's.
    plan_taken, withdrawal_saved = threading.Event(), threading.Event()
    import tasks.kept
    from reports.services import withdrawal

    refresh, values_withdraw = tasks.kept.task_counts_refresh, withdrawal.reported_values_withdraw

    def task_counts_refresh(**kwargs):
        if threading.current_thread().name == "writer-1":
            withdrawal_saved.wait(WAIT)
        refresh(**kwargs)
        if threading.current_thread().name == "writer-1":
            plan_taken.set()

    def reported_values_withdraw(**kwargs):
        withdrawal_saved.set()
        plan_taken.wait(WAIT)
        values_withdraw(**kwargs)

    monkeypatch.setattr(tasks.kept, "task_counts_refresh", task_counts_refresh)
    monkeypatch.setattr(withdrawal, "reported_values_withdraw", reported_values_withdraw)
    _withdraw_while_accepting(accepted, sent, sysadmin=sysadmin, coordinator=coordinator)


def test_many_steps_at_once_on_the_same_plan_and_agencies_lose_no_count(world, officer_a, head_a, officer_b, head_b, coordinator):
    """Agencies A and B both lead four tasks: A sends its reports while B's are accepted, all at once."""
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    data = {"progress": 50, "work_state": "in_progress", "results": "Đã làm"}
    drafts, sent = [], []
    for n in range(4):
        task = TaskFactory(plan=world.plan, number=str(10 + n), start_date=datetime.date(2017, 1, 1), due_date=datetime.date(2030, 12, 31))
        for agency in (officer_a.agency, officer_b.agency):
            TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
        drafts.append(report_save(task=task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None))
        report = report_save(task=task, agency=officer_b.agency, period=row, by=officer_b, data=data, version=None)
        sent.append(report_transition(report=report, action="submit", by=head_b, notify=False))
    errors = run_at_once(
        *[lambda r=r: report_transition(report=r, action="submit", by=head_a, notify=False) for r in drafts],
        *[lambda r=r: report_transition(report=r, action="accept", by=coordinator, notify=False) for r in sent],
    )
    assert errors == []
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == 4
    assert Report.objects.filter(state=ReportState.ACCEPTED).count() == 4
    assert_kept_figures_true()


def test_withdrawing_last_periods_report_while_this_periods_is_accepted_on_the_same_task_and_indicator_does_not_deadlock(
    world, officer_a, head_a, coordinator, sysadmin, monkeypatch
):
    """Agency A's reports of two periods on one task carry the same indicator: the acceptance saves the task's progress
    then records the value (the indicator's lock); the withdrawal withdraws the value first, then saves the progress."""
    from decimal import Decimal

    from indicators.tests.factories import IndicatorFactory
    from reports.periods import parse_period_code
    from reports.services import steps, withdrawal

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    indicator = IndicatorFactory(plan=world.plan, code="CT-01", agency=officer_a.agency)
    indicator.tasks.add(world.task)
    due = parse_period_code(world.period_code)
    earlier = reporting_period_get_or_create(period=period_due(due.first_day - datetime.timedelta(days=1), "half_year"))
    current = reporting_period_get_or_create(period=due)
    values = {indicator.pk: (Decimal(40), "")}
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã làm"}
    accepted = report_save(
        task=world.task, agency=officer_a.agency, period=earlier, by=officer_a, data=data, version=None, indicator_values=values
    )
    report_transition(report=accepted, action="submit", by=head_a, notify=False)
    accepted = report_transition(report=accepted, action="accept", by=coordinator, notify=False)
    data = {**data, "progress": 80}
    sent = report_save(
        task=world.task,
        agency=officer_a.agency,
        period=current,
        by=officer_a,
        data=data,
        version=None,
        indicator_values={indicator.pk: (Decimal(80), "")},
    )
    sent = report_transition(report=sent, action="submit", by=head_a, notify=False)

    task_saved, value_withdrawn = threading.Event(), threading.Event()
    values_accept, progress_refresh = steps.reported_values_accept, withdrawal.task_progress_refresh

    def reported_values_accept(**kwargs):
        task_saved.set()
        value_withdrawn.wait(WAIT)
        return values_accept(**kwargs)

    def task_progress_refresh(**kwargs):
        value_withdrawn.set()
        task_saved.wait(WAIT)
        return progress_refresh(**kwargs)

    monkeypatch.setattr(steps, "reported_values_accept", reported_values_accept)
    monkeypatch.setattr(withdrawal, "task_progress_refresh", task_progress_refresh)
    _withdraw_while_accepting(accepted, sent, sysadmin=sysadmin, coordinator=coordinator)


def test_a_task_added_in_the_admin_with_its_leads_while_a_report_is_accepted_does_not_deadlock(
    client, world, agency_b, officer_a, head_a, coordinator, sysadmin, monkeypatch
):
    """The admin adds a task led by B, then A (the inline rows' order); meanwhile a report is accepted on another
    plan's task led by A and B, whose step counts both agencies again at its end, in order (A, then B)."""
    import time

    from plans.tests.factories import PlanFactory, SectionFactory
    from tasks import kept
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    a, b = sorted([officer_a.agency, agency_b], key=lambda agency: agency.pk)
    other_plan = PlanFactory(
        symbol="29/KH-UBND", starts_on=datetime.date(2017, 8, 23), reporting_kinds=["half_year"], coordinator=coordinator.agency
    )
    task = TaskFactory(plan=other_plan, number="1", start_date=datetime.date(2017, 1, 1), due_date=datetime.date(2030, 12, 31))
    for agency in (a, b):
        TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    report = report_save(
        task=task,
        agency=officer_a.agency,
        period=row,
        by=officer_a,
        data={"progress": 60, "work_state": "in_progress", "results": "Đã làm"},
        version=None,
    )
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    section = SectionFactory(plan=world.plan, number="9")
    form = {
        "plan": world.plan.pk, "section": section.pk, "number": "9", "position": "9", "title": "Số hoá hồ sơ", "product": "",
        "note": "", "timeframe": "2018 - 2030", "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "0",
        "assignments-0-agency": b.pk, "assignments-0-role": AssignmentRole.LEAD, "assignments-0-via_group": "",
        "assignments-1-agency": a.pk, "assignments-1-role": AssignmentRole.LEAD, "assignments-1-via_group": "",
    }  # fmt: skip
    client.force_login(sysadmin)

    # The admin holds B's lock when the step starts taking A's and B's: then each wants the other's.
    admin_has_b, step_locking = threading.Event(), threading.Event()
    lock = kept.agencies_lock

    def agencies_lock(ids):
        me = threading.current_thread().name
        if me == "writer-0" and ids and list(ids) == [a.pk]:
            step_locking.wait(WAIT)
            time.sleep(0.5)  # the step has taken A's lock and waits for B's
        if me == "writer-1" and ids and set(ids) >= {a.pk, b.pk}:
            admin_has_b.wait(WAIT)
            step_locking.set()
        lock(ids)
        if me == "writer-0" and ids and list(ids) == [b.pk]:
            admin_has_b.set()

    monkeypatch.setattr(kept, "agencies_lock", agencies_lock)
    responses = []
    errors = run_at_once(
        lambda: responses.append(client.post("/admin/tasks/task/add/", form)),
        lambda: report_transition(report=report, action="accept", by=coordinator, notify=False),
    )
    assert errors == [] and [r.status_code for r in responses] == [302], (str(errors), responses)
    assert Report.objects.get(pk=report.pk).state == ReportState.ACCEPTED
    assert world.plan.tasks.get(number="9").assignments.count() == 2
    assert_kept_figures_true()


def _withdraw_while_accepting(accepted, sent, *, sysadmin, coordinator) -> None:
    """An administrator withdraws ``accepted`` while the coordinator accepts ``sent``, at once: neither deadlocks, both
    land, and the kept counts equal the recount."""
    errors = run_at_once(
        lambda: report_withdraw(report=accepted, by=sysadmin, reason="Nhập nhầm"),
        lambda: report_transition(report=sent, action="accept", by=coordinator, notify=False),
    )
    assert errors == []
    assert Report.objects.get(pk=accepted.pk).state == ReportState.WITHDRAWN
    assert Report.objects.get(pk=sent.pk).state == ReportState.ACCEPTED
    assert_kept_figures_true()


def test_a_report_sent_while_every_agencys_counts_are_counted_again_is_counted_once(world, officer_a, head_a, monkeypatch):
    """Every agency's kept rows are counted again (an edit of the calendar re-judges every task's due date; the daily
    upkeep after a drift) while agency A sends a report of a period it has sent one for already: A's narrow recount of
    that period deleted only the rows it could see, and the whole recount's rows, committed meanwhile, stayed beside
    its own (the report sent before counted twice)."""
    import time

    from reports.services import report_save
    from tasks.kept import lead_parts_refresh
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    data = {"progress": 50, "work_state": "in_progress", "results": "Đã làm"}
    earlier = report_save(task=world.task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None)
    report_transition(report=earlier, action="submit", by=head_a, notify=False)
    task = TaskFactory(plan=world.plan, number="3", start_date=datetime.date(2017, 1, 1), due_date=datetime.date(2030, 12, 31))
    TaskAssignmentFactory(task=task, agency=officer_a.agency, role=AssignmentRole.LEAD)
    draft = report_save(task=task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None)
    assert_kept_figures_true()

    counted = threading.Event()
    import reports.figures

    refresh = reports.figures.sent_counts_refresh

    def sent_counts_refresh(agencies, *, period_id=None):
        if threading.current_thread().name == "writer-1" and period_id is not None:
            counted.wait(WAIT)  # the whole recount has written its rows and not committed yet
        refresh(agencies, period_id=period_id)

    monkeypatch.setattr(reports.figures, "sent_counts_refresh", sent_counts_refresh)

    def everything_counted_again():
        from django.db import transaction

        with transaction.atomic():
            lead_parts_refresh()
            counted.set()
            time.sleep(1)  # the step's recount starts meanwhile

    errors = run_at_once(everything_counted_again, lambda: report_transition(report=draft, action="submit", by=head_a, notify=False))
    assert errors == []
    assert Report.objects.filter(agency=officer_a.agency, period=row, state=ReportState.SUBMITTED).count() == 2
    assert_kept_figures_true()


def test_a_lead_given_to_a_task_while_its_report_completes_it_is_counted_with_the_task_completed(
    world, agency_a, agency_b, officer_a, head_a, coordinator, monkeypatch
):
    """The coordinator accepts A's report that completes the task (its completion date) while B is made a lead of it:
    the step counts again the agencies leading the task as it sees them (A), B's recount read the task as it was (not
    completed) and committed first; B's kept part stayed unfinished on the dashboard against a completed task."""
    from tasks.services import task_assignments_set

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    data = {"progress": 100, "work_state": "completed", "completed_on": row.last_day, "results": "Đã hoàn thành"}
    report = report_save(task=world.task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    assert_kept_figures_true()

    import tasks.kept

    lead_made = threading.Event()
    lock = tasks.kept.agencies_lock

    def agencies_lock(ids):
        if threading.current_thread().name == "writer-0":
            lead_made.wait(3)  # the other writer commits first (or waits for this one: then it never sets this)
        lock(ids)

    monkeypatch.setattr(tasks.kept, "agencies_lock", agencies_lock)

    def lead_made_for_b():
        task_assignments_set(task=world.task, leads=[agency_a, agency_b])
        lead_made.set()

    errors = run_at_once(lambda: report_transition(report=report, action="accept", by=coordinator, notify=False), lead_made_for_b)
    assert errors == []
    assert world.task.assignments.filter(role=AssignmentRole.LEAD).count() == 2
    assert_kept_figures_true()


def test_an_officer_saving_and_sending_a_draft_while_the_head_submits_it_does_not_deadlock(world, officer_a, head_a, monkeypatch):
    """The officer's save-and-send locked the report's row, then (its step) the task's; the head's step on the same
    draft ("Approve and submit" a draft) locks the task's row, then the report's: each held what the other wanted
    (PostgreSQL aborted one of them) instead of one waiting for the other."""
    import time

    from reports.services import drafts, steps

    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    data = {"progress": 50, "work_state": "in_progress", "results": "Đã làm"}
    draft = report_save(task=world.task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None)
    version = Report.objects.get(pk=draft.pk).version  # the version the officer's form was opened at

    saved, task_taken = threading.Event(), threading.Event()
    content_check, row_locked = drafts.report_content_check, steps.task_row_locked

    def report_content_check(**kwargs):
        content_check(**kwargs)
        if threading.current_thread().name == "writer-0":
            saved.set()  # the officer's save holds what it locked; its step comes next
            task_taken.wait(3)  # the head's step has the task (or waits for this save: then it never says so)
            time.sleep(0.5)

    def task_row_locked(task_id):
        row_locked(task_id)
        if threading.current_thread().name == "writer-1":
            task_taken.set()

    def submit():
        saved.wait(WAIT)
        report_transition(report=draft, action="submit", by=head_a, notify=False)

    monkeypatch.setattr(drafts, "report_content_check", report_content_check)
    monkeypatch.setattr(steps, "task_row_locked", task_row_locked)
    errors = run_at_once(
        lambda: report_save(
            task=world.task, agency=officer_a.agency, period=row, by=officer_a, data={**data, "progress": 60}, version=version,
            send=True,
        ),
        submit,
    )  # fmt: skip
    assert errors == []
    assert Report.objects.get(pk=draft.pk).state == ReportState.SUBMITTED
    assert_kept_figures_true()


def test_due_dates_judged_again_while_a_writer_of_several_tasks_locks_them_does_not_deadlock(world, monkeypatch):
    """The daily upkeep (or a calendar's edit) judges every task's due date again: it wrote them one judged date at a
    time, each UPDATE locking its tasks in the order of their dates, while a writer of several tasks (a decision applied,
    a reassignment: ``tasks.kept.tasks_parts_lock``) locks them in the order of their ids. The task with the smaller id
    due later: each held one the other waited for (PostgreSQL aborted one of them) instead of one waiting for the other."""
    import time

    from django.db import transaction

    import tasks.services
    from tasks.kept import tasks_parts_lock
    from tasks.models import Task

    first, second = sorted([world.task, world.other_task], key=lambda task: task.pk)
    Task.objects.filter(pk=first.pk).update(due_date=datetime.date(2030, 12, 31))
    Task.objects.filter(pk=second.pk).update(due_date=datetime.date(2029, 12, 31))  # the larger id judged first
    Task.objects.filter(pk__in=[first.pk, second.pk]).update(effective_due_date=None)  # both to be written again
    judging, writer_waiting = threading.Event(), threading.Event()
    working_due_date, calls = tasks.services.working_due_date, []

    def working_due_date_watched(day, *args):
        if threading.current_thread().name == "writer-0":
            calls.append(day)
            if len(calls) == 2:  # the earlier date's tasks written (and locked): the other writer comes now
                judging.set()
                writer_waiting.wait(WAIT)
                time.sleep(0.5)  # it has locked the first task and waits for the second (or waits for the first)
        return working_due_date(day, *args)

    def several_tasks_written():
        judging.wait(WAIT)
        with transaction.atomic():
            writer_waiting.set()
            tasks_parts_lock([first.pk, second.pk])

    monkeypatch.setattr(tasks.services, "working_due_date", working_due_date_watched)
    errors = run_at_once(lambda: tasks.services.task_due_dates_refresh(), several_tasks_written)
    assert errors == [], [repr(error) for error in errors]
    assert dict(Task.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "effective_due_date")) == {
        first.pk: datetime.date(2030, 12, 31),
        second.pk: datetime.date(2029, 12, 31),
    }


def test_two_heads_sending_the_same_report_at_once_send_it_once(world, roles, officer_a, head_a):
    """Two heads of one agency click 'Duyệt và gửi' on the same report at the same instant: one sends it, the other is
    told it is sent already (not a deadlock, not a second step); one event, one notice job, the counts true."""
    from conftest import _user
    from core.models import OutboxMessage
    from reports.models import ReportEvent

    deputy = _user(roles, "head_a_deputy", "head", officer_a.agency)
    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    data = {"progress": 50, "work_state": "in_progress", "results": "Đã làm"}
    draft = report_save(task=world.task, agency=officer_a.agency, period=row, by=officer_a, data=data, version=None)
    pending = report_transition(report=draft, action="send_for_approval", by=officer_a, notify=False)
    start = threading.Barrier(2)

    def send(head):
        start.wait(WAIT)
        report_transition(report=pending, action="submit", by=head)

    jobs = OutboxMessage.objects.count()
    errors = run_at_once(lambda: send(head_a), lambda: send(deputy))
    assert len(errors) == 1 and "Đã gửi" in str(errors[0]), errors
    assert Report.objects.get(pk=pending.pk).state == ReportState.SUBMITTED
    assert ReportEvent.objects.filter(report=pending, action="submit").count() == 1
    assert OutboxMessage.objects.count() == jobs + 1
    assert_kept_figures_true()
