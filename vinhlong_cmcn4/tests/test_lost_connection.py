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


@pytest.mark.parametrize(
    ("content_type", "who", "checked"),
    [
        ("application/json", {"HTTP_AUTHORIZATION": "Token abc"}, False),
        ("application/json", {"HTTP_COOKIE": "sessionid=abc"}, False),
        ("application/json", {}, True),
        ("multipart/form-data; boundary=x", {"HTTP_COOKIE": "sessionid=abc"}, True),
    ],
)
def test_only_a_request_whose_first_statement_reads_who_sends_it_skips_the_check_of_its_connection(
    rf, monkeypatch, content_type, who, checked
):
    """A request whose first statement reads its session or token needs no SELECT 1 first: a cut connection fails that
    read, and it runs again (above). The public's request is checked (a throttle counts it before its first statement),
    and so is one that sends files, which are not received twice (Django's CONN_HEALTH_CHECKS)."""
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
    LostConnectionRetryMiddleware(view)(rf.post("/", data=b"{}", content_type=content_type, **who))
    assert bool(checks) is checked


def _kept_connection_cut():
    """The thread's kept connection ended by PostgreSQL between two requests (a restart, a failover), and Django about
    to start a request on it: ``close_old_connections`` leaves the health check to the request's first statement."""
    connection.ensure_connection()
    _terminate_own_backend_at(1)(lambda *args: None, "", None, False, None)
    connection.health_check_done = False


def test_a_public_download_whose_first_statement_runs_as_it_streams_is_sent_whole_on_a_kept_connection_cut(client, db):
    """The public list of summaries as CSV reads its rows as it sends them, after the middleware returned: no run
    again can help, so its connection is checked first, as Django does (it broke off with an OperationalError)."""
    _kept_connection_cut()
    response = client.get(reverse("reports:public_summaries"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and len(body.splitlines()) == 2  # the filters' line and the headers


@pytest.mark.parametrize(
    ("scope", "send"),
    [
        ("anon", lambda client: client.get("/api/v1/plans/")),
        (
            "token",
            lambda client: client.post("/api/v1/auth/token/", {"username": "ai.do", "password": "sai"}, content_type="application/json"),
        ),
    ],
)
def test_an_anonymous_api_call_on_a_kept_connection_cut_is_counted_once_by_its_throttle(client, db, settings, scope, send):
    """The API's throttles count a call in the cache (Redis in production) before its first statement: a call met by a
    cut there, and run again, was counted twice (the token endpoint's 10 tries a minute became 5)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hatk12-throttle"}}
    client.raise_request_exception = False  # a first attempt's error is logged; what was counted is the question
    _kept_connection_cut()
    response = send(client)
    assert response.status_code < 500
    assert len(cache.get(f"throttle_{scope}_127.0.0.1")) == 1


@pytest.mark.parametrize("cut_at", [1, 2, 5])  # its session, its user, within the view
def test_a_signed_in_request_on_a_kept_connection_cut_runs_again_without_an_error_logged_or_a_5xx_counted(client, leader, caplog, cut_at):
    """After a PostgreSQL restart a signed-in request's first attempt fails on its first statement (its health check
    skipped): run again, it is answered, and the failed attempt is no server error: no traceback in the log, no 500 in
    the metrics (an alert on 5xx went off on every restart)."""
    from django_prometheus.middleware import Metrics

    def errors_counted() -> float:
        counted = Metrics.get_instance().responses_by_status.labels(status="500")._value.get()
        thrown = Metrics.get_instance().exceptions_by_type.labels(type="OperationalError")._value.get()
        return counted + thrown

    client.force_login(leader)
    client.raise_request_exception = False
    before = errors_counted()
    caplog.set_level("INFO")
    if cut_at == 1:
        _kept_connection_cut()
    else:
        connection.ensure_connection()
    with connection.execute_wrapper(_terminate_own_backend_at(cut_at)) if cut_at > 1 else _nothing():
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert errors_counted() == before


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
