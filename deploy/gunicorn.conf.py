"""gunicorn settings for the portal (deploy/systemd/cmcn4-web.service and the web container)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 120  # summaries and large exports are built while the user waits
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the nginx in front
accesslog = None  # every request is logged once, as JSON, by vinhlong_cmcn4.logs.RequestLogMiddleware
max_requests = 2000
max_requests_jitter = 200


def child_exit(server, worker):
    """Forget the metrics files of a gunicorn worker that ended (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
