"""Celery application. Tasks live in each app's ``jobs.py``.

Without ``REDIS_URL`` the settings make Celery run tasks eagerly, so a checkout works with no broker.
The schedule is read from the database (django-celery-beat). Only one beat may run: it holds a
lock in Redis while alive and renews it; a second beat started by mistake finds the lock taken
and stops (and were two to run, every scheduled job is idempotent: a summary is compiled once).
"""

import logging
import os
import threading

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")

app = Celery("vinhlong_cmcn4")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
logger = logging.getLogger(__name__)

BEAT_LOCK_SECONDS = 60


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
            try:
                lock.extend(BEAT_LOCK_SECONDS, replace_ttl=True)
            except redis.RedisError:
                logger.exception("could not renew the beat lock")

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()


@beat_init.connect
def beat_heartbeat_connect(sender=None, **kwargs) -> None:
    """In the beat process only: every job beat publishes proves it alive (read by /health/)."""
    from celery.signals import before_task_publish

    from .heartbeats import beat_published

    before_task_publish.connect(beat_published, weak=False)


from . import logs  # noqa: E402,F401 - the job log lines and counters, in every process that runs jobs
