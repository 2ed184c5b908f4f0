"""Statements made once (``core.compiled``) prepared by PostgreSQL once per connection, then only executed.

A deadline day's save or workflow step runs the same few statements for one report after another; PostgreSQL parsed
and planned each of them again on every call (the report a user may write, read through the access rules: eight
tables joined, 1.2 ms of planning for 0.05 ms of execution). On a persistent connection (``CONN_MAX_AGE``) a statement
run a second time is prepared (``PREPARE``, its parameters typed as the values Django gave it when it was made) and
from then on executed (``EXECUTE``): PostgreSQL keeps its parse tree and, after a few runs, one plan for it.

A statement whose parameters are not all of a known type (a ``NULL``, a JSON value) is never prepared, nor one
PostgreSQL refuses to prepare (tried in a savepoint inside a transaction, so the transaction goes on): each is run as
Django runs it. A connection opened afresh (a new one, a server restarted: another backend) prepares anew; a
connection used once per request (``CONN_MAX_AGE=0``) never prepares, since no statement runs twice on it. Other
databases run the statement as it is.
"""

import datetime
import decimal
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, connections, transaction

_TYPES = {
    int: "bigint",
    bool: "boolean",
    str: "text",
    datetime.datetime: "timestamptz",
    datetime.date: "date",
    decimal.Decimal: "numeric",
    float: "double precision",
}
_PLACEHOLDER = re.compile(r"%%|%s")
_refused: set[str] = set()  # statements PostgreSQL would not prepare: run as they are from then on
_written: dict[str, str] = {}  # each name's statement as Django wrote it (as_written)
_round = [0]  # names of another round after forget(): a schema changed under the prepared statements (tests)


def parameter_types(params: Sequence[Any]) -> tuple[str, ...] | None:
    """PostgreSQL's types for a statement's parameters as Django gave them (a slot is an ``int``); None when one has
    no type known here (the statement is then never prepared)."""
    types = tuple(_TYPES.get(type(value)) for value in params)
    return None if None in types else types  # type: ignore[return-value]


def fetched(using: str, sql: str, params: Sequence[Any], types: tuple[str, ...] | None) -> list[tuple]:
    """The rows of ``sql`` with ``params`` (Django's ``%s`` placeholders), prepared on the connection once it runs a
    second time there (``types``: :func:`parameter_types` of the statement as made; None: never)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        name = _name(sql) if types is not None and connection.vendor == "postgresql" else None
        if name is not None and name not in _refused and _ready(connection, cursor, name, sql, types):
            cursor.execute(f"EXECUTE {name}" + (f" ({', '.join(['%s'] * len(params))})" if params else ""), list(params))
        else:
            cursor.execute(sql, list(params))
        return cursor.fetchall()


def _name(sql: str) -> str:
    name = f"compiled_{_round[0]}_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    _written.setdefault(name, sql)
    return name


def without_preparing(statements: list[str]) -> list[str]:
    """``statements`` (as a request sent them) without the preparing of statements made once: a ``PREPARE``, and the
    savepoint around it in a transaction; it happens once a connection, not on every request (tests that count a
    request's statements)."""
    left_out: set[int] = set()
    for i, sql in enumerate(statements):
        if sql.startswith("PREPARE compiled_"):
            left_out.add(i)
            after = statements[i + 1] if i + 1 < len(statements) else ""
            if i and statements[i - 1].startswith("SAVEPOINT ") and after.startswith(("RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")):
                left_out |= {i - 1, i + 1}
    return [sql for i, sql in enumerate(statements) if i not in left_out]


def as_written(sql: str) -> str:
    """A statement sent as ``EXECUTE compiled_…`` as Django wrote it (its ``%s`` placeholders); any other as it is
    (tests and logs that read the statements a request sent)."""
    if sql.startswith("EXECUTE compiled_"):
        return _written.get(sql.split()[1], sql)
    return sql


def forget() -> None:
    """Prepare every statement afresh under new names (``core.compiled.compiled_forget``: tests that change the schema
    behind a statement prepared on a connection still open)."""
    _round[0] += 1
    _refused.clear()


def _ready(connection, cursor, name: str, sql: str, types: tuple[str, ...]) -> bool:
    """Is ``name`` prepared on this connection's session, preparing it on its second run there?"""
    raw = connection.connection
    session = (id(raw), raw.info.backend_pid)  # the session PostgreSQL keeps prepared statements in
    known = connection.__dict__.get("_prepared_statements")
    if known is None or known[0] != session:
        known = connection.__dict__["_prepared_statements"] = (session, {})
    runs = known[1].get(name, 0)
    if runs == "prepared":
        return True
    if runs == 0:
        known[1][name] = 1  # its first run here: as Django runs it (a statement may run once on a connection)
        return False
    numbered = iter(range(1, len(types) + 1))
    body = _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbered)}", sql)
    prepare = f"PREPARE {name}" + (f" ({', '.join(types)})" if types else "") + f" AS {body}"
    try:
        if connection.in_atomic_block:
            with transaction.atomic(using=connection.alias):  # a refusal must not end the caller's transaction
                cursor.execute(prepare)
        else:
            cursor.execute(prepare)
    except DatabaseError:
        _refused.add(name)
        return False
    known[1][name] = "prepared"
    return True
