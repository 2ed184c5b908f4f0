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
