"""Downloads of whole lists at a given scale: time to the first byte, total time and the process's memory growth.

A plan's open data (CSV and JSON; at each scale the second plan is made a plan carrying out the first, so
the first plan's data holds every task: 50,000 at scale 10) and the leadership list's Excel export of every
task, each measured in a process of its own (Django as gunicorn's workers start it, production settings,
one request first to warm it up): the resident memory before the request and its highest value while the
response is read (sampled after each chunk), the time until the first chunk and until the last. A plan's whole open
data is built once per change and kept: the same download again (``again``) is served from the kept file.

    .venv/bin/python benchmarks/downloads.py --scale 1,10 [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def execute(database: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{dataset.BASE}/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [dataset.PLAN_SYMBOL])
    finally:
        connection.close()


def one(database: str, name: str) -> dict:
    """Measure one download in this process (run as a child by :func:`main`)."""
    # The file itself is measured, streamed as the list's own download writes it: above EXPORT_SYNC_MAX_ROWS the portal
    # hands the same writing to a job (core.exports), which this limit keeps in the request here.
    measuring.django_setup(database, EXPORT_SYNC_MAX_ROWS=str(10**9))
    from django.test import Client

    from plans.models import Plan, User

    plan = Plan.objects.get(symbol=dataset.PLAN_SYMBOL)
    urls = {
        "open data csv": f"/ke-hoach/{plan.pk}/du-lieu.csv",
        "open data json": f"/ke-hoach/{plan.pk}/du-lieu.json",
        "leadership list xlsx": "/dieu-hanh/nhiem-vu/?format=xlsx",
    }
    client = Client()
    if name.startswith("leadership"):
        client.force_login(User.objects.get(username=dataset.LEADER))
    client.get(f"/ke-hoach/{plan.pk}/du-lieu.csv?q=khong-co-nhiem-vu-nao").getvalue()  # warm: imports, templates, connection
    measured = download(client, urls[name])
    if name.startswith("open data"):
        # Built once per change: the same download again is the kept file, not the tasks read again.
        again = download(client, urls[name])
        measured["again"] = {k: again[k] for k in ("first_byte_ms", "total_ms", "memory_growth_mb", "from_file")}
        assert again["bytes"] == measured["bytes"], (again["bytes"], measured["bytes"])
    return measured


def download(client, url: str) -> dict:
    before = peak = rss_mb()
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    first, size = None, 0
    content = response.streaming_content if response.streaming else [response.content]
    for chunk in content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        peak = max(peak, rss_mb())
    total = time.perf_counter() - started
    peak = max(peak, rss_mb())
    return {
        "first_byte_ms": round(first * 1000, 1),
        "total_ms": round(total * 1000, 1),
        "memory_growth_mb": round(peak - before, 1),
        "bytes": size,
        "streamed": bool(response.streaming),
        "from_file": hasattr(response, "file_to_stream"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "downloads", say=say) for scale in measuring.scales(args.scale)}
    results = {}
    try:
        for scale, database in databases.items():
            # The first plan carried out through the second: its open data holds every task of the scale.
            execute(database, "UPDATE plans_plan SET parent_id = (SELECT id FROM plans_plan WHERE symbol = %s) WHERE symbol = '2/KH-UBND'")
            results[scale] = {"data": {"tasks": dataset.sizes(scale)[0]}}
            for name in ("open data csv", "open data json", "leadership list xlsx"):
                say(f"scale {scale}: {name}")
                output = subprocess.run(
                    [sys.executable, __file__, "--one", database, name], capture_output=True, text=True, check=True, timeout=600
                ).stdout
                results[scale][name] = json.loads(output.strip().splitlines()[-1])
        out = {"benchmark": "downloads", "machine": measuring.machine(), "scales": {str(k): v for k, v in results.items()}}
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(f"machine: {out['machine']}")
            for scale, values in results.items():
                print(f"scale {scale}: {values['data']['tasks']} tasks")
                for name, value in values.items():
                    if name != "data":
                        print(f"  {name:22} " + ", ".join(f"{k} {v}" for k, v in value.items()))
    finally:
        if not args.keep:
            for database in databases.values():
                dataset.drop(database)


if __name__ == "__main__":
    main()
