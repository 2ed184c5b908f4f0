"""The outbox: jobs leave only after the commit, and a broker that refuses loses nothing."""

import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from core.models import OutboxMessage
from core.outbox import job_enqueue, outbox_publish
from core.tests.brokers import broker_use
from reports.jobs import upkeep_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_broker():
    previous = broker_use("redis://127.0.0.1:9/0", eager=False)  # nothing listens on port 9
    yield
    broker_use(previous[0], eager=previous[1])


def test_a_job_leaves_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        message = job_enqueue(upkeep_job)
    assert OutboxMessage.objects.get(pk=message.pk).sent_at is None  # committed, not yet published
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_a_job_queued_by_a_request_leaves_once_its_response_has_gone(django_capture_on_commit_callbacks):
    """The user does not wait for the claim and the broker's round trips: in a request, the message is published once
    the response has gone (``request_finished``); a job or a command publishes it at once (the test above)."""
    # as Django's test client: the test's transaction is not a request's connection to close
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        try:
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                message = job_enqueue(upkeep_job)
            assert OutboxMessage.objects.get(pk=message.pk).sent_at is None  # committed; the response not gone yet
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_a_rolled_back_change_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(upkeep_job)
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()


def test_a_refusing_broker_leaves_the_job_waiting_with_its_error(refusing_broker):
    message = OutboxMessage.objects.create(job=upkeep_job.name)
    started = time.monotonic()
    assert outbox_publish() == 0
    assert time.monotonic() - started < 8
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and message.last_error


