"""Enqueue Celery jobs through an outbox, so a broker outage never loses work or blocks a user.

``job_enqueue`` writes the job in the caller's transaction and publishes it after the commit,
with short timeouts and no retries. If Redis refuses the connection or hangs, the publish
gives up within seconds, the row stays pending and ``outbox_publish`` (run every minute by
beat, and by every later enqueue) sends it once the broker answers again.

A published job whose key (``outbox-<row>``) is still not done ``OUTBOX_REDELIVER_SECONDS`` later
was lost on the way (a Redis restart, a retry published while Redis was down): it is sent again,
until ``OUTBOX_MAX_SENDS`` copies have left (``OutboxMessage.sends``: a try the broker refused sent nothing, so it
counts among the ``attempts`` only). Its key makes the extra copy harmless (``core.once``).
"""

import contextlib
import datetime
import logging
import threading

from celery import Task
from celery import current_app as app  # the project's Celery app (vinhlong_cmcn4.celery), set as current
from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .after_response import after_response
from .locking import locked
from .models import JobRun, OutboxMessage
from .redis_breaker import breaker

logger = logging.getLogger(__name__)


def job_enqueue(job: Task | str, *args, **kwargs) -> OutboxMessage:
    """Queue ``job(*args, **kwargs)`` to run after the current transaction commits.

    ``job`` is a job or its registered name (``"reports.jobs.summary_pdf_job"``): services name the job
    they queue, so no service imports a ``jobs`` module and the jobs sit above the services they call.
    """
    name = job if isinstance(job, str) else job.name
    message = OutboxMessage.objects.create(job=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _publish_committed(message))
    return message


def _publish_committed(message: OutboxMessage) -> None:
    """Publish a message once its transaction committed: in a request, after its response has gone (the user does not
    wait for the claim and the broker's round trips; a worker that dies before leaves the row to the drain, as any
    message not sent); elsewhere at once."""
    if not after_response(lambda: _publish_new(message)):
        _publish_new(message)


def _publish_new(message: OutboxMessage) -> None:
    """Publish a message just committed: claimed by one conditional update (only one claimer finds it unsent), then sent;
    a failure gives it back to the drain. One statement where a drain takes a transaction, a lock and two more: every
    workflow step enqueues a job. A process that dies between the claim and the sending leaves a row that looks sent and
    whose job never ran: the drain sends it again after ``OUTBOX_REDELIVER_SECONDS``, as any message lost on the way."""
    if app.conf.task_always_eager:
        outbox_publish(ids=[message.pk])  # the job runs here, in the drain's transaction (its failure is kept on the row)
        return
    if breaker.is_open():
        return
    if not _claimed(message):
        return  # a drain sent it meanwhile, or holds it to send it
    try:
        _publish_kept(message, eager=False)
    except Exception as error:  # noqa: BLE001 - any broker failure leaves the row for the next drain
        breaker.failed(error)
        last_error = f"{type(error).__name__}: {error}"[:2000]
        # the claim counted a copy sent: none left
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None, sends=F("sends") - 1, last_error=last_error)
        logger.warning("outbox: could not publish %s (%s); it waits for the next drain", message, last_error)


def _claimed(message: OutboxMessage) -> bool:
    """Mark the message sent if nobody has: a row a drain holds is left to it (SKIP LOCKED, as the drain skips the rows
    another holds), so the request that committed it never waits for a drain's batch (up to the broker's timeout when
    Redis hangs). One statement: on PostgreSQL its own transaction (Django takes a lock only inside one it opened,
    two more round trips on every workflow step). It counts the copy sent (``sends``); a refused sending takes it back."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OutboxMessage._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET sent_at = %s, attempts = attempts + 1, sends = sends + 1, last_error = '' "  # noqa: S608 - our own table's name
                f"WHERE id = (SELECT id FROM {table} WHERE id = %s AND sent_at IS NULL FOR UPDATE SKIP LOCKED)",
                [now, message.pk],
            )
            return cursor.rowcount == 1
    unsent = locked(OutboxMessage.objects, skip_locked=True).filter(pk=message.pk, sent_at__isnull=True).values("pk")
    with transaction.atomic(savepoint=False):
        return bool(
            OutboxMessage.objects.filter(pk__in=unsent).update(sent_at=now, attempts=F("attempts") + 1, sends=F("sends") + 1, last_error="")
        )


def outbox_publish(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Publish pending messages (these ``ids``, or the oldest ``limit``); returns how many went out.

    Rows are locked while published, so two drains never send the same row; the first
    broker error stops the batch (the broker is down: the rest would wait just as long).
    """
    eager = app.conf.task_always_eager
    if not eager and breaker.is_open():
        return 0  # Redis did not answer a moment ago: the rows wait for the next drain, nobody waits on Redis
    sent = 0
    with transaction.atomic():
        pending = locked(OutboxMessage.objects, skip_locked=True).filter(_waiting())
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        for message in pending.order_by("id")[:limit]:
            try:
                with transaction.atomic():  # a job run eagerly that fails must not break this batch
                    _publish_kept(message, eager=eager)
            except Exception as error:  # noqa: BLE001 - any broker failure leaves the row for the next drain
                if not eager:
                    breaker.failed(error)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: could not publish %s (%s); it waits for the next drain", message, message.last_error)
                break
            message.attempts += 1
            message.sends += 1  # a refused try (above) is an attempt, not a copy sent
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "sends", "sent_at", "last_error"])
            sent += 1
    return sent


