"""gunicorn settings for the portal (deploy/systemd/cmcn4-web.service and the web container)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threads, not one process per request, and no thread for a connection until its request's headers are in:
# the worker's main loop receives them (vinhlong_cmcn4.gunicorn_worker, gthread otherwise) and closes a connection
# whose headers have not ended after REQUEST_HEADER_SECONDS (10 s); a request whose body trickles in holds one
# thread of many until the portal cuts it off for falling below REQUEST_BODY_MIN_BYTES_PER_SECOND
# (vinhlong_cmcn4.body_deadline). A worker whose threads all have a request accepts no connection until one is
# free, leaving it to the other workers. With sync workers, four clients sending a byte a second held the whole site until
# the worker timeout; with plain gthread, 32 clients sending their headers a byte at a time held every thread.
# Each thread may hold a database connection (CONN_MAX_AGE): workers x threads must stay below PostgreSQL's
# max_connections with the Celery worker's.
worker_class = "vinhlong_cmcn4.gunicorn_worker.HeadersFirstWorker"  # gthread, headers received by the main loop
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 120  # a worker whose main loop stops answering (not a long request: summaries are built while the user waits)
graceful_timeout = 30
# X-Forwarded-Proto is believed from the same peers as X-Forwarded-For: the proxies in TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
accesslog = None  # every request is logged once, as JSON, by vinhlong_cmcn4.logs.RequestLogMiddleware
max_requests = 2000
max_requests_jitter = 200


def child_exit(server, worker):
    """Forget the metrics files of a gunicorn worker that ended (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
