"""Work queued for after a response (``core.after_response``): never lost with a response that does not say it has gone."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import reverse

from core import shared_figures
from core.after_response import after_response, in_request
from core.outbox import job_enqueue
from plans.tests.factories import PlanFactory
from reports.jobs import upkeep_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_connection_kept():
    """As Django's test client: the test's transaction is not a request's connection to close."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_work_of_a_response_that_never_said_it_had_gone_runs_when_its_thread_answers_the_next_request(test_connection_kept):
    """A server that does not close the response (Django's test client with a download left unread; a WSGI server whose
    handler failed before returning it) sends no ``request_finished``: the next request of the thread does the work
    the previous one left, it does not drop it (a job committed would wait for the minute's drain, or never be sent)."""
    done, seen = [], []
    request_started.send(sender=None)
    shared_figures._request.generations = {"a generation": "read by the request"}
    assert after_response(lambda: done.append("left") or seen.append((in_request(), shared_figures._request.generations)))
    request_started.send(sender=None)  # the next request: the previous one's response has gone
    try:
        assert done == ["left"] and seen == [(False, {})]  # done as after any response: in no request's state
        assert after_response(lambda: done.append("next"))
    finally:
        request_finished.send(sender=None)
    assert done == ["left", "next"] and not in_request()


# The two tests below run in this order (-n 0): the first leaves the test client's request open, as any test that
# reads a streamed download's status but not its body; the second calls a service as a job or a command does.


def test_a_download_left_unread_by_a_test(client):
    plan = PlanFactory()
    response = client.get(reverse("public:open_data", args=[plan.pk, "csv"]))
    assert response.status_code == 200 and response.streaming  # its body not read: the client sends no request_finished


def test_a_service_called_by_the_next_test_publishes_its_job_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = job_enqueue(upkeep_job)
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
