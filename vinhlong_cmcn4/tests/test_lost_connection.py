"""A request whose database connection is cut (pg_terminate_backend) before it wrote anything runs once more."""

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _terminate_own_backend_at(statement_number: int, *, when=lambda sql: True):
    """An execute wrapper that has PostgreSQL end this connection just before its n-th matching statement."""
    seen = []

    def cut(execute, sql, params, many, context):
        if when(sql):
            seen.append(sql)
            if len(seen) == statement_number:
                db = connection.settings_dict
                admin = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
                admin.autocommit = True
                with admin.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
                admin.close()
        return execute(sql, params, many, context)

    return cut


@pytest.mark.parametrize("cut_at", [1, 2, 5])  # loading the session, the user, and within the view
def test_a_page_whose_connection_is_cut_before_it_wrote_is_answered_not_500(client, leader, cut_at):
    client.force_login(leader)
    client.raise_request_exception = False  # the first attempt's error is logged; the answer is what counts
    connection.ensure_connection()
    with connection.execute_wrapper(_terminate_own_backend_at(cut_at)):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200


def test_a_request_cut_after_it_wrote_is_not_run_again(rf):
    from django.http import HttpResponseServerError

    from vinhlong_cmcn4.middleware import LostConnectionRetryMiddleware

    calls = []

    def view(request):
        calls.append(request)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE plans_agency SET name = name WHERE id = -1")
        _terminate_own_backend_at(1)(lambda *args: None, "", None, False, None)
        return HttpResponseServerError()

    connection.ensure_connection()
    response = LostConnectionRetryMiddleware(view)(rf.post("/"))
    assert response.status_code == 500 and len(calls) == 1  # written before the cut: never run twice
    connection.close()


def test_a_read_in_a_transaction_cut_before_anything_was_written_runs_again(rf, settings):
    """The cut is met inside transaction.atomic(): its rollback fails and Django drops the connection, which left the
    middleware nothing to test for a cut (the soak's one 500 after the database connections were dropped)."""
    from django.core.handlers.exception import convert_exception_to_response
    from django.db import transaction
    from django.http import HttpResponse

    from plans.models import Agency
    from vinhlong_cmcn4.middleware import LostConnectionRetryMiddleware

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    calls = []

    def view(request):
        calls.append(request)
        if len(calls) == 1:
            _terminate_own_backend_at(1)(lambda *args: None, "", None, False, None)
        with transaction.atomic():
            count = Agency.objects.count()
        return HttpResponse(str(count))

    connection.ensure_connection()
    response = LostConnectionRetryMiddleware(convert_exception_to_response(view))(rf.get("/"))
    assert response.status_code == 200 and len(calls) == 2


@pytest.mark.parametrize(("content_type", "checked"), [("application/json", False), ("multipart/form-data; boundary=x", True)])
def test_only_a_request_that_may_send_files_has_its_connection_checked_before_its_first_statement(rf, monkeypatch, content_type, checked):
    """A request the middleware can run again needs no SELECT 1 first: a cut connection fails its first statement, and
    it runs again (above); files are not received twice, so their request is checked (Django's CONN_HEALTH_CHECKS)."""
    from django.db import connections
    from django.http import HttpResponse

    from vinhlong_cmcn4.middleware import LostConnectionRetryMiddleware

    checks = []
    wrapper = connections["default"]
    wrapper.ensure_connection()
    monkeypatch.setattr(wrapper, "is_usable", lambda: checks.append(1) or True)
    monkeypatch.setattr(wrapper, "health_check_enabled", True)

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("ok")

    wrapper.health_check_done = False  # as Django leaves it when a request starts on a kept connection
    LostConnectionRetryMiddleware(view)(rf.post("/", data=b"{}", content_type=content_type))
    assert bool(checks) is checked
