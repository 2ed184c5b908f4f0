"""Figures computed from many rows and read by many people (the leadership dashboard), kept in the shared cache.

A cached figure is stored under the current *generation*. Every service that changes what such
figures count (a report's workflow step, a task's completion or extension, assignments, a
reorganisation, an import) calls :func:`figures_changed` inside its transaction, and so does
every save or delete of the models the figures and lists read (:func:`saved_or_deleted`, connected
by each app's ``ready``; the admin's forms included): once the transaction commits, the generation
changes, so the next read computes afresh. A change rolled back changes nothing. Writes that send
no signal (``update()`` outside the services, SQL by hand) are caught by ``FIGURES_CACHE_SECONDS``,
the longest a cached figure is kept.

The cache is Redis in production (the database table ``portal_cache`` without it). A cache that
is down never breaks a page: the figure is computed as if nothing was cached.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)
GENERATION_KEY = "vinhlong_cmcn4:figures:generation"
T = TypeVar("T")


# A request reads the generation once, however many figures it shows (each read is a round trip to the cache).
_request = Local()


def _request_started(**kwargs) -> None:
    _request.open, _request.generation = True, None


def _request_finished(**kwargs) -> None:
    _request.open, _request.generation = False, None


request_started.connect(_request_started, dispatch_uid="figures_request_started")
request_finished.connect(_request_finished, dispatch_uid="figures_request_finished")


def _generation() -> str:
    known = getattr(_request, "generation", None)
    if known is not None:
        return known
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    if getattr(_request, "open", False):
        _request.generation = generation
    return generation


def _new_generation() -> None:
    _request.generation = None  # a request that changed the figures reads them afresh too
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not undo a committed write; FIGURES_CACHE_SECONDS bounds the staleness
        logger.warning("cache unreachable: cached figures are not invalidated", exc_info=True)


def figures_changed(*, using: str | None = None) -> None:
    """Once the current transaction commits (at once outside one), cached figures are computed afresh.

    One change of generation per transaction however many rows it writes: a change already waiting
    for the commit moves to the end of the queue (so whoever collects this step's callbacks, a test's
    ``captureOnCommitCallbacks``, finds it), kept unless a savepoint holding both changes is rolled back.
    (``connection.run_on_commit`` is where ``transaction.on_commit`` queues its callbacks, as tuples of
    savepoint ids, callback and robustness; ``test_shared_figures`` pins what is relied on here.)
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        transaction.on_commit(_new_generation, using=using)  # at once
        return
    queue, savepoints = connection.run_on_commit, set(connection.savepoint_ids)
    for index in range(len(queue) - 1, -1, -1):  # the waiting one is the last of ours, most often near the end
        if queue[index][1] is _new_generation:
            savepoints &= queue[index][0]  # dropped only with a savepoint both changes were made in
            queue[index] = (queue[index][0], _moved_on, False)  # its place kept: a test's capture counts places
            break
    queue.append((savepoints, _new_generation, False))  # as transaction.on_commit queues it


def _moved_on() -> None:
    """What a waiting change of generation leaves behind when a later change takes it to the end of the queue."""


def saved_or_deleted(sender, *, using: str, **kwargs) -> None:
    """``post_save``/``post_delete`` receiver of the models that cached figures and lists read: any write to them,
    the admin's forms included, computes the figures afresh once it commits."""
    figures_changed(using=using)


_followed: set[type] = set()


def followed(model: type) -> bool:
    """Does every save or delete of ``model`` change the figures? Only rows of such models are shared from the cache
    (counts, pages of rows, choices); anything else is read afresh each time."""
    return model in _followed


def read_by_figures(app_config, model_names: Iterable[str]) -> None:
    """From an app's ``ready``: a save or delete of these models changes the figures (:func:`saved_or_deleted`)."""
    for name in model_names:
        model = app_config.get_model(name)
        _followed.add(model)
        post_save.connect(saved_or_deleted, sender=model, dispatch_uid=f"figures_{model._meta.label}_saved")
        post_delete.connect(saved_or_deleted, sender=model, dispatch_uid=f"figures_{model._meta.label}_deleted")


def figures_cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s result, from the cache when the same figure (``name``, ``parts``) was computed since the last change."""
    try:
        generation = _generation()
        key = f"vinhlong_cmcn4:figures:{name}:{generation}:" + ":".join(str(part) for part in parts)
        value: Any = cache.get(key)
    except Exception:  # noqa: BLE001 - the page is computed without the cache
        logger.warning("cache unreachable: figures computed without it", exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: figures not kept", exc_info=True)
    return value


def query_digest(queryset: QuerySet, *extra) -> str:
    """A name for the exact question ``queryset`` asks (its SQL and parameters: user scope, filters, date), and ``extra``."""
    sql, params = queryset.query.sql_with_params()
    return hashlib.sha256(repr((queryset.db, sql, params, extra)).encode()).hexdigest()


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()``, shared by every request that asks the same query (the same SQL and parameters,
    so the same user scope, filters and date) until the figures change; counted afresh for a model they do not follow."""
    if not followed(queryset.model):
        return queryset.count()
    try:
        digest = query_digest(queryset)
    except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``): counted without a query
        return queryset.count()
    return figures_cached("count", (digest,), queryset.count)
