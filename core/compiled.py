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
and :func:`compiled_statements` (the SQL and parameters of writes) take *slots*, ids that change on every call and
are no part of the key: ``build`` is called twice with a stand-in id for each (two sets of them), the parameters where
the two statements differ are the slots', and every call puts its ids there. A slot is an integer compared for
equality or written as is (``pk=…``, ``in`` a list of them): a stand-in Django changed on its way into the SQL, or left
out, or one that changes the statement itself, is refused when the statement is made.
"""

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from .locking import locks_outside_transaction
from .prepared import fetched, forget, parameter_types

M = TypeVar("M", bound=Model)

LIMIT = 256  # statements kept per process (each a few kilobytes of SQL)

_lock = threading.Lock()
_kept: OrderedDict[tuple, Any] = OrderedDict()  # a values() statement (_compile) or an EXISTS one (_compile_exists)


def _made_once(function: str, build: Callable, inputs: tuple, make: Callable[..., Any], slots: tuple[str, ...] = ()) -> Any:
    """``make(build(*inputs))`` (``slots``: ``make(build(*inputs, **stand_ins), build(*inputs, **other_stand_ins))``,
    the two sets of :func:`_stand_in`), kept per ``build``, ``inputs``, slots and database vendor (the latest ``LIMIT``
    of them)."""
    # "<lambda>", "f.<locals>.g", a bound method (its object), a partial (its arguments): state the key cannot see
    if not inspect.isfunction(build) or "<" in build.__qualname__:
        raise ValueError(f"{function} needs a module-level function, not {build!r}")
    key = (build.__module__, build.__qualname__, connections[DEFAULT_DB_ALIAS].vendor, slots, inputs)
    with _lock:
        kept = _kept.get(key, False)
        if kept is not False:
            _kept.move_to_end(key)
    if kept is False:
        if slots:
            kept = make(*(build(*inputs, **{name: _stand_in(n, made) for n, name in enumerate(slots)}) for made in (0, 1)))
        else:
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


def _stand_in(number: int, made: int = 0) -> int:
    """The stand-in of a slot in the statement's ``made``-th build (0 or 1): a small positive integer every integer column
    holds (Django leaves out a comparison with a value its column cannot: a negative one with a positive integer
    column), each slot's its own. The slots are where the two builds' parameters differ: an input that happens to equal
    a stand-in is the same in both and stays what it is."""
    return (1 << 14) + 2 * number + made


def _places(params: tuple, other: tuple, slots: tuple[str, ...], numbers: tuple[int, ...] | None = None) -> dict[str, list[int]]:
    """Where each slot (``numbers``: their numbers among all the slots, by default their order) is among ``params``, the
    parameters of the first build, ``other`` those of the second: the places where they differ, each the slot's two
    stand-ins. A slot that is not there, or a difference that is no slot's stand-ins (Django changed it), is refused."""
    numbers = numbers if numbers is not None else tuple(range(len(slots)))
    places: dict[str, list[int]] = {name: [] for name in slots}
    for i, (value, again) in enumerate(zip(params, other, strict=True)):
        if type(value) is type(again) and value == again:
            continue
        slot = next(
            (
                name
                for n, name in zip(numbers, slots, strict=True)
                if type(value) is int and (value, again) == (_stand_in(n), _stand_in(n, 1))
            ),
            None,
        )
        if slot is None:
            raise ValueError(f"slots {list(slots)} reach the statement changed (parameter {i}: {value!r})")
        places[slot].append(i)
    missing = [name for name, found in places.items() if not found]
    if missing:
        raise ValueError(f"slots {missing} are not parameters of the statement as they were given")
    return places


def _same_statement(first: tuple[str, tuple] | None, second: tuple[str, tuple] | None, slots: tuple[str, ...]) -> None:
    """The two builds of a statement (None: it matches nothing) differ in their slots' parameters only."""
    if (first is None) != (second is None) or (first is not None and (first[0] != second[0] or len(first[1]) != len(second[1]))):
        raise ValueError(f"slots {list(slots)} change the statement, not only its parameters")


