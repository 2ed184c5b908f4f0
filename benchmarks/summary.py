"""Summary benchmark on PostgreSQL: the annual summary of a plan with 5,000 tasks and 50,000 reports.

Measures the time of one compilation (snapshot, Word document and streamed Excel annex), its SQL
queries, and peak memory: Python allocations (tracemalloc) and the process's peak resident size.

    .venv/bin/python benchmarks/summary.py

PostgreSQL: postgres://postgres@127.0.0.1:5432 (BENCH_POSTGRES_URL); the benchmark makes and drops
its own database. Data: the dashboard benchmark's (benchmarks/dashboard.py), the second plan made a
child of the first, so one summary covers every task.
"""

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard as data_set  # noqa: E402 - the same data as the dashboard benchmark

DATABASE_URL = f"{data_set.BASE}/bench_summary"


def main() -> None:
    data_set.pg_admin("DROP DATABASE IF EXISTS bench_summary")
    data_set.pg_admin("CREATE DATABASE bench_summary")
    media = tempfile.mkdtemp()
    os.environ.update(DATABASE_URL=DATABASE_URL, SECRET_KEY=data_set.SECRET_KEY, DEBUG="0", ALLOWED_HOSTS="testserver", MEDIA_ROOT=media)
    os.environ["SUMMARY_PDF_SOFFICE"] = ""  # the compilation alone is measured; the PDF is a separate job
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from plans.models import Plan
    from reports.periods import parse_period_code
    from reports.summaries.service import summary_compile

    try:
        started = time.perf_counter()
        data_set.populate()
        first, second = Plan.objects.order_by("pk")
        second.parent = first
        second.save(update_fields=["parent"])
        print(f"populated in {time.perf_counter() - started:.0f} s")
        period = parse_period_code("2025-Y", deadline_day=first.report_deadline_day)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        started = time.perf_counter()
        profiler = None
        if "--profile" in sys.argv:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with CaptureQueriesContext(connection) as queries:
            summary = summary_compile(plan=first, period=period)
        if profiler:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        totals = summary.snapshot["totals"]
        print(f"data: {totals['tasks']} tasks, {summary.snapshot['reports']['accepted']} reports feeding the summary (PostgreSQL)")
        control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
        statements = [q for q in queries.captured_queries if not q["sql"].startswith(control)]
        print(
            f"annual summary {period.code}: {elapsed:.2f} s, {len(statements)} queries (+{len(queries) - len(statements)} BEGIN/COMMIT/SAVEPOINT)"
        )
        print(
            f"  Python allocations peak {peak / 2**20:.0f} MB; process peak RSS {rss_after / 1024:.0f} MB (before: {rss_before / 1024:.0f} MB)"
        )
        if "--queries" in sys.argv:
            for query in queries.captured_queries:
                print(f"    {query['time']} s  {query['sql'][:110]}")
        print(f"  files: .docx {summary.document.size / 1024:.0f} KB, .xlsx {summary.annex.size / 1024:.0f} KB")
    finally:
        connections.close_all()
        data_set.pg_admin("DROP DATABASE IF EXISTS bench_summary")


if __name__ == "__main__":
    main()
