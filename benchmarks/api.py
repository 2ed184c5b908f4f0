"""API benchmark on PostgreSQL: GET /api/v1/tasks/ at 50 per page over 5,000 tasks.

Server time (Django test client, in process, production settings) of random pages of the task
list, as an administrator's token and as the public: median and p95, and the queries per page.

    .venv/bin/python benchmarks/api.py [--repeat 100]

Data: the dashboard benchmark's (5,000 tasks, 60 agencies, 50,000 reports).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard as data_set  # noqa: E402 - the same data as the dashboard benchmark

DATABASE_URL = f"{data_set.BASE}/bench_api"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    data_set.pg_admin("DROP DATABASE IF EXISTS bench_api")
    data_set.pg_admin("CREATE DATABASE bench_api")
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=data_set.SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=tempfile.mkdtemp(),
        CONN_MAX_AGE="60",
        API_ANON_RATE="100000/min",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
    import django

    django.setup()
    from django.db import connection, connections
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    try:
        data = data_set.populate()
        leader = data["leader"]
        clients = {"token": APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader).key}"), "public": APIClient()}
        pages = data["tasks"] // 50
        print(f"data: {data['tasks']} tasks, {data['reports']} reports (PostgreSQL); /api/v1/tasks/ at 50 per page, {pages} pages")
        print(f"{'client':8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for name, client in clients.items():
            queries = []
            with connection.execute_wrapper(
                lambda execute, sql, params, many, context, log=queries: log.append(sql) or execute(sql, params, many, context)
            ):
                assert client.get("/api/v1/tasks/", {"page": 2}).status_code == 200
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get("/api/v1/tasks/", {"page": random.randint(1, pages)})  # noqa: S311
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and len(response.json()["results"]) == 50
            times.sort()
            print(f"{name:8} {statistics.median(times):>10.1f} {times[int(0.95 * (len(times) - 1))]:>8.1f} {len(queries):>8}")
    finally:
        connections.close_all()
        data_set.pg_admin("DROP DATABASE IF EXISTS bench_api")


if __name__ == "__main__":
    main()
