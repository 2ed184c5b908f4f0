"""``core.compiled``: a queryset's SQL made once per input, its rows read afresh on every call, as Django reads them."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import compiled
from core.compiled import compiled_values
from core.models import ExportJob
from plans.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def jobs_in(state: str):
    return ExportJob.objects.filter(state=state).order_by("pk").values("pk", "title", "created_at", "total")


def states_of(states: tuple[str, ...]):
    return (
        ExportJob.objects.filter(state__in=states)
        .order_by()
        .values("state")
        .union(ExportJob.objects.filter(pk__in=[]).order_by().values("state"), all=True)
    )


def _job(state: str, title: str, total: int = 0) -> ExportJob:
    user = UserFactory(username=f"u{ExportJob.objects.count()}")
    return ExportJob.objects.create(user=user, address="/dieu-hanh/nhiem-vu/", title=title, filename="x.xlsx", state=state, total=total)


@pytest.fixture(autouse=True)
def _fresh():
    compiled.compiled_forget()
    yield
    compiled.compiled_forget()


def test_the_rows_are_django_s_own_with_its_converters():
    _job("queued", "Danh sách nhiệm vụ", total=50_000)
    _job("done", "Danh sách báo cáo")
    rows = compiled_values(jobs_in, "queued")
    assert rows == list(jobs_in("queued"))
    assert isinstance(rows[0]["created_at"], datetime.datetime)  # SQLite gives text: Django's converter made it a datetime
    assert timezone.is_aware(rows[0]["created_at"]) and rows[0]["total"] == 50_000


def test_the_sql_is_made_once_per_input_and_the_data_read_each_time():
    _job("queued", "Một")
    with mock.patch.object(compiled, "_compile", wraps=compiled._compile) as made:
        assert [row["title"] for row in compiled_values(jobs_in, "queued")] == ["Một"]
        _job("queued", "Hai")  # a change after the SQL was made
        with CaptureQueriesContext(connection) as statements:
            assert [row["title"] for row in compiled_values(jobs_in, "queued")] == ["Một", "Hai"]
        assert len(statements) == 1
        assert compiled_values(jobs_in, "done") == []  # another input: its own SQL
    assert made.call_count == 2


def test_a_union_and_a_condition_that_matches_nothing():
    _job("queued", "Một")
    _job("done", "Hai")
    assert sorted(row["state"] for row in compiled_values(states_of, ("queued", "done"))) == ["done", "queued"]
    with CaptureQueriesContext(connection) as statements:
        assert compiled_values(states_of, ()) == []  # state IN () matches nothing: no statement, as Django does
    assert len(statements) == 0


def test_a_function_whose_captured_state_the_key_cannot_see_is_refused():
    state = "queued"
    with pytest.raises(ValueError, match="module-level"):
        compiled_values(lambda: jobs_in(state))

    def nested(state):
        return jobs_in(state)

    with pytest.raises(ValueError, match="module-level"):
        compiled_values(nested, "queued")


def test_only_the_latest_statements_are_kept(monkeypatch):
    monkeypatch.setattr(compiled, "LIMIT", 2)
    for state in ("queued", "running", "done"):
        compiled_values(jobs_in, state)
    assert [key[-1] for key in compiled._kept] == [("running",), ("done",)]


class _Jobs:
    def __init__(self, state: str):
        self.state = state

    def of(self):
        return jobs_in(self.state)


def test_a_bound_method_whose_object_the_key_cannot_see_is_refused():
    """``_Jobs("done").of`` and ``_Jobs("queued").of`` have one name: the second would be served the first's SQL."""
    _job("queued", "Một")
    with pytest.raises(ValueError, match="module-level"):
        compiled_values(_Jobs("done").of)
    with pytest.raises(ValueError, match="module-level"):
        assert compiled_values(_Jobs("queued").of) == [], "the first object's SQL served for the second's"


def jobs_waiting(states: tuple[str, ...]):
    return {state: ExportJob.objects.filter(state=state) for state in states} | {"never": ExportJob.objects.none()}


def test_several_questions_whether_rows_are_there_are_one_statement_made_once():
    _job("queued", "Một")
    with mock.patch.object(compiled, "_compile_exists", wraps=compiled._compile_exists) as made:
        with CaptureQueriesContext(connection) as statements:
            assert compiled.compiled_exists(jobs_waiting, ("queued", "done")) == {"queued": True, "done": False, "never": False}
        assert len(statements) == 1
        _job("done", "Hai")  # read afresh
        assert compiled.compiled_exists(jobs_waiting, ("queued", "done")) == {"queued": True, "done": True, "never": False}
    assert made.call_count == 1
    with CaptureQueriesContext(connection) as statements:
        assert compiled.compiled_exists(jobs_waiting, ()) == {"never": False}  # nothing to ask: no statement
    assert len(statements) == 0


def job_of(*, job: int):
    return ExportJob.objects.select_related("user").filter(pk=job).order_by()


def jobs_of_user(state: str, *, user: int):
    return ExportJob.objects.filter(state=state, user_id=user).order_by("pk")


