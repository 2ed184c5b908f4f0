"""gunicorn settings of benchmarks/deadline_day.py: production's (deploy/gunicorn.conf.py), plus a count of the
dashboard's computations, kept in Redis so the benchmark reads it from outside the workers."""

import os
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py").read_text())  # noqa: S102 - our own file

COUNTER = "bench:dashboard_computes"


def post_worker_init(worker):
    import redis

    from reports import dashboard

    counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    compute = dashboard.dashboard_compute

    def counted(*args, **kwargs):
        counter.incr(COUNTER)
        return compute(*args, **kwargs)

    dashboard.dashboard_compute = counted
