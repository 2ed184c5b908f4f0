"""Figures computed from many rows and read by many people (the leadership dashboard), kept in the shared cache.

A cached figure is stored under the current *generation*. Every service that changes what such
figures count (a report's workflow step, a task's completion or extension, assignments, a
reorganisation, an import) calls :func:`figures_changed` inside its transaction: once the
transaction commits, the generation changes, so the next read computes afresh. A change rolled
back changes nothing. Writes made outside the services (the admin's forms, SQL by hand) are
caught by ``FIGURES_CACHE_SECONDS``, the longest a cached figure is kept.

The cache is Redis in production (the database table ``portal_cache`` without it). A cache that
is down never breaks a page: the figure is computed as if nothing was cached.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
GENERATION_KEY = "vinhlong_cmcn4:figures:generation"
T = TypeVar("T")


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not undo a committed write; FIGURES_CACHE_SECONDS bounds the staleness
        logger.warning("cache unreachable: cached figures are not invalidated", exc_info=True)


def figures_changed(*, using: str | None = None) -> None:
    """Once the current transaction commits (at once outside one), cached figures are computed afresh."""
    transaction.on_commit(_new_generation, using=using)


def figures_cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s result, from the cache when the same figure (``name``, ``parts``) was computed since the last change."""
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
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