def test_objects_are_django_s_own_each_call_with_its_ids_in_place():
    from core.compiled import compiled_objects

    one, two = _job("queued", "Một"), _job("done", "Hai")
    with mock.patch.object(compiled, "_compile_objects", wraps=compiled._compile_objects) as made:
        first = compiled_objects(job_of, job=one.pk)
        second = compiled_objects(job_of, job=two.pk)
        assert compiled_objects(job_of, job=-1) == []
    assert made.call_count == 1  # one statement for every id
    assert [(job.pk, job.title, job.state) for job in first + second] == [(one.pk, "Một", "queued"), (two.pk, "Hai", "done")]
    with CaptureQueriesContext(connection) as statements:
        assert second[0].user.username == two.user.username  # select_related: the user came with the row
        assert timezone.is_aware(second[0].created_at)
    assert len(statements) == 0
    assert compiled_objects(jobs_of_user, "done", user=two.user_id) == [two]
    assert compiled_objects(jobs_of_user, "done", user=one.user_id) == []  # another user's id, the same statement


def job_named(*, title: int):
    return ExportJob.objects.filter(title=title)


def recount(*, job: int):
    return [("UPDATE core_exportjob SET total = total + 1 WHERE id = %s", [job]), ("SELECT 1", [])]


def test_a_slot_django_changes_on_its_way_into_the_sql_is_refused_and_statements_take_their_ids():
    from core.compiled import compiled_objects, compiled_statements

    with pytest.raises(ValueError, match="slots"):
        compiled_objects(job_named, title=1)  # a title: Django makes the stand-in a string, no id
    job = _job("queued", "Một", total=1)
    statements = compiled_statements(recount, job=job.pk)
    assert statements == [("UPDATE core_exportjob SET total = total + 1 WHERE id = %s", [job.pk]), ("SELECT 1", [])]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    job.refresh_from_db()
    assert job.total == 2


@pytest.mark.parametrize("job", [2**63, -(2**63) - 1, 10**30])
def test_an_id_no_column_of_the_database_holds_finds_no_row_as_django_s_lookup_finds_none(job):
    """An id beyond the database's 64-bit integers (a URL's ``/api/v1/reports/99999999999999999999/``) is no row, as
    ``filter(pk=…)`` says: SQLite refused it with an OverflowError, which the API answered with a 500."""
    from core.compiled import compiled_objects

    _job("queued", "Một")
    assert list(ExportJob.objects.filter(pk=job)) == []
    assert compiled_objects(job_of, job=job) == []


def jobs_with_total(*, total: int):
    return ExportJob.objects.filter(total=total).order_by("pk")


def jobs_of_user_or_with_total(*, user: int, total: int):
    from django.db.models import Q

    return ExportJob.objects.filter(Q(user_id=user) | Q(total=total)).order_by("pk")


def jobs_of_user_or_done_but_not_of(other: int, *, user: int):
    from django.db.models import Q

    return ExportJob.objects.filter(Q(user_id=user) | Q(state="done")).exclude(user_id=other).order_by("pk")


def test_a_slot_on_any_integer_column_and_an_input_equal_to_a_stand_in_find_the_rows_django_finds():
    """A slot compared with a positive integer column (Django drops a comparison with a value the column cannot hold, as
    it did the negative stand-in: the statement, or its branch of an ``|``, was made without it and found nothing), and
    an input that happens to be a stand-in's value (it was taken for the slot and given its id), find Django's rows."""
    from core.compiled import compiled_objects

    one, two, three = _job("queued", "Một", total=50), _job("done", "Hai", total=7), _job("queued", "Ba", total=50)
    assert compiled_objects(jobs_with_total, total=50) == [one, three]
    assert compiled_objects(jobs_with_total, total=7) == [two]
    assert compiled_objects(jobs_of_user_or_with_total, user=two.user_id, total=50) == [one, two, three]
    for stand_in in (compiled._stand_in(0), compiled._stand_in(1)):
        django_s = list(jobs_of_user_or_done_but_not_of(stand_in, user=one.user_id))
        assert django_s == [one, two]
        assert compiled_objects(jobs_of_user_or_done_but_not_of, stand_in, user=one.user_id) == django_s


@pytest.mark.parametrize("value", [True, "1", None, 1.0])
def test_a_slot_that_is_no_integer_is_refused_naming_it_on_every_database(value):
    """A slot is an id: True ran as ``id = true`` (PostgreSQL: an error; SQLite: the row of id 1), "1" and None failed in
    the range check with a bare TypeError comparing them with an integer. Refused alike, the slot named."""
    from core.compiled import compiled_objects, compiled_statements

    _job("queued", "Một")
    with pytest.raises(TypeError, match="job"):
        compiled_objects(job_of, job=value)
    with pytest.raises(TypeError, match="job"):
        compiled_statements(recount, job=value)


def job_locked(*, job: int):
    from core.locking import locked

    return locked(ExportJob.objects).filter(pk=job)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_locked_read_made_once_is_refused_outside_a_transaction_as_django_refuses_it():
    """Made in a transaction, the statement ran again outside one: its FOR UPDATE then held nothing (the lock ends with
    the statement's own transaction), where Django refuses a select_for_update outside a transaction."""
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    from core.compiled import compiled_objects

    job = _job("queued", "Một")
    with transaction.atomic():
        assert compiled_objects(job_locked, job=job.pk) == [job]
    with pytest.raises(TransactionManagementError):
        list(job_locked(job=job.pk))
    with pytest.raises(TransactionManagementError):
        compiled_objects(job_locked, job=job.pk)
