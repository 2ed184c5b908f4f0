"""A costly figure read by many (the dashboard's page) while changes come in quick succession: the reader who finds it
out of date is served the value from before the change and computes the new one once its response has gone; the
next reader gets the new one; on a quiet day (the value before is older than ``FIGURES_BEHIND_SECONDS``) the reader
computes it as for any figure (``core.shared_figures``)."""

import time

import pytest
from django.core.signals import request_finished, request_started
from django.utils import translation

from core import shared_figures
from core.shared_figures import figures_cached, figures_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind(settings):
    settings.FIGURES_BEHIND_SECONDS = 5


def counted(values: list):
    def compute(value):
        def run():
            values.append(value)
            return value

        return run

    return compute


def request(work):
    """``work()`` as a request runs it: between the request's signals (the work after the response runs at its end)."""
    request_started.send(sender=None)
    try:
        return work()
    finally:
        request_finished.send(sender=None)


def changed(capture, plan: int) -> None:
    """A change of ``plan`` committed by someone else's request."""
    with capture(execute=True):
        figures_changed(plans=[plan], agencies=[])
    shared_figures._request.changed = False


def read(plan: int, compute, *, behind: bool = True):
    return figures_cached("board", (plan,), compute, plans=[plan], behind=behind)


def test_the_reader_who_finds_it_out_of_date_is_served_the_value_before_and_computes_after_the_response(
    behind, django_capture_on_commit_callbacks
):
    computed = []
    compute = counted(computed)
    assert request(lambda: read(31, compute("before"))) == "before"
    changed(django_capture_on_commit_callbacks, 31)
    served = []

    def reader():
        served.append(read(31, compute("after")))
        served.append(list(computed))  # what was computed while the response was made: nothing yet

    request(reader)
    assert served == ["before", ["before"]]
    assert computed == ["before", "after"]  # computed once the response had gone
    assert request(lambda: read(31, compute("again"))) == "after"  # the next reader: the new value, nothing computed
    assert computed == ["before", "after"]


def test_while_it_is_computed_after_a_response_no_other_reader_computes_it(behind, django_capture_on_commit_callbacks):
    computed = []
    compute = counted(computed)
    request(lambda: read(32, compute("before")))
    changed(django_capture_on_commit_callbacks, 32)
    request_started.send(sender=None)
    assert read(32, compute("after")) == "before"  # the first reader: its lock taken, computed after its response
    shared_figures._request.generations = {}
    assert read(32, compute("other")) == "before"  # another reader meanwhile: served the value before, not computing
    request_finished.send(sender=None)
    assert computed == ["before", "after"]


def test_on_a_quiet_day_the_reader_computes_it_at_once(behind, settings, django_capture_on_commit_callbacks):
    computed = []
    compute = counted(computed)
    request(lambda: read(33, compute("before")))
    settings.FIGURES_BEHIND_SECONDS = 0.05
    time.sleep(0.1)  # the value before is older than the window: no change came in quick succession
    changed(django_capture_on_commit_callbacks, 33)
    assert request(lambda: read(33, compute("after"))) == "after"


def test_the_request_that_made_the_change_reads_the_new_value(behind, django_capture_on_commit_callbacks):
    computed = []
    compute = counted(computed)
    request(lambda: read(34, compute("before")))

    def change_then_read():
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed(plans=[34], agencies=[])
        return read(34, compute("after"))

    assert request(change_then_read) == "after"


def test_a_figure_not_marked_behind_is_computed_on_its_readers_time(behind, django_capture_on_commit_callbacks):
    computed = []
    compute = counted(computed)
    request(lambda: read(35, compute("before"), behind=False))
    changed(django_capture_on_commit_callbacks, 35)
    assert request(lambda: read(35, compute("after"), behind=False)) == "after"


def test_a_computation_after_the_response_that_fails_leaves_the_figure_to_the_next_reader(
    behind, django_capture_on_commit_callbacks, caplog
):
    computed = []
    compute = counted(computed)
    request(lambda: read(36, compute("before")))
    changed(django_capture_on_commit_callbacks, 36)

    def broken():
        raise RuntimeError("the database went away")

    assert request(lambda: read(36, broken)) == "before"  # the response is not broken by it
    assert "work done after the response failed" in caplog.text
    # Its lock released: the next reader computes it (after its own response, changes still coming in), the one after reads it.
    assert request(lambda: read(36, compute("after"))) == "before"
    assert computed == ["before", "after"]
    assert request(lambda: read(36, compute("again"))) == "after"


def test_the_computation_after_the_response_speaks_the_readers_language(behind, django_capture_on_commit_callbacks):
    languages = []

    def compute():
        languages.append(translation.get_language())
        return len(languages)

    request(lambda: read(37, compute))
    changed(django_capture_on_commit_callbacks, 37)

    def reader():
        translation.activate("en")
        value = read(37, compute)
        translation.activate("vi")  # another request's language in this thread before the response has gone
        return value

    request(reader)
    assert languages[-1] == "en"


def test_the_computation_after_the_response_leaves_a_connection_inside_a_transaction_open(
    behind, django_capture_on_commit_callbacks, monkeypatch
):
    """After its work the request's end closes the connections past their age, as Django's own receiver does; a connection
    still in a transaction (a test's, which Django's test client keeps by disconnecting that receiver) is not closed under
    it: on PostgreSQL the next query failed (``connection already closed``)."""
    from django.db import close_old_connections, connection

    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    computed = []
    compute = counted(computed)
    for signal in (request_started, request_finished):  # as Django's test client sends them
        signal.disconnect(close_old_connections)
    try:
        request(lambda: read(38, compute("before")))
        changed(django_capture_on_commit_callbacks, 38)
        assert request(lambda: read(38, compute("after"))) == "before"
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    assert computed == ["before", "after"]
    assert closed == []


def test_a_value_whose_computation_a_later_change_overtook_is_served_once_ready(behind, django_capture_on_commit_callbacks):
    """While changes come in quick succession a computation often ends after the next change: its value, newer than the one
    served, is served from then on (it was kept under its own generation only, and every reader went on being served the
    value from before, for as long as changes kept overtaking the computations: up to ``FIGURES_CACHE_SECONDS``)."""
    computed = []
    compute = counted(computed)
    request(lambda: read(39, compute("before")))
    changed(django_capture_on_commit_callbacks, 39)

    def overtaken():
        changed(django_capture_on_commit_callbacks, 39)  # another report sent while this value is computed
        return "after"

    assert request(lambda: read(39, overtaken)) == "before"
    assert request(lambda: read(39, compute("again"))) == "after"  # out of date again: served the newest ready, computes
    assert request(lambda: read(39, compute("more"))) == "again"


def test_a_computation_started_before_another_that_ended_first_does_not_replace_its_value(behind, django_capture_on_commit_callbacks):
    """The value served never goes back: a computation started earlier (older rows read) that ends after a later one's
    is not served in its place."""
    computed = []
    compute = counted(computed)
    request(lambda: read(40, compute("before")))
    changed(django_capture_on_commit_callbacks, 40)

    def slow():  # started first; meanwhile a change and a newer computation that ends first
        changed(django_capture_on_commit_callbacks, 40)
        assert request(lambda: read(40, compute("newer"), behind=False)) == "newer"
        return "older"

    shared_figures._request.generations = {}
    assert request(lambda: read(40, slow)) == "before"
    changed(django_capture_on_commit_callbacks, 40)
    assert request(lambda: read(40, compute("latest"))) == "newer"
