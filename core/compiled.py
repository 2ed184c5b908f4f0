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

A deadline day's writes run the same few statements for one row after another (a report locked by its id, an agency's
kept counts of a period): :func:`compiled_objects` (model instances, ``select_related`` included, as Django makes them)
and :func:`compiled_statement` (the SQL and parameters of a write) take *slots*, ids that change on every call and
are no part of the key: ``build`` is called once with a stand-in id for each, and every call puts its ids where the
stand-ins' parameters were. A slot is an integer compared for equality or written as is (``pk=…``, ``in`` a list of
them): a stand-in Django changed on its way into the SQL, or left out, is refused when the statement is made.
"""

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

LIMIT = 256  # statements kept per process (each a few kilobytes of SQL)

_lock = threading.Lock()
_kept: OrderedDict[tuple, Any] = OrderedDict()  # a values() statement (_compile) or an EXISTS one (_compile_exists)


def _made_once(function: str, build: Callable, inputs: tuple, make: Callable[[Any], Any], slots: tuple[str, ...] = ()) -> Any:
    """``make(build(*inputs))`` (``slots``: ``build(*inputs, **stand_ins)``), kept per ``build``, ``inputs``, slots and
    database vendor (the latest ``LIMIT`` of them)."""
    # "<lambda>", "f.<locals>.g", a bound method (its object), a partial (its arguments): state the key cannot see
    if not inspect.isfunction(build) or "<" in build.__qualname__:
        raise ValueError(f"{function} needs a module-level function, not {build!r}")
    key = (build.__module__, build.__qualname__, connections[DEFAULT_DB_ALIAS].vendor, slots, inputs)
    with _lock:
        kept = _kept.get(key, False)
        if kept is not False:
            _kept.move_to_end(key)
    if kept is False:
        kept = make(build(*inputs, **{name: _stand_in(n) for n, name in enumerate(slots)}) if slots else build(*inputs))
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


def _stand_in(number: int) -> int:
    """The stand-in of a slot: an id no row has, told from every other parameter by its type and value."""
    return -(7 << 40) - number


def _places(params: tuple, slots: tuple[str, ...], numbers: tuple[int, ...] | None = None) -> dict[str, list[int]]:
    """Where each slot's stand-in (``numbers``: their numbers among all the slots, by default their order) is among
    ``params``; a slot whose stand-in is not there (Django changed it, or the statement does not use it) is refused."""
    numbers = numbers if numbers is not None else tuple(range(len(slots)))
    places = {
        name: [i for i, value in enumerate(params) if type(value) is int and value == _stand_in(n)]
        for n, name in zip(numbers, slots, strict=True)
    }
    missing = [name for name, found in places.items() if not found]
    if missing:
        raise ValueError(f"slots {missing} are not parameters of the statement as they were given")
    return places


def _held(using: str, ids) -> bool:
    """Are all ``ids`` within the database's 64-bit integers (every id column's range)?"""
    low, high = connections[using].ops.integer_field_range("BigIntegerField")
    return all(low <= value <= high for value in ids)


def _filled(params: tuple, places: dict[str, list[int]], slots: dict[str, int]) -> list:
    filled = list(params)
    for name, value in slots.items():
        for i in places[name]:
            filled[i] = value
    return filled


def compiled_objects(build: Callable[..., QuerySet], *inputs: Hashable, **slots: int) -> list[Model]:
    """``list(build(*inputs, **slots))``: model instances (``select_related`` ones, annotations) as Django makes them,
    the SQL made once per ``inputs`` and names of ``slots`` and database, then only executed with each call's slots."""
    names = tuple(sorted(slots))
    kept = _made_once("compiled_objects", build, inputs, lambda queryset: _compile_objects(queryset, names), names)
    if kept is None:
        return []
    compiler, sql, params, places = kept
    if not _held(compiler.using, slots.values()):
        return []  # an id no integer column holds is no row, as Django's lookup says (SQLite refused it: OverflowError)
    with connections[compiler.using].cursor() as cursor:
        cursor.execute(sql, _filled(params, places, slots))
        rows = cursor.fetchall()
    klass_info, select, db = compiler.klass_info, compiler.select, compiler.using
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names_in_row = [column[0].target.attname for column in select[first:last]]
    populators = get_related_populators(klass_info, select, db)
    objects = []
    for row in compiler.results_iter(results=[rows]):
        obj = klass_info["model"].from_db(db, names_in_row, row[first:last])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in compiler.annotation_col_map.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def _compile_objects(queryset: QuerySet, slots: tuple[str, ...]) -> tuple[SQLCompiler, str, tuple, dict] | None:
    if queryset._known_related_objects or queryset._prefetch_related_lookups or queryset._fields is not None:
        raise ValueError("compiled_objects needs a queryset of model instances, nothing prefetched or known beforehand")
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return compiler, sql, tuple(params), _places(tuple(params), slots)


def compiled_statements(build: Callable[..., list[tuple[str, list | tuple]]], *inputs: Hashable, **slots: int) -> list[tuple[str, list]]:
    """The statements ``build(*inputs, **slots)`` returns, each its SQL and parameters (writes Django has no queryset
    method for, e.g. an ``INSERT … SELECT``), made once per ``inputs`` and names of ``slots`` and database: each call's
    slots in place. A slot need be in one of them only."""
    names = tuple(sorted(slots))
    made = _made_once("compiled_statements", build, inputs, lambda statements: _compile_statements(statements, names), names)
    return [(sql, _filled(params, places, {name: slots[name] for name in places})) for sql, params, places in made]


def _compile_statements(statements: list, slots: tuple[str, ...]) -> list[tuple[str, tuple, dict[str, list[int]]]]:
    made = []
    for sql, params in statements:
        found = {n: name for n, name in enumerate(slots) if any(type(v) is int and v == _stand_in(n) for v in params)}
        made.append((sql, tuple(params), _places(tuple(params), tuple(found.values()), numbers=tuple(found))))
    if slots and not set(slots) <= {name for _sql, _params, places in made for name in places}:
        raise ValueError(f"slots {slots} are not all parameters of the statements as they were given")
    return made


def compiled_forget() -> None:
    """Drop every kept statement (tests that change the schema or the database behind an alias)."""
    with _lock:
        _kept.clear()
