"""The cyclic garbage collector of a web worker: what lives as long as the worker is kept out of its way.

A worker starts by loading Django, the apps, the URLconf and the templates (``wsgi``: frozen then), and fills its
process caches as requests come (compiled statements, rendered rows, URLs, translations). Every full collection
walked all of those again: on a deadline day at ten times the province, each of a worker's five to seven full
collections a minute held its threads for 90-100 ms of CPU (measured in gunicorn's workers, benchmarks/deadline_day.py).
What survives a full collection is moved to the permanent generation, as what was loaded at start-up is, so the next
one looks only at what requests left behind since (25-50 ms at most).

Objects frozen are still freed when nothing refers to them (reference counting), but a cycle among them that later
becomes garbage is not: what a request in flight holds when a full collection runs (that thread's, the worker's other
threads') survives it and is frozen, and is garbage once the request ends, its finalizers not run. So every
``FULL_WALK_EVERY``-th full collection first puts back what was frozen and walks the whole heap, as before (one pause of
90-100 ms every minute or two on a deadline day), and the frozen garbage is freed: a worker never replaced
(``manage.py runserver`` loads this same WSGI module) does not grow with every full collection, and one replaced
(gunicorn's ``max_requests``) does not until then.
"""

import gc

OLDEST = 2

FULL_WALK_EVERY = 10  # full collections: one in so many walks what was frozen too, and frees its garbage
_full_collections = 0


def _frozen_after_full_collection(phase: str, info: dict) -> None:
    global _full_collections
    if info.get("generation") != OLDEST:
        return
    if phase == "start":
        _full_collections += 1
        if _full_collections % FULL_WALK_EVERY == 0:
            gc.unfreeze()  # this collection walks the frozen too: their cycles that became garbage since are freed
    elif phase == "stop":
        gc.freeze()


def collector_tune() -> None:
    """Freeze what is alive now, and again after each full collection; one in FULL_WALK_EVERY walks all (idempotent)."""
    gc.freeze()
    if _frozen_after_full_collection not in gc.callbacks:
        gc.callbacks.append(_frozen_after_full_collection)
