"""Querysets built and compiled to SQL once per distinct input, then only executed.

A dashboard computed afresh runs a handful of grouped statements over small kept tables (``tasks.kept``): reading
their rows takes a few milliseconds, while Django building the same rules (``tasks.status.status_expression``,
``reports.compliance.obligation``) into SQL again on every call took several times that. The inputs of those
statements (the day, the plans, their periods' last days, the year's window) change a few times a day, so the SQL
is kept per input and executed with Django's own converters (a date read from SQLite is still a date).

``build`` must be a module-level function whose SQL depends on nothing but its arguments: it may not read the
database, the clock or a process cache (pass what it needs, e.g. the year's window instead of reading the calendar).
:func:`compiled_values` refuses lambdas, nested functions and bound methods, whose captured variables or object the key
could not see. :func:`compiled_exists` does the same for questions "is any row there?": several in one statement.
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
_kept: OrderedDict[tuple, Any] = OrderedDict()  # a values() statement (_compile) or an EXISTS one (_compile_exists)


def _made_once(function: str, build: Callable, inputs: tuple, make: Callable[[Any], Any]) -> Any:
    """``make(build(*inputs))``, kept per ``build``, ``inputs`` and database vendor (the latest ``LIMIT`` of them)."""
    # "<lambda>", "f.<locals>.g", a bound method (its object), a partial (its arguments): state the key cannot see
    if not inspect.isfunction(build) or "<" in build.__qualname__:
        raise ValueError(f"{function} needs a module-level function, not {build!r}")
    key = (build.__module__, build.__qualname__, connections[DEFAULT_DB_ALIAS].vendor, inputs)
    with _lock:
        kept = _kept.get(key, False)
        if kept is not False:
            _kept.move_to_end(key)
    if kept is False:
        kept = make(build(*inputs))
        with _lock:
            _kept[key] = kept
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return kept


def compiled_values(build: Callable[..., QuerySet], *inputs: Hashable) -> list[dict[str, Any]]:
    """``list(build(*inputs))`` of a ``values()`` queryset (a ``union`` of them included), its SQL made once per
    ``inputs`` and database, then only executed. Each call reads the data afresh."""
    kept = _made_once("compiled_values", build, inputs, _compile)
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


def compiled_exists(build: Callable[..., dict[str, QuerySet]], *inputs: Hashable) -> dict[str, bool]:
    """``{name: queryset.exists()}`` of the querysets ``build(*inputs)`` names, asked in one statement
    (``SELECT EXISTS (…), EXISTS (…)``) whose SQL is made once per ``inputs`` and database. Each call reads the data afresh;
    a queryset that matches nothing whatever the data (``none()``, ``pk__in=[]``) is False without asking."""
    asked, using, sql, params = _made_once("compiled_exists", build, inputs, _compile_exists)
    answers = dict.fromkeys(asked, False)
    if sql:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        answers.update(zip((name for name, part in asked.items() if part), map(bool, row), strict=True))
    return answers


def _compile_exists(querysets: dict[str, QuerySet]) -> tuple[dict[str, bool], str, str, tuple]:
    """Each name, and whether the statement asks it (False: it matches nothing whatever the data); the statement."""
    asked, parts, params, using = {}, [], [], DEFAULT_DB_ALIAS
    for name, queryset in querysets.items():
        using = queryset.db
        try:
            sql, part_params = queryset.query.exists(limit=True).get_compiler(using).as_sql()
        except EmptyResultSet:
            asked[name] = False
            continue
        asked[name] = True
        parts.append(f"EXISTS ({sql})")
        params.extend(part_params)
    return asked, using, f"SELECT {', '.join(parts)}" if parts else "", tuple(params)


def compiled_forget() -> None:
    """Drop every kept statement (tests that change the schema or the database behind an alias)."""
    with _lock:
        _kept.clear()
