"""/metrics for Prometheus: django-prometheus's request metrics, plus jobs, the outbox and the heartbeats.

Request metrics live in each gunicorn process (added up across processes when PROMETHEUS_MULTIPROC_DIR is
set). Job, outbox and heartbeat figures are read at scrape time from the shared cache and the database, so
they are the same whichever web server answers, and count jobs run by workers on any machine.
"""

import math
import os

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.outbox import outbox_backlog

from .celery import app
from .health import monitoring_allowed
from .heartbeats import BEAT, WORKER, heartbeat_last
from .logs import job_counts


class PortalCollector:
    """Jobs by name and outcome, job time, jobs waiting in the outbox, seconds since each heartbeat."""

    def collect(self):
        count, oldest = outbox_backlog()
        yield GaugeMetricFamily("portal_outbox_pending", "Jobs waiting in the outbox for the broker.", value=count)
        yield GaugeMetricFamily(
            "portal_outbox_oldest_pending_seconds",
            "How long the oldest waiting job has waited (0 when none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
        heartbeat = GaugeMetricFamily(
            "portal_heartbeat_age_seconds", "Seconds since beat published / a worker ran a job.", labels=["process"]
        )
        for process in (BEAT, WORKER):
            last = heartbeat_last(process)
            heartbeat.add_metric([process], (timezone.now() - last).total_seconds() if last else math.inf)
        yield heartbeat
        app.loader.import_default_modules()
        jobs = sorted(name for name in app.tasks if not name.startswith("celery."))
        finished = CounterMetricFamily("portal_jobs", "Jobs finished, by job and outcome.", labels=["job", "state"])
        seconds = CounterMetricFamily("portal_job_duration_seconds", "Time spent running jobs, by job.", labels=["job"])
        for (job, what), value in sorted(job_counts(jobs).items()):
            if what == "ms":
                seconds.add_metric([job], value / 1000)
            else:
                finished.add_metric([job, what], value)
        yield finished
        yield seconds


PORTAL_REGISTRY = CollectorRegistry(auto_describe=False)
PORTAL_REGISTRY.register(PortalCollector())


def _request_registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@login_not_required
@never_cache
@require_GET
def metrics(request):
    if not monitoring_allowed(request):
        return JsonResponse({"error": _("Only the monitoring server may read this page.")}, status=403)
    body = generate_latest(_request_registry()) + generate_latest(PORTAL_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
