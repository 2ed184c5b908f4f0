"""Jobs that run once, whatever the broker does.

Redis may deliver a message twice: the outbox republishes a publish that timed out but had
arrived, and a message a dead worker had taken is delivered again after ``visibility_timeout``.
Every job is therefore a :class:`OnceTask`: before its side effect it claims its key (the
message's task id; the outbox gives each row the fixed id ``outbox-<row>``) in a ``JobRun`` row,
in a transaction of its own.

- key done: a duplicate; nothing happens;
- key claimed less than ``JOB_LEASE_SECONDS`` ago: another delivery is running (or died a moment
  ago): this one comes back when the lease ends, and then finds the key done, or takes it over;
- otherwise it claims the key and runs; a failure releases it for the retry, success marks it done.

The lease outlasts the hard time limit of any job (a job still running after it was killed), and
stays below the broker's ``visibility_timeout``, so a late retry is never redelivered in between.

A message can still vanish (Redis restarted without it, a retry that could not be published while
Redis was down): the outbox sends again every job whose key is not done ``OUTBOX_REDELIVER_SECONDS``
after it was published (``core.outbox``); the key keeps that from running anything twice.
"""

import datetime
import logging
import time

from celery import Task
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from .locking import locked

logger = logging.getLogger(__name__)
# ``JobRun`` is imported inside the functions: the Celery app names ``OnceTask`` as its task class and may load this
# module while Django's apps are still loading (a worker starting), before a model can be imported.
RUN, DONE, BUSY = "run", "done", "busy"


def _steadily(write):
    """Run a bookkeeping write, reconnecting when the database dropped the connection (a restart, a kill)."""
    for attempt in range(4):
        try:
            return write()
        except (OperationalError, InterfaceError) as error:
            logger.warning("job bookkeeping: database unreachable (%s); trying again", error)
            connection.close()
            time.sleep(1 + attempt)
    return write()


def job_claim(*, key: str, job: str, now: datetime.datetime | None = None) -> tuple[str, float]:
    """Claim ``key`` for a run: (RUN | DONE | BUSY, seconds until a busy claim's lease ends)."""
    return _steadily(lambda: _claim(key=key, job=job, now=now))


def _claim(*, key: str, job: str, now: datetime.datetime | None) -> tuple[str, float]:
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    from .models import JobRun

    try:
        with transaction.atomic():
            row, created = locked(JobRun.objects).get_or_create(key=key, defaults={"job": job, "claimed_at": now, "attempts": 1})
    except IntegrityError:  # two deliveries created it at the same instant: the other one runs
        return BUSY, lease.total_seconds()
    if created:
        return RUN, 0
    with transaction.atomic():
        row = locked(JobRun.objects).get(pk=row.pk)
        if row.done_at:
            return DONE, 0
        if row.claimed_at and row.claimed_at > now - lease:
            return BUSY, (row.claimed_at + lease - now).total_seconds()
        if row.attempts >= settings.JOB_MAX_ATTEMPTS:
            row.done_at = now
            row.save(update_fields=["done_at"])
            logger.error("job %s (%s) gave up after %d attempts that never finished", job, key, row.attempts)
            return DONE, 0
        row.claimed_at, row.attempts = now, row.attempts + 1
        row.save(update_fields=["claimed_at", "attempts"])
    return RUN, 0


def job_release(*, key: str) -> None:
    from .models import JobRun

    _steadily(lambda: JobRun.objects.filter(key=key, done_at__isnull=True).update(claimed_at=None))


def job_done(*, key: str) -> None:
    from .models import JobRun

    _steadily(lambda: JobRun.objects.filter(key=key).update(done_at=timezone.now()))


class OnceTask(Task):
    """The base of every job (``Celery(task_cls=...)``): claims the delivery's key before running."""

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.called_directly or request.is_eager or not request.id:
            return super().__call__(*args, **kwargs)  # in-process: no broker, no duplicate
        state, wait = job_claim(key=request.id, job=self.name)
        if state == DONE:
            logger.info("job %s (%s) already ran: this duplicate delivery does nothing", self.name, request.id)
            return None
        if state == BUSY:
            logger.info("job %s (%s) is running elsewhere: checked again in %.0f s", self.name, request.id, wait)
            raise self.retry(countdown=max(1, int(wait) + 1), max_retries=None)
        try:
            result = self.run(*args, **kwargs)  # the worker has pushed the request already
        except BaseException:
            job_release(key=request.id)  # a retry of the same key may run it again
            raise
        job_done(key=request.id)
        return result


def job_runs_prune(*, now: datetime.datetime, kept: datetime.timedelta = datetime.timedelta(days=30)) -> int:
    """Forget the keys of jobs done long ago (no broker holds a message that old)."""
    from .models import JobRun

    deleted, _detail = JobRun.objects.filter(done_at__lt=now - kept).delete()
    return deleted
