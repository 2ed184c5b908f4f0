"""Structured logs: one JSON line per request and one per Celery job, and the job counters behind /metrics.

The loggers ``vinhlong_cmcn4.requests`` and ``vinhlong_cmcn4.jobs`` write through the JSON formatter set in
``settings.LOGGING``; a log collector (journald, Loki, ELK) reads them without parsing prose.
"""

import logging
import re
import time
import uuid

from celery.signals import task_postrun, task_prerun

request_log = logging.getLogger("vinhlong_cmcn4.requests")
job_log = logging.getLogger("vinhlong_cmcn4.jobs")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # what nginx's $request_id or another proxy sends
JOB_STATES = ("SUCCESS", "FAILURE", "RETRY")


class RequestLogMiddleware:
    """Log method, path, status, duration, user id and request id of every request; echo the id back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "request_id": request.request_id,
            },
        )
        response["X-Request-ID"] = request.request_id
        return response


_started: dict[str, float] = {}


@task_prerun.connect
def job_started(task_id=None, task=None, **kwargs) -> None:
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def job_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    job_log.info("job", extra={"job": task.name, "task_id": task_id, "state": state, "duration_ms": duration_ms})
    try:
        job_count(task.name, state, duration_ms or 0)
    except Exception:  # noqa: BLE001 - counters must never break a job
        job_log.warning("could not count job %s", task.name, exc_info=True)


def _key(job: str, what: str) -> str:
    return f"vinhlong_cmcn4:jobs:{job}:{what}"


def job_count(job: str, state: str, duration_ms: float) -> None:
    """Add one finished job to the shared counters (/metrics reads them from any server)."""
    from django.core.cache import cache

    for key, amount in ((_key(job, state), 1), (_key(job, "ms"), int(duration_ms))):
        cache.add(key, 0, timeout=None)
        cache.incr(key, amount)


def job_counts(jobs: list[str]) -> dict[tuple[str, str], int]:
    """The shared counters of these jobs: (job, state or "ms") → value."""
    from django.core.cache import cache

    wanted = {_key(job, what): (job, what) for job in jobs for what in (*JOB_STATES, "ms")}
    return {wanted[key]: value for key, value in cache.get_many(list(wanted)).items()}
