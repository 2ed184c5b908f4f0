"""A report's writer locks its report and its task, never the period or the plan every other writer shares (PostgreSQL).

On a deadline day every officer of the province saves and sends a report of the same period, most of them of
the same plan: a lock on the period's row or the plan's made them wait for each other, one at a time."""

import threading

import pytest
from django.db import connection, connections, transaction

from reports.models import Report
from reports.periods import parse_period_code
from reports.services import report_save, reporting_period_get_or_create
from reports.services.steps import report_locked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _draft(world, task, agency, officer, period):
    return report_save(
        task=task,
        agency=agency,
        period=period,
        by=officer,
        data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai"},
        version=None,
    )


def test_writers_of_two_reports_of_one_plan_and_period_do_not_wait_for_each_other(world, agency_a, agency_b, officer_a, officer_b):
    period = reporting_period_get_or_create(period=parse_period_code("2025-H2"))
    mine = _draft(world, world.task, agency_a, officer_a, period)
    theirs = _draft(world, world.other_task, agency_b, officer_b, period)
    holding, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first():  # a head's step on agency A's report, its transaction still open
        try:
            with transaction.atomic():
                report_locked(mine)
                holding.set()
                done.wait(20)
        finally:
            connections.close_all()

    def second():  # meanwhile agency B saves its report again and its head sends it: neither may wait
        try:
            holding.wait(20)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
                report_locked(theirs)
                report_save(
                    task=world.other_task,
                    agency=agency_b,
                    period=period,
                    by=officer_b,
                    data={"progress": 60, "work_state": "in_progress", "results": "Đã triển khai thêm"},
                    version=theirs.version,
                )
                # the rows every writer of the period and the plan shares are free
                cursor.execute("SELECT 1 FROM reports_reportingperiod WHERE id = %s FOR UPDATE NOWAIT", [period.pk])
                cursor.execute("SELECT 1 FROM plans_plan WHERE id = %s FOR UPDATE NOWAIT", [world.plan.pk])
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    assert errors == []
    assert Report.objects.get(pk=theirs.pk).progress == 60


def test_a_decision_applied_while_a_report_of_its_task_is_written_waits_before_writing_any_part(world, agency_a, officer_a):
    """The task's row is the first lock of both: a decision's apply met a report's writer on one of its tasks after it
    had already moved the part of another (in the order of the tasks' places in the plan, not of their ids), holding
    that part while it waited: two such writers over the same tasks in different orders deadlocked. Now it locks every
    task it moves at once, in the order of their ids, and waits there having written nothing."""
    import datetime

    from plans.choices import ChangeKind
    from plans.models import ReorganisationChange, ReorganisationDecision
    from plans.tests.factories import AgencyFactory
    from reports.reorganisation.services import decision_apply
    from tasks.choices import AssignmentRole
    from tasks.models import TaskAssignment
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    period = reporting_period_get_or_create(period=parse_period_code("2025-H2"))
    mine = _draft(world, world.task, agency_a, officer_a, period)
    type(world.task).objects.filter(pk=world.task.pk).update(position=5)
    first_in_plan = TaskFactory(  # a later id, placed first in the plan
        plan=world.plan, section=world.task.section, number="0", position=0, start_date=world.task.start_date, due_date=world.task.due_date
    )
    TaskAssignmentFactory(task=first_in_plan, agency=agency_a, role=AssignmentRole.LEAD)
    merger = ReorganisationDecision.objects.create(number="45/2099/NĐ-CP", effective_on=datetime.date(2099, 3, 1))
    ReorganisationChange.objects.create(decision=merger, kind=ChangeKind.MERGE, source=agency_a, target=AgencyFactory())
    holding, done = threading.Event(), threading.Event()
    applier: dict = {}

    def report_writer():  # a head's step on agency A's report of world.task, its transaction still open
        try:
            with transaction.atomic():
                report_locked(mine)
                holding.set()
                done.wait(30)
        finally:
            connections.close_all()

    def decision_applier():
        try:
            holding.wait(30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                applier["pid"] = cursor.fetchone()[0]
            decision_apply(decision=merger, by=None)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            applier["error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report_writer), threading.Thread(target=decision_applier)]
    for thread in threads:
        thread.start()
    try:
        with connection.cursor() as cursor:
            for _attempt in range(200):  # until the applier waits for a lock
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [applier.get("pid", 0)])
                row = cursor.fetchone()
                if row and row[0] == "Lock":
                    break
                threading.Event().wait(0.05)
            else:
                pytest.fail("the decision's apply never waited for the report's writer")
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND c.relname = %s AND l.mode = 'RowExclusiveLock'",
                [applier["pid"], TaskAssignment._meta.db_table],
            )
            parts_written = cursor.fetchone()[0]
    finally:
        done.set()
        for thread in threads:
            thread.join(40)
    assert parts_written == 0  # waiting at its first task, nothing written yet
    assert "error" not in applier, applier.get("error")
    assert set(
        TaskAssignment.objects.filter(task__in=[world.task, first_in_plan], role=AssignmentRole.LEAD).values_list("agency_id", flat=True)
    ) == {merger.changes.get().target_id}


def test_evidence_removed_while_the_head_sends_the_report_stays_with_the_report_sent(world, agency_a, officer_a, head_a):
    """The officer removes a file from the draft while the head sends it: the removal read the report's state unlocked
    (a draft, as the page had it) and took the file and its row from under the step, which sent the report, checked as
    carrying its evidence, without it. It now takes the report's locks first (its task's, then its own, as a step does),
    waits for the step, and is refused: the report is sent."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Attachment
    from reports.services import attachment_add, attachment_remove, report_transition

    period = reporting_period_get_or_create(period=parse_period_code("2025-H2"))
    draft = _draft(world, world.task, agency_a, officer_a, period)
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    evidence = attachment_add(report=draft, upload=SimpleUploadedFile("bien-ban.pdf", pdf), by=officer_a)
    seen = Attachment.objects.select_related("report").get(pk=evidence.pk)  # as the page's removal reads it
    sent, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def head():
        try:
            with transaction.atomic():
                report_transition(report=draft, action="submit", by=head_a, notify=False)
                sent.set()
                done.wait(1.5)  # the officer's removal meanwhile
        finally:
            connections.close_all()

    def officer():
        try:
            sent.wait(20)
            attachment_remove(attachment=seen, by=officer_a)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=head), threading.Thread(target=officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    assert Report.objects.get(pk=draft.pk).state == "submitted"
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    kept = Attachment.objects.get(pk=evidence.pk)
    assert kept.file.storage.exists(kept.file.name)
