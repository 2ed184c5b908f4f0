"""Querysets built and compiled to SQL once per distinct input, then only executed.

A dashboard computed afresh runs a handful of grouped statements over small kept tables (``tasks.kept``): reading
their rows takes a few milliseconds, while Django building the same rules (``tasks.status.status_expression``,
``reports.compliance.obligation``) into SQL again on every call took several times that. The inputs of those
statements (the day, the plans, their periods' last days, the year's window) change a few times a day, so the SQL
is kept per input and executed with Django's own converters (a date read from SQLite is still a date).

``build`` must be a module-level function whose SQL depends on nothing but its arguments: it may not read the
database, the clock or a process cache (pass what it needs, e.g. the year's window instead of reading the calendar).
:func:`compiled_values` refuses lambdas, nested functions and bound methods, whose captured variables or object the key
could not see.
"""

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

LIMIT = 256  # statements kept per process (each a few kilobytes of SQL)

_lock = threading.Lock()
_kept: OrderedDict[tuple, tuple[SQLCompiler, str, tuple, list[str]] | None] = OrderedDict()


def compiled_values(build: Callable[..., QuerySet], *inputs: Hashable) -> list[dict[str, Any]]:
    """``list(build(*inputs))`` of a ``values()`` queryset (a ``union`` of them included), its SQL made once per
    ``inputs`` and database, then only executed. Each call reads the data afresh."""
    # "<lambda>", "f.<locals>.g", a bound method (its object), a partial (its arguments): state the key cannot see
    if not inspect.isfunction(build) or "<" in build.__qualname__:
        raise ValueError(f"compiled_values needs a module-level function, not {build!r}")
    key = (build.__module__, build.__qualname__, connections[DEFAULT_DB_ALIAS].vendor, inputs)
    with _lock:
        kept = _kept.get(key, False)
        if kept is not False:
            _kept.move_to_end(key)
    if kept is False:
        kept = _compile(build(*inputs))
        with _lock:
            _kept[key] = kept
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    if kept is None:  # the condition matches nothing (e.g. no plans): no statement, as Django does
        return []
    compiler, sql, params, names = kept
    with connections[compiler.using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[rows])]


def _compile(queryset: QuerySet) -> tuple[SQLCompiler, str, tuple, list[str]] | None:
    query = queryset.query
    # The names in the order Django's own values() reads them.
    names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select, *query.annotation_select]
    if not names:
        raise ValueError("compiled_values needs a values() queryset")
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return compiler, sql, tuple(params), names


def compiled_forget() -> None:
    """Drop every kept statement (tests that change the schema or the database behind an alias)."""
    with _lock:
        _kept.clear()
