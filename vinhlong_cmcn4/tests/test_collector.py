"""The web worker's garbage collector (vinhlong_cmcn4.collector): what survives a full collection is frozen."""

import gc
import weakref

import pytest

from vinhlong_cmcn4 import collector


@pytest.fixture
def tuned():
    collector.collector_tune()
    yield
    gc.callbacks.remove(collector._frozen_after_full_collection)
    gc.unfreeze()


class Node:
    def __init__(self):
        self.other = self


def test_what_survives_a_full_collection_is_frozen_and_garbage_before_it_is_still_collected(tuned):
    kept = [Node() for _ in range(100)]  # a process cache filled by requests: alive, in cycles
    dropped = Node()
    gone = weakref.ref(dropped)
    del dropped  # a cycle left behind by a request
    frozen_before = gc.get_freeze_count()
    gc.collect()
    assert gone() is None  # collected, not frozen
    assert gc.get_freeze_count() >= frozen_before + len(kept)  # the survivors: out of the next full collection's way
    assert collector._frozen_after_full_collection in gc.callbacks
    collector.collector_tune()  # the WSGI module imported again: one callback still
    assert gc.callbacks.count(collector._frozen_after_full_collection) == 1


def test_a_frozen_object_nothing_refers_to_is_still_freed(tuned):
    kept = [Node()]
    gc.collect()
    gone = weakref.ref(kept[0])
    kept[0].other = None  # its cycle broken: reference counting frees it, frozen or not
    kept.clear()
    assert gone() is None


def test_the_wsgi_application_tunes_the_collector():
    import importlib

    import vinhlong_cmcn4.wsgi

    importlib.reload(vinhlong_cmcn4.wsgi)
    try:
        assert collector._frozen_after_full_collection in gc.callbacks
    finally:
        gc.callbacks.remove(collector._frozen_after_full_collection)
        gc.unfreeze()


class Held:
    """An object with a finalizer (a socket, a temporary file), in a cycle."""

    closed: list[int] = []

    def __init__(self):
        self.other = self

    def __del__(self):
        Held.closed.append(id(self))


def test_a_cycle_frozen_while_in_use_is_collected_once_it_is_garbage(tuned):
    # A request in flight when a full collection runs (this thread's or another of the worker's threads): its objects
    # survive it and were frozen; once the request ended, its cycles were garbage nothing would ever collect again,
    # and their finalizers never ran (the worker grew with every full collection: without bound under runserver,
    # which loads the same WSGI module and is never replaced, and until max_requests under gunicorn).
    in_flight = [Node() for _ in range(50)]
    held = Held()
    gone = [weakref.ref(node) for node in in_flight]
    gc.collect()  # the full collection while the request is served: all of it survives
    del in_flight, held  # the request ends: its cycles are garbage
    Held.closed.clear()
    for _ in range(collector.FULL_WALK_EVERY):
        gc.collect()
    assert all(ref() is None for ref in gone)
    assert len(Held.closed) == 1


def test_no_test_module_leaves_the_collector_tuned_for_the_whole_run():
    # A test module importing ``vinhlong_cmcn4.wsgi`` when collected (the API schema's) tuned the collector of the whole
    # test process before any test ran: the suite's garbage in flight at each full collection frozen, finalizers and
    # weak references' callbacks of its cycles never run, the suite measured under a worker's collector.
    assert collector._frozen_after_full_collection not in gc.callbacks
