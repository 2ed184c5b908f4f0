"""A property-based run of the OpenAPI schema against the app (schemathesis): no server error, and
every documented response matches its schema, for the public and for a signed-in administrator."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

# Django's WSGI handler, as ``vinhlong_cmcn4.wsgi`` makes it, without tuning the test process's garbage collector (the
# module's ``collector_tune``: imported at collection, it tuned the collector of the whole run)
application = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app closes the database connection after each request, as in production; inside a test that
    connection holds the test's transaction, so keep it open (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, sysadmin, world_for_api):
    return Token.objects.create(user=sysadmin).key


@pytest.fixture
def world_for_api(db, agency_a, agency_b, officer_a):
    from plans.tests.factories import PlanFactory, SectionFactory
    from reports.periods import parse_period_code
    from reports.services import report_save, reporting_period_get_or_create
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year", "year"])
    task = TaskFactory(plan=plan, section=SectionFactory(plan=plan), number="1")
    TaskAssignmentFactory(task=task, agency=agency_a, role="lead")
    period = reporting_period_get_or_create(period=parse_period_code("2025-H2"))
    report_save(
        task=task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 10, "work_state": "in_progress", "results": "Đã triển khai"},
        version=None,
    )


def _run(operations, *, examples: int, headers: dict | None = None) -> int:
    """Drive every operation with generated requests; returns how many operations ran."""
    count = 0
    for result in operations:
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        check()
        count += 1
    return count


@pytest.mark.django_db
def test_the_api_keeps_to_its_schema_for_an_administrator(admin_token):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    assert _run(schema.get_all_operations(), examples=15, headers={"Authorization": f"Token {admin_token}"}) >= 20


@pytest.mark.django_db
def test_the_api_keeps_to_its_schema_for_the_public(world_for_api):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(method="GET")
    assert _run(schema.get_all_operations(), examples=10) >= 10
