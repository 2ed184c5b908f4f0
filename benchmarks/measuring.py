"""What the benchmarks share: Django on a benchmark database, timing, query counts, the report.

Every benchmark takes ``--scale`` (one size, or several separated by commas, measured in turn
in the same run so the machine's load touches them alike) and ``--json`` (one JSON object: for
each scale, each page or operation with its ``median_ms``, ``p95_ms`` and ``queries``).
"""

import json
import os
import statistics
import tempfile
import time

import dataset


def scales(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def django_setup(database: str, **extra: str) -> None:
    """Django with production settings (DEBUG off, cached templates, no query log) on ``database``."""
    settings = {
        "DATABASE_URL": f"{dataset.BASE}/{database}",
        "SECRET_KEY": dataset.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": tempfile.mkdtemp(),
        "MEDIA_ROOT": tempfile.mkdtemp(),
        "CONN_MAX_AGE": "60",
        "SUMMARY_PDF_SOFFICE": "",  # a summary's compilation alone is measured; its PDF is a job of its own
    }
    os.environ.update({**settings, **extra})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
    import vinhlong_cmcn4.wsgi  # noqa: F401 - Django started as gunicorn's workers start it (settings, apps, gc.freeze)


def use_database(database: str) -> None:
    """Point the default connection at another benchmark database (same schema) and forget cached figures."""
    from django.core.cache import cache
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = database
    cache.clear()


def queries_of(call) -> int:
    """How many SQL statements ``call()`` runs."""
    from django.db import connection

    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: statements.append(sql) or execute(sql, params, many, context)
    ):
        call()
    return len(statements)


def timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[round(fraction * (len(ordered) - 1))]  # nearest rank: with two runs, the slower


def figures(times: list[float], queries: int | None, rounds: list[list[float]] | None = None) -> dict:
    """Median and p95 of ``times`` (ms), the queries, and each round's median (how noisy the machine was)."""
    out = {"median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1), "queries": queries}
    if rounds and len(rounds) > 1:
        out["round_medians_ms"] = [round(statistics.median(r), 1) for r in rounds]
    return out


def growth(results: dict[int, dict]) -> dict:
    """For each operation measured at the smallest and the largest scale: largest median / smallest median."""
    if len(results) < 2:
        return {}
    low, high = results[min(results)], results[max(results)]
    return {
        name: round(high[name]["median_ms"] / low[name]["median_ms"], 2)
        for name in high
        if isinstance(high[name], dict) and "median_ms" in high[name] and name in low and low[name].get("median_ms")
    }


def machine(iterations: int = 400_000) -> dict:
    """How fast this machine runs Python now: figures from two runs compare only after this is compared.

    Machines of one kind differ, and one machine differs over a day (the same benchmark has read an
    annex in 0.65 s on one and 1.9 s on another): ``reference_ms`` is the median of five runs of a
    fixed pure-Python loop, taken right after the measurement. Scale figures by it before comparing.
    """

    def loop() -> None:
        total, words = 0, {}
        for number in range(iterations):
            total += number * number
            words[number & 1023] = str(number)

    runs = timed(loop, 5)
    return {"cores": os.cpu_count(), "reference_ms": round(statistics.median(runs), 1)}


def report(name: str, results: dict[int, dict], as_json: bool) -> None:
    """Print the results as a table, or as one JSON object, with the machine's reference figure."""
    out = {"benchmark": name, "machine": machine(), "scales": {str(scale): values for scale, values in results.items()}}
    ratios = growth(results)
    if ratios:
        out[f"growth_{max(results)}x_over_{min(results)}x"] = ratios
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(f"machine: {out['machine']['cores']} cores, reference loop {out['machine']['reference_ms']} ms (measuring.machine)")
    for scale, values in results.items():
        data = values.get("data", {})
        print(f"scale {scale}: " + ", ".join(f"{value} {key}" for key, value in data.items()))
        print(f"  {'operation':22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  medians by round")
        for operation, value in values.items():
            if isinstance(value, dict) and "median_ms" in value:
                rounds = " ".join(f"{m:.0f}" for m in value.get("round_medians_ms", []))
                queries = "" if value.get("queries") is None else value["queries"]
                extra = ", ".join(f"{k} {v}" for k, v in value.items() if k not in ("median_ms", "p95_ms", "queries", "round_medians_ms"))
                print(f"  {operation:22} {value['median_ms']:>10.1f} {value['p95_ms']:>8.1f} {queries!s:>8}  {rounds}{extra}")
            elif isinstance(value, dict) and operation != "data":
                print(f"  {operation:22} " + ", ".join(f"{k} {v}" for k, v in value.items()))
    if ratios:
        print(f"growth {max(results)}x / {min(results)}x (median): " + ", ".join(f"{k} {v}x" for k, v in ratios.items()))
