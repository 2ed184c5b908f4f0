"""Inserting many plain rows fast, for imports of tens of thousands of rows.

Django's ``bulk_create`` builds a model instance per row; for link rows and history rows
that cost dominates a large import. This inserts tuples directly, with the database's own
fast path (``COPY`` on PostgreSQL, ``executemany`` elsewhere), inside the caller's
transaction. Only for rows whose values are already validated.
"""

import datetime
import io
import re
from collections.abc import Iterable, Sequence

from django.db import connection, models

PAGE = 5000
COPY_CHUNK = 256 * 1024  # characters handed to the server at a time
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _copy_value(value) -> str:
    kind = value.__class__
    if kind is str:  # most values: escape only the few that need it (a scan is cheaper than a translation)
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


class _CopyStream(io.TextIOBase):
    """COPY text made as the server asks for it: the database stores one chunk while the next is formatted."""

    def __init__(self, rows: Iterable[Sequence]) -> None:
        value = _copy_value
        self._lines = ("\t".join([value(cell) for cell in row]) + "\n" for row in rows)
        self._rest = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        chunks, length = [self._rest], len(self._rest)
        for line in self._lines:
            chunks.append(line)
            length += len(line)
            if size is not None and 0 <= size <= length:
                break
        text = "".join(chunks)
        if size is None or size < 0 or size >= len(text):
            self._rest = ""
            return text
        self._rest = text[size:]
        return text[:size]


def _copy(cursor, table: str, names: str, rows: Iterable[Sequence]) -> None:
    cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", _CopyStream(rows), size=COPY_CHUNK)


def bulk_insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, column names as in the table) into ``model``'s table."""
    rows = list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, rows)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            for start in range(0, len(rows), PAGE):
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows[start : start + PAGE])  # noqa: S608
    return len(rows)


def bulk_insert_returning(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Insert ``rows`` like :func:`bulk_insert_rows` and return each new row's primary key, in order."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        returning = model._meta.pk.attname
        if connection.vendor == "postgresql":
            # Take the ids from the table's sequence first, then COPY the rows with them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [model._meta.db_table, returning, len(rows)]
            )
            ids = [row[0] for row in cursor.fetchall()]
            _copy(cursor, table, f"{quote(returning)}, {names}", ([task_id, *row] for task_id, row in zip(ids, rows, strict=True)))
            return ids
        row_placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, (connection.features.max_query_params or 999) // len(columns))
        result = []
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([row_placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {quote(returning)}",  # noqa: S608
                [value for row in chunk for value in row],
            )
            # RETURNING gives no order, but one statement numbers its new rows in the order it inserts them.
            result.extend(sorted(row[0] for row in cursor.fetchall()))
        return result
