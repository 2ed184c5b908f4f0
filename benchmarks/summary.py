"""Summary benchmark on PostgreSQL: the annual summary of every task of the data set, at a given scale.

Each compilation (snapshot, Word document and streamed Excel annex) runs in its own process, so
its peak resident size is its own; it is timed whole and by part (snapshot, document, annex),
with its SQL statements.

    .venv/bin/python benchmarks/summary.py --scale 1,4 [--repeat 3] [--json] [--profile]

Data: benchmarks/dataset.py (built once per scale and kept; each run works on a copy), the
second plan made a child of the first, so one summary covers every task.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataset  # noqa: E402
import measuring  # noqa: E402

PERIOD = "2025-Y"


def compile_once(database: str, profile: bool) -> dict:
    """One compilation in this (child) process; returns its figures."""
    measuring.django_setup(database)
    from django.db import connection

    from plans.models import Plan
    from reports.periods import parse_period_code
    from reports.summaries import service
    from reports.summaries.service import summary_compile

    first, second = Plan.objects.order_by("pk")[:2]
    if second.parent_id != first.pk:
        second.parent = first
        second.save(update_fields=["parent"])
    period = parse_period_code(PERIOD, deadline_day=first.report_deadline_day)
    parts: dict[str, float] = {}
    peaks: dict[str, float] = {}  # the process's peak resident size when each part ended: where the memory goes

    def timed_part(name: str, label: str) -> None:
        original = getattr(service, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                parts[label] = parts.get(label, 0) + (time.perf_counter() - started) * 1000
                peaks[label] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

        setattr(service, name, wrapper)

    for name, label in (
        ("lead_parts", "lead parts"),
        ("lead_agency_names", "lead agencies"),
        ("task_rows", "tasks at cut-off"),
        ("summary_snapshot", "snapshot"),
        ("sections_refresh", "sections"),
        ("document_write", "document"),  # the Word document (summary_document before drafting.py)
        ("summary_annex_write", "annex"),
    ):
        if hasattr(service, name):
            timed_part(name, label)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    queries = 0

    def counted(execute, sql, params, many, context):  # counts without keeping the SQL: the texts held megabytes at 10×
        nonlocal queries
        queries += not sql.startswith(control)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        summary = summary_compile(plan=first, period=period)
    elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    return {
        "ms": elapsed,
        "cpu_ms": cpu,  # this process only (not the database server): steadier than the clock on a busy machine
        "parts_ms": parts,
        "parts_peak_rss_mb": peaks,
        "queries": queries,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before,
        "tasks": summary.snapshot["totals"]["tasks"],
        "xlsx_kb": summary.annex.size // 1024,
        "docx_kb": summary.document.size // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1", help="a scale or several separated by commas: 1,4,10")
    parser.add_argument("--repeat", type=int, default=3, help="compilations per scale, taken in turn across scales")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", action="store_true", help="cProfile of one compilation per scale, on stderr")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(compile_once(args.child, args.profile)))
        return
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    databases = {scale: dataset.working_copy(scale, "summary", say=say) for scale in measuring.scales(args.scale)}
    runs: dict[int, list[dict]] = {scale: [] for scale in databases}
    try:
        for repetition in range(args.repeat):
            for scale, database in databases.items():
                command = [sys.executable, __file__, "--child", database] + (["--profile"] if args.profile and repetition == 0 else [])
                out = subprocess.run(command, capture_output=True, text=True, check=False, cwd=dataset.ROOT)
                if out.returncode:
                    raise SystemExit(out.stderr[-3000:])
                if args.profile and repetition == 0:
                    print(out.stderr, file=sys.stderr)
                runs[scale].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        for database in databases.values():
            dataset.drop(database)
    results = {}
    for scale, figures in runs.items():
        times = [run["ms"] for run in figures]
        entry = {
            "data": {"tasks": figures[0]["tasks"], "period": PERIOD, "xlsx KB": figures[0]["xlsx_kb"], "docx KB": figures[0]["docx_kb"]}
        }
        entry["annual summary"] = {
            **measuring.figures(times, figures[0]["queries"]),
            "runs_ms": [round(t) for t in times],
            "python_cpu_ms": [round(run["cpu_ms"]) for run in figures],
            "peak_rss_mb": round(max(run["peak_rss_mb"] for run in figures)),
            "rss_before_mb": round(figures[0]["rss_before_mb"]),
            "peak_rss_mb_when_each_part_ended": figures[0].get("parts_peak_rss_mb"),
        }
        for part in figures[0]["parts_ms"]:
            entry[f"  {part}"] = {**measuring.figures([run["parts_ms"][part] for run in figures], None)}
        results[scale] = entry
    measuring.report("summary", results, args.json)


if __name__ == "__main__":
    main()
