"""Celery application. Tasks live in each app's ``jobs.py``.

Without ``REDIS_URL`` the settings make Celery run tasks eagerly, so a checkout works with no broker.
The schedule is read from the database (django-celery-beat). Only one beat may run: it holds a
lock in Redis while alive and renews it; a second beat started by mistake finds the lock taken
and stops. When Redis restarts (the lock is gone) the running beat takes the lock again at its
next renewal; if another beat was quicker, this one stops: never two schedulers. Every job is
idempotent besides (``core.once``).
"""

import logging
import os
import signal
import threading

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")

app = Celery("vinhlong_cmcn4", task_cls="core.once:OnceTask")  # every job runs once per key
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
logger = logging.getLogger(__name__)

BEAT_LOCK_SECONDS = int(os.environ.get("BEAT_LOCK_SECONDS", "60"))  # renewed every third of it


@beat_init.connect
def beat_lock_hold(sender=None, **kwargs) -> None:
    """Take the beat lock or stop this beat; renew it every 20 s while the beat lives."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=3)
    lock = client.lock(settings.BEAT_LOCK_KEY, timeout=BEAT_LOCK_SECONDS, thread_local=False)
    if not lock.acquire(blocking=True, blocking_timeout=5):
        logger.error("Another celery beat holds %s: this one stops (only one scheduler may run).", settings.BEAT_LOCK_KEY)
        raise SystemExit(1)

    def renew() -> None:
        stop = threading.Event()
        while not stop.wait(BEAT_LOCK_SECONDS / 3):
            if not beat_lock_keep(lock):
                logger.error("Another celery beat took %s: this one stops (only one scheduler may run).", settings.BEAT_LOCK_KEY)
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()


@beat_init.connect
def beat_heartbeat_connect(sender=None, **kwargs) -> None:
    """In the beat process only: every job beat publishes proves it alive (read by /health/)."""
    from celery.signals import before_task_publish

    from .heartbeats import beat_published

    before_task_publish.connect(beat_published, weak=False)


def beat_lock_keep(lock) -> bool:
    """Renew the beat lock, or take it again when Redis lost it (a restart); False when another beat holds it."""
    import redis

    try:
        lock.extend(BEAT_LOCK_SECONDS, replace_ttl=True)
        return True
    except redis.exceptions.LockNotOwnedError:
        taken = lock.acquire(blocking=False)
        if taken:
            logger.warning("the beat lock was lost (Redis restarted?): taken again")
        return bool(taken)
    except redis.RedisError as error:  # Redis unreachable: nobody can take the lock meanwhile; try again
        logger.warning("could not renew the beat lock: %s", error)
        return True


from . import logs  # noqa: E402,F401 - the job log lines and counters, in every process that runs jobs