def test_the_admin_lists_waiting_jobs_and_sends_them_again(admin_client_for, refusing_broker):
    message = OutboxMessage.objects.create(job=upkeep_job.name, last_error="OperationalError: refused")
    page = admin_client_for.get("/admin/core/outboxmessage/?sent_at__isempty=1").content.decode()
    assert "OperationalError: refused" in page
    broker_use("memory://", eager=True)
    admin_client_for.post("/admin/core/outboxmessage/", {"action": "publish_now", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.fixture
def admin_client_for(client, sysadmin):
    client.force_login(sysadmin)
    return client


@pytest.fixture
def memory_broker():
    previous = broker_use("memory://", eager=False)
    yield
    broker_use(previous[0], eager=previous[1])


def test_a_thread_keeps_its_connection_to_the_broker(memory_broker):
    """A new connection costs some twenty round trips to Redis (hundreds of ms when the cores are busy on a deadline
    day): each thread keeps one, and a broker changed since gets a new one."""
    from unittest import mock

    from core import outbox

    used = []

    def publish(message, connection):
        used.append(connection)
        return real(message, connection)

    real = outbox._publish
    with mock.patch.object(outbox, "_publish", publish):
        for _ in range(2):
            assert outbox_publish(ids=[OutboxMessage.objects.create(job=upkeep_job.name).pk]) == 1
        broker_use("memory://localhost/1", eager=False)
        assert outbox_publish(ids=[OutboxMessage.objects.create(job=upkeep_job.name).pk]) == 1
    assert used[0] is used[1] and used[2] is not used[1]


def test_a_kept_connection_closed_under_it_is_replaced_and_the_job_still_leaves(memory_broker):
    from unittest import mock

    from core import outbox

    assert outbox_publish(ids=[OutboxMessage.objects.create(job=upkeep_job.name).pk]) == 1  # a connection kept
    real, calls = outbox._publish, []

    def publish(message, connection):
        calls.append(connection)
        if len(calls) == 1:
            raise ConnectionResetError("Redis restarted since")
        return real(message, connection)

    message = OutboxMessage.objects.create(job=upkeep_job.name)
    with mock.patch.object(outbox, "_publish", publish):
        assert outbox_publish(ids=[message.pk]) == 1
    assert len(calls) == 2 and calls[0] is not calls[1]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


class _FreezingProxy:
    """A TCP proxy to the test's Redis that can freeze: it then keeps every connection open and answers nothing (a
    Redis stuck on a full disk or a paused VM), new ones included."""

    def __init__(self, target: tuple[str, int]):
        import socket
        import threading

        self.target, self.frozen = target, threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import socket
        import threading

        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if not self.frozen.is_set():
                sink.sendall(data)

    def close(self):
        self.server.close()
        for sock in self.sockets:
            sock.close()


@pytest.mark.redis
def test_a_kept_connection_to_a_broker_that_hangs_costs_one_timeout_not_two(settings):
    """The request path waits REDIS_SOCKET_TIMEOUT for a broker that stopped answering, once: kombu gives the socket's
    timeout as an OperationalError, which the kept connection took for a connection closed under it (Redis restarted)
    and tried again on a new one, waiting as long again."""
    import os
    from urllib.parse import urlsplit

    from core.redis_breaker import breaker

    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    proxy = _FreezingProxy((redis.hostname or "127.0.0.1", redis.port or 6379))
    previous = broker_use(f"redis://127.0.0.1:{proxy.port}{redis.path or '/0'}", eager=False)
    try:
        assert outbox_publish(ids=[OutboxMessage.objects.create(job=upkeep_job.name).pk]) == 1  # a connection kept
        proxy.frozen.set()
        message = OutboxMessage.objects.create(job=upkeep_job.name)
        started = time.monotonic()
        assert outbox_publish(ids=[message.pk]) == 0
        waited = time.monotonic() - started
    finally:
        broker_use(previous[0], eager=previous[1])
        proxy.close()
        breaker.reset()
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert waited < 1.8 * settings.REDIS_SOCKET_TIMEOUT, waited


def test_a_job_committed_leaves_in_one_statement_and_a_refused_one_waits_for_the_drain(memory_broker, django_capture_on_commit_callbacks):
    """Every workflow step queues a job: after its commit the message is claimed by one conditional update and sent (no
    transaction, lock and second update as a drain takes); a broker that refuses gives it back to the drain, error kept."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import outbox

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        sent = job_enqueue(upkeep_job)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    sent.refresh_from_db()
    assert sent.sent_at is not None and sent.attempts == 1
    assert len(queries) == 1 and queries[0]["sql"].startswith("UPDATE"), [q["sql"] for q in queries]

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        refused = job_enqueue(upkeep_job)
    with mock.patch.object(outbox, "_publish", side_effect=ConnectionRefusedError("Redis refused")):
        for callback in callbacks:
            callback()
    refused.refresh_from_db()
    assert refused.sent_at is None and refused.attempts == 1 and "Redis refused" in refused.last_error
    outbox.breaker.reset()
    assert outbox_publish() == 1  # the drain sends it
    refused.refresh_from_db()
    assert refused.sent_at is not None and refused.attempts == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_committed_is_claimed_in_one_round_trip_without_a_transaction_of_its_own(memory_broker):
    """After the step's commit (autocommit again) the claim is one statement, its own transaction on PostgreSQL: no
    BEGIN and COMMIT around it (two more round trips on every workflow step of a deadline day)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import outbox

    message = OutboxMessage.objects.create(job=upkeep_job.name)
    with CaptureQueriesContext(connection) as queries:
        outbox._publish_new(message)
    assert [q["sql"].split()[0] for q in queries] == ["UPDATE"], [q["sql"] for q in queries]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    with CaptureQueriesContext(connection) as queries:
        outbox._publish_new(message)  # claimed already (a drain sent it): nothing to send
    assert len(queries) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_committed_does_not_wait_for_a_drain_that_holds_its_row(memory_broker):
    """A drain that locked the message (its batch still being sent: up to the broker's timeout when Redis hangs) is left
    to send it: the request that committed it does not queue behind the drain's transaction (its claim waited for the
    row lock; the drain the claim replaced skipped locked rows)."""
    import threading

    from django.db import connections

    from core import outbox
    from core.locking import locked

    message = OutboxMessage.objects.create(job=upkeep_job.name)
    holding, release = threading.Event(), threading.Event()

    def drain():
        try:
            with transaction.atomic():
                list(locked(OutboxMessage.objects, skip_locked=True).filter(pk=message.pk))
                holding.set()
                release.wait(4)
        finally:
            connections.close_all()

    thread = threading.Thread(target=drain)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    try:
        outbox._publish_new(message)
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join()
    assert waited < 2, waited
    message.refresh_from_db()
    assert message.sent_at is None  # the drain's to send (this one only held it)


def test_a_job_claimed_whose_process_died_before_sending_it_is_sent_again_by_the_drain(
    memory_broker, settings, django_capture_on_commit_callbacks
):
    """The claim leaves a row that looks sent: a process that dies before sending it (a worker killed) leaves it to the
    drain's rule for jobs lost on the way (its key ``outbox-<row>`` not done ``OUTBOX_REDELIVER_SECONDS`` later)."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from core import outbox

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        message = job_enqueue(upkeep_job)
    with mock.patch.object(outbox, "_publish", side_effect=SystemExit), pytest.raises(SystemExit):
        for callback in callbacks:
            callback()
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    assert outbox_publish() == 0  # not lost yet: it may be on its way
    gone = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS + 1)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=gone)
    assert outbox_publish() == 1
    message.refresh_from_db()
    assert message.attempts == 2


def test_only_sends_count_toward_the_cap_of_sends_not_the_attempts_the_broker_refused(
    memory_broker, settings, django_capture_on_commit_callbacks
):
    """A job refused during a long outage, then sent and lost on the way, is still sent again: ``OUTBOX_MAX_SENDS`` caps
    the copies that left, not the tries that never did; a job sent that many times is sent no more."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from core import outbox

    settings.OUTBOX_MAX_SENDS = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        message = job_enqueue(upkeep_job)
    with mock.patch.object(outbox, "_publish", side_effect=ConnectionRefusedError("Redis refused")):
        for callback in callbacks:
            callback()  # refused at once after the commit
        for _ in range(3):  # and by three drains
            outbox.breaker.reset()
            assert outbox_publish() == 0
    outbox.breaker.reset()
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 4)  # four tries, none left
    gone = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS + 1)
    assert outbox_publish() == 1  # the broker is back: sent once
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=gone)  # and lost on the way
    assert outbox_publish() == 1  # sent again: one copy had left so far
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=gone)  # lost again
    assert outbox_publish() == 0  # two copies left: the cap
    message.refresh_from_db()
    assert (message.attempts, message.sends) == (6, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claimers_and_a_drain_at_once_send_a_committed_job_once(memory_broker):
    """The claim without a transaction of its own (one UPDATE whose sub-select locks the row, SKIP LOCKED): however many
    claim a job at the same instant, requests or a drain, one sends it and the row counts one attempt."""
    import threading
    from unittest import mock

    from django.db import connections

    from core import outbox

    sent: list[int] = []
    publish = outbox._publish

    def recorded(message, connection):
        sent.append(message.pk)
        publish(message, connection)

    messages = [OutboxMessage.objects.create(job=upkeep_job.name) for _ in range(3)]
    for message in messages:
        start = threading.Barrier(5)
        errors: list[BaseException] = []

        def run(step, start=start, errors=errors):
            try:
                start.wait(10)
                step()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
            finally:
                connections.close_all()

        steps = [lambda m=message: outbox._publish_new(m)] * 4 + [lambda m=message: outbox_publish(ids=[m.pk])]
        with mock.patch.object(outbox, "_publish", side_effect=recorded):
            threads = [threading.Thread(target=run, args=(step,)) for step in steps]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert errors == []
        message.refresh_from_db()
        assert sent.count(message.pk) == 1 and message.attempts == 1 and message.sent_at is not None
