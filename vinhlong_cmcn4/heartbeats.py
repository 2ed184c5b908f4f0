"""When beat last published a job and when a worker last ran the heartbeat job.

Both are kept in the shared cache (Redis in production, or the database table ``portal_cache``), so any
web server's /health/ sees what the beat and worker processes on other machines wrote.
"""

import datetime

from django.core.cache import cache
from django.utils import timezone

BEAT = "beat"
WORKER = "worker"


def _key(kind: str) -> str:
    return f"vinhlong_cmcn4:heartbeat:{kind}"


def heartbeat_record(kind: str, *, at: datetime.datetime | None = None) -> None:
    """Note that the ``kind`` process (beat or worker) was alive ``at`` (now)."""
    cache.set(_key(kind), (at or timezone.now()).timestamp(), timeout=None)


def heartbeat_last(kind: str) -> datetime.datetime | None:
    """When the ``kind`` process last showed it was alive, or None if it never did."""
    stamp = cache.get(_key(kind))
    return None if stamp is None else datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def beat_published(sender=None, **kwargs) -> None:
    """Celery ``before_task_publish`` receiver, connected in the beat process only (vinhlong_cmcn4.celery)."""
    try:
        heartbeat_record(BEAT)
    except Exception:  # noqa: BLE001 - a cache outage must never stop the schedule; /health/ shows it as stale
        import logging

        logging.getLogger(__name__).warning("could not record the beat heartbeat", exc_info=True)
