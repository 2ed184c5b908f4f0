"""Statements made once, prepared by PostgreSQL once per connection (``core.prepared``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import compiled
from core.compiled import compiled_objects
from core.prepared import _name, fetched, parameter_types, without_preparing
from core.tests.test_compiled import _job, job_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh():
    compiled.compiled_forget()
    yield
    compiled.compiled_forget()


def prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'compiled_%%'")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_made_once_is_prepared_on_its_second_run_on_a_connection_and_finds_what_django_finds():
    one, two = _job("queued", "Một"), _job("done", "Hai")
    before = set(prepared_here())
    with CaptureQueriesContext(connection) as statements:
        runs = [compiled_objects(job_of, job=pk) for pk in (one.pk, two.pk, one.pk, 10**9)]
    assert runs == [[one], [two], [one], []]
    assert [(job.title, job.user.username) for job in runs[1]] == [("Hai", two.user.username)]  # select_related as Django's
    sent = [statement["sql"].split(" ", 1)[0] for statement in statements]
    assert sent[0] == "SELECT" and "PREPARE" in sent and sent[-3:] == ["EXECUTE"] * 3
    assert len(set(prepared_here()) - before) == 1  # one statement for every id, in this transaction's savepoint and kept


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_afresh_prepares_the_statement_again():
    one = _job("queued", "Một")
    with CaptureQueriesContext(connection) as statements:
        for _ in range(3):
            assert compiled_objects(job_of, job=one.pk) == [one]
    name = statements[-1]["sql"].split()[1]  # EXECUTE compiled_…
    assert name in prepared_here()
    connection.close()  # a new session (a restarted server, a connection past CONN_MAX_AGE): nothing prepared there
    with CaptureQueriesContext(connection) as statements:
        assert compiled_objects(job_of, job=one.pk) == [one]
        assert compiled_objects(job_of, job=one.pk) == [one]
    assert [statement["sql"].split(" ", 1)[0] for statement in statements] == ["SELECT", "PREPARE", "EXECUTE"]


def test_a_statement_postgresql_will_not_prepare_runs_as_it_is_and_the_transaction_goes_on():
    assert [fetched("default", "SELECT %s + 1", [1], ("boolean",)) for _ in range(3)] == [[(2,)]] * 3  # boolean + 1: refused
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the refusal was kept in its savepoint
        assert cursor.fetchone() == (1,)
    assert _name("SELECT %s + 1") not in prepared_here()


def test_a_statement_with_a_parameter_of_no_known_type_is_never_prepared():
    assert parameter_types([1, "a", None]) is None
    with CaptureQueriesContext(connection) as statements:
        for _ in range(3):
            assert fetched("default", "SELECT COALESCE(%s, 7)", [None], None) == [(7,)]
    assert {statement["sql"].split(" ", 1)[0] for statement in statements} == {"SELECT"}


def test_a_requests_statements_are_counted_without_the_preparing_of_those_made_once():
    sent = [
        'SELECT "authtoken_token"."key" …',
        'SAVEPOINT "s1_x1"',
        "PREPARE compiled_0_ab (bigint) AS SELECT …",
        'RELEASE SAVEPOINT "s1_x1"',
        "EXECUTE compiled_0_ab (7)",
        "PREPARE compiled_0_cd (bigint) AS SELECT …",  # outside a transaction: no savepoint
        "EXECUTE compiled_0_cd (7)",
        'SAVEPOINT "s1_x2"',  # the caller's own savepoint stays
        'RELEASE SAVEPOINT "s1_x2"',
    ]
    assert without_preparing(sent) == [sent[0], sent[4], sent[6], sent[7], sent[8]]