def _waiting() -> Q:
    """Rows never sent, and (with a broker) rows sent long ago whose job has not run."""
    if app.conf.task_always_eager:
        return Q(sent_at__isnull=True)
    now = timezone.now()
    done = JobRun.objects.filter(key=Concat(Value("outbox-"), Cast(OuterRef("pk"), CharField())), done_at__isnull=False)
    lost = Q(
        sent_at__lt=now - datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS),
        created_at__gt=now - datetime.timedelta(days=2),
        sends__lt=settings.OUTBOX_MAX_SENDS,  # copies that left: the tries the broker refused sent none
    ) & ~Exists(done)
    return Q(sent_at__isnull=True) | lost


def _publish_options() -> dict:
    timeout = settings.REDIS_SOCKET_TIMEOUT
    # max_retries 0: a refused connection is not tried again here (kombu would retry for seconds); the drain retries
    return {**app.conf.broker_transport_options, "socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}


# Each thread keeps its connection to the broker, with the short timeouts of the request path: a new one costs some
# twenty round trips to Redis (about 4 ms alone, hundreds of ms when every core is busy on a deadline day), a kept one two.
_publisher = threading.local()


def _publish_kept(message: OutboxMessage, *, eager: bool) -> None:
    """:func:`_publish` on this thread's kept connection; a kept connection that fails (Redis restarted since) is
    dropped and the message tried once more on a new one, as it was before connections were kept."""
    if eager:
        _publish(message, None)
        return
    broker = app.conf.broker_write_url or app.conf.broker_url
    kept = getattr(_publisher, "connection", None) if getattr(_publisher, "broker", None) == broker else None
    if kept is not None:
        try:
            _publish(message, kept)
            return
        except Exception as error:
            _publisher.connection = None
            with contextlib.suppress(Exception):
                kept.release()
            if _timed_out(error):
                raise  # Redis hangs: a new connection would wait as long again
            # else: closed under us (Redis restarted since), tried again below on a new connection
    connection = app.connection_for_write(connect_timeout=settings.REDIS_SOCKET_TIMEOUT, transport_options=_publish_options())
    try:
        _publish(message, connection)
    except Exception:
        with contextlib.suppress(Exception):
            connection.release()
        raise
    _publisher.connection, _publisher.broker = connection, broker


def _timed_out(error: BaseException | None) -> bool:
    """Did the broker stop answering (a socket's timeout), however kombu passed it on (an ``OperationalError`` whose
    cause is redis-py's ``TimeoutError``, itself raised from the socket's)?"""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, TimeoutError) or "timeout" in type(error).__name__.lower():
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _publish(message: OutboxMessage, connection) -> None:
    if app.conf.task_always_eager:
        if message.job not in app.tasks:
            app.loader.import_default_modules()  # the jobs.py modules, as a worker loads them
        app.tasks[message.job].apply(args=message.args, kwargs=message.kwargs, throw=True)
        return
    # No retries here: the transport's short socket timeouts bound the wait; the drain retries later.
    # The row's fixed task id is the job's key (core.once): republished, it still runs once.
    app.send_task(
        message.job,
        args=message.args,
        kwargs=message.kwargs,
        task_id=f"outbox-{message.pk}",
        retry=False,
        timeout=settings.REDIS_SOCKET_TIMEOUT,
        connection=connection,
    )


def outbox_backlog() -> tuple[int, datetime.datetime | None]:
    """How many jobs wait for the broker, and since when the oldest waits (for /health/ and /metrics)."""
    from django.db.models import Count, Min

    row = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(count=Count("id"), oldest=Min("created_at"))
    return row["count"], row["oldest"]
