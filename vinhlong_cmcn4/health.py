"""/health/: is every part of the portal working? JSON, for monitoring and for IT staff.

Built on django-health-check. Reports the database, Redis, the object store or media folder, when beat last
published a job, when a worker last ran the heartbeat job, the outbox backlog and free disk. Any failing
check makes the answer 503. ``/healthz`` (vinhlong_cmcn4.views) stays the proxy's cheap probe.
"""

import dataclasses
import datetime
import hmac
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from core.outbox import outbox_backlog

from .clients import client_address, within
from .heartbeats import BEAT, WORKER, heartbeat_last


def monitoring_allowed(request) -> bool:
    """The monitoring pages answer the allowed addresses, or a request with the monitoring token."""
    token = settings.MONITORING_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return within(client_address(request), settings.MONITORING_ALLOWED_IPS)


def _seconds_since(moment: datetime.datetime) -> int:
    return int((timezone.now() - moment).total_seconds())


@dataclasses.dataclass
class Heartbeat(HealthCheck):
    """Fails when the beat (or worker) process has been silent longer than its setting allows."""

    process: str = BEAT

    def run(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return  # no broker: jobs run inside the web process, there is no beat or worker to watch
        limit = settings.HEALTH_BEAT_MAX_AGE if self.process == BEAT else settings.HEALTH_WORKER_MAX_AGE
        last = heartbeat_last(self.process)
        if last is None:
            raise ServiceUnavailable(_("%(process)s has never run.") % {"process": self.process})
        if _seconds_since(last) > limit:
            raise ServiceUnavailable(
                _("%(process)s silent for %(seconds)d s (since %(at)s).")
                % {"process": self.process, "seconds": _seconds_since(last), "at": timezone.localtime(last).isoformat(timespec="seconds")}
            )


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    """Fails when a queued job has waited for the broker longer than HEALTH_OUTBOX_MAX_AGE."""

    def run(self) -> None:
        try:
            count, oldest = outbox_backlog()
        finally:
            connections.close_all()  # this runs in a worker thread: leave no connection behind
        if oldest is not None and _seconds_since(oldest) > settings.HEALTH_OUTBOX_MAX_AGE:
            raise ServiceUnavailable(
                _("%(count)d jobs wait for the broker, the oldest for %(seconds)d s.") % {"count": count, "seconds": _seconds_since(oldest)}
            )


@dataclasses.dataclass
class FreeDisk(HealthCheck):
    """Fails when the file system holding ``path`` has less than HEALTH_DISK_MIN_FREE_PERCENT free."""

    path: str = "."

    def run(self) -> None:
        path = Path(self.path)
        while not path.exists() and path != path.parent:
            path = path.parent  # MEDIA_ROOT before the first upload: the disk it will be on
        usage = shutil.disk_usage(path)
        free = 100 * usage.free / usage.total
        if free < settings.HEALTH_DISK_MIN_FREE_PERCENT:
            raise ServiceUnavailable(
                _("Only %(free).1f%% free on the disk of %(path)s (%(bytes)d MB).")
                % {"free": free, "path": self.path, "bytes": usage.free // 2**20}
            )


def health_checks() -> list[HealthCheck]:
    """The checks of this installation: Redis only where it is used, the media disk only when files are local."""
    checks: list[HealthCheck] = [Database(), Storage(), Heartbeat(process=BEAT), Heartbeat(process=WORKER), OutboxBacklog()]
    if settings.REDIS_URL:
        from health_check.contrib.redis import Redis
        from redis.asyncio import Redis as RedisClient

        url = settings.REDIS_URL
        checks.insert(
            1,
            Redis(
                client_factory=lambda: RedisClient.from_url(
                    url, socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT, socket_timeout=settings.REDIS_SOCKET_TIMEOUT
                )
            ),
        )
    checks.append(FreeDisk(path=tempfile.gettempdir()))
    if settings.STORAGE_BACKEND == "local":
        checks.append(FreeDisk(path=str(settings.MEDIA_ROOT)))
    return checks


def _name(check: HealthCheck) -> str:
    labels = check.labels
    kind = labels.pop("check").lower()
    labels.pop("alias", None)
    return ":".join([kind, *labels.values()])


class HealthView(HealthCheckView):
    """django-health-check's page, behind the monitoring access rule, with a JSON body monitoring can read."""

    def get_checks(self):
        return health_checks()

    async def get(self, request, *args, **kwargs):
        if not monitoring_allowed(request):
            return JsonResponse({"error": _("Only the monitoring server may read this page.")}, status=403)
        return await super().get(request, *args, **kwargs)

    def render_to_response(self, context, **kwargs):
        """Browsers get the JSON too: the package's HTML page is English-only, the JSON messages are Vietnamese."""
        return self.render_to_response_json(kwargs.get("status", 200))

    def render_to_response_json(self, status):
        failing = any(result.error for result in self.results)
        return JsonResponse(
            {
                "status": "error" if failing else "ok",
                "checks": {
                    _name(result.check): {
                        "ok": result.error is None,
                        "message": "" if result.error is None else str(result.error.message),
                        "seconds": round(result.time_taken, 3),
                    }
                    for result in self.results
                },
            },
            status=503 if failing else 200,
            json_dumps_params={"ensure_ascii": False},  # Vietnamese readable in a browser or curl
        )