def _ids(slots: dict[str, Any]) -> None:
    """Each slot is an id, an ``int`` (not a bool, whose ``true`` PostgreSQL will not compare with an id column)."""
    for name, value in slots.items():
        if type(value) is not int:
            raise TypeError(f"slot {name} must be an integer id, not {value!r}")


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


def compiled_objects(build: Callable[..., QuerySet[M]], *inputs: Hashable, **slots: int) -> list[M]:
    """``list(build(*inputs, **slots))``: model instances (``select_related`` ones, annotations) as Django makes them,
    the SQL made once per ``inputs`` and names of ``slots`` and database, then only executed with each call's slots."""
    _ids(slots)
    names = tuple(sorted(slots))
    kept = _made_once("compiled_objects", build, inputs, lambda *querysets: _compile_objects(*querysets, slots=names), names)
    if kept is None:
        return []
    compiler, sql, params, places, types = kept
    if locks_outside_transaction(compiler.query, compiler.using):  # Django's refusal, made while it builds the SQL
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    if not _held(compiler.using, slots.values()):
        return []  # an id no integer column holds is no row, as Django's lookup says (SQLite refused it: OverflowError)
    rows = fetched(compiler.using, sql, _filled(params, places, slots), types)  # prepared once per connection (core.prepared)
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


def _compile_objects(
    queryset: QuerySet, again: QuerySet | None = None, *, slots: tuple[str, ...]
) -> tuple[SQLCompiler, str, tuple, dict, tuple[str, ...] | None] | None:
    """The statement of ``queryset`` (its slots' first stand-ins), its slots' places found against ``again`` (the
    second's; none without slots), its parameters' types (``core.prepared``)."""
    builds = (queryset,) if again is None else (queryset, again)
    for each in builds:
        if each._known_related_objects or each._prefetch_related_lookups or each._fields is not None:
            raise ValueError("compiled_objects needs a queryset of model instances, nothing prefetched or known beforehand")
    made = []
    for each in builds:
        compiler = each.query.get_compiler(each.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            made.append(None)
        else:
            made.append((compiler, sql, tuple(params)))
    if again is None:
        made *= 2  # no slots: one build, its parameters its own
    _same_statement(*(m[1:] if m else None for m in made), slots)
    if made[0] is None:
        return None
    compiler, sql, params = made[0]
    return compiler, sql, params, _places(params, made[1][2], slots), parameter_types(params)


def compiled_statements(
    build: Callable[..., Sequence[tuple[str, Sequence[Any]]]], *inputs: Hashable, **slots: int
) -> list[tuple[str, list]]:
    """The statements ``build(*inputs, **slots)`` returns, each its SQL and parameters (writes Django has no queryset
    method for, e.g. an ``INSERT … SELECT``), made once per ``inputs`` and names of ``slots`` and database: each call's
    slots in place. A slot need be in one of them only."""
    _ids(slots)
    names = tuple(sorted(slots))
    made = _made_once("compiled_statements", build, inputs, lambda *statements: _compile_statements(*statements, slots=names), names)
    return [(sql, _filled(params, places, {name: slots[name] for name in places})) for sql, params, places in made]


def _compile_statements(
    statements: list, again: list | None = None, *, slots: tuple[str, ...]
) -> list[tuple[str, tuple, dict[str, list[int]]]]:
    again = statements if again is None else again
    if len(statements) != len(again):
        raise ValueError(f"slots {list(slots)} change the statements, not only their parameters")
    made = []
    for (sql, params), (sql_again, params_again) in zip(statements, again, strict=True):
        _same_statement((sql, tuple(params)), (sql_again, tuple(params_again)), slots)
        pairs = set(zip(params, params_again, strict=True))
        in_it = {n: name for n, name in enumerate(slots) if (_stand_in(n), _stand_in(n, 1)) in pairs}
        made.append((sql, tuple(params), _places(tuple(params), tuple(params_again), tuple(in_it.values()), numbers=tuple(in_it))))
    if slots and not set(slots) <= {name for _sql, _params, places in made for name in places}:
        raise ValueError(f"slots {slots} are not all parameters of the statements as they were given")
    return made


def compiled_forget() -> None:
    """Drop every kept statement (tests that change the schema or the database behind an alias)."""
    with _lock:
        _kept.clear()
    forget()
