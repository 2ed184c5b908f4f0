"""gunicorn settings of benchmarks/deadline_day.py: production's (deploy/gunicorn.conf.py), plus a count of the
dashboard's computations, kept in Redis so the benchmark reads it from outside the workers."""

import os
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py").read_text())  # noqa: S102 - our own file

COUNTER = "bench:dashboard_computes"  # the agencies' part (what a report sent moves)
TASKS_COUNTER = "bench:dashboard_tasks_computes"


def post_worker_init(worker):
    import redis

    from reports import dashboard

    counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    # What a report sent moves: the agencies' part of the page (reports.dashboard.dashboard_parts_shown), which every
    # computation of the whole board (dashboard_compute) computes too; the tasks' part is counted apart.
    for name, key in (("dashboard_agencies", COUNTER), ("dashboard_tasks", TASKS_COUNTER)):
        compute = getattr(dashboard, name)

        def counted(*args, compute=compute, key=key, **kwargs):
            counter.incr(key)
            return compute(*args, **kwargs)

        setattr(dashboard, name, counted)
