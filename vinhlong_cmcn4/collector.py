"""The cyclic garbage collector of a web worker: what lives as long as the worker is kept out of its way.

A worker starts by loading Django, the apps, the URLconf and the templates (``wsgi``: frozen then), and fills its
process caches as requests come (compiled statements, rendered rows, URLs, translations). Every full collection
walked all of those again: on a deadline day at ten times the province, each of a worker's five to seven full
collections a minute held its threads for 90-100 ms of CPU (measured in gunicorn's workers, benchmarks/deadline_day.py).
What survives a full collection is moved to the permanent generation, as what was loaded at start-up is, so the next
one looks only at what requests left behind since (25-50 ms at most).

Objects frozen are still freed when nothing refers to them (reference counting): only a cycle among them that later
becomes garbage is kept, until the worker is replaced (gunicorn's ``max_requests``).
"""

import gc

OLDEST = 2


def _frozen_after_full_collection(phase: str, info: dict) -> None:
    if phase == "stop" and info.get("generation") == OLDEST:
        gc.freeze()


def collector_tune() -> None:
    """Freeze what is alive now, and again after each full collection (idempotent)."""
    gc.freeze()
    if _frozen_after_full_collection not in gc.callbacks:
        gc.callbacks.append(_frozen_after_full_collection)
