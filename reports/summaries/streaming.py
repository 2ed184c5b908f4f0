"""Big values sent to PostgreSQL in pieces (``COPY … FROM STDIN``), never as one query parameter.

At 50,000 tasks a summary's snapshot is ~9 MB of JSON and its results section ~4 MB of text. Sent as a query
parameter, psycopg2 held several copies of each at once (encoded, quoted, then the whole statement)
(benchmarks/summary.py); copied in, only a piece at a time exists besides the value itself.
"""

from collections.abc import Iterable, Iterator

from django.db import connection

from ..models.summaries import SnapshotEncoder

PIECE = 1 << 16  # characters of a long text sent at a time


def copy_possible() -> bool:
    """Whether this database takes ``COPY … FROM STDIN`` (PostgreSQL through psycopg2); otherwise values go the ordinary way."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return hasattr(cursor.cursor, "copy_expert")  # psycopg2's; another driver takes the ordinary way


def upload_table(cursor, table: str, columns: dict[str, str]) -> None:
    """A temporary table (dropped at commit) to ``COPY`` values into, then move them with one statement.

    Its long values are compressed with lz4 where the server has it: pglz, the default, took ~100 ms more to
    store a 9 MB snapshot, and a value moved on keeps the compression it has.
    """
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()  # none before PostgreSQL 14
    compression = " COMPRESSION lz4" if row and row[0] else ""
    definition = ", ".join(f"{name} {kind}{compression}" for name, kind in columns.items())
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition}) ON COMMIT DROP")


def copy_in(cursor, table: str, columns: list[str], rows: Iterable[tuple[str | Iterator[str], ...]]) -> None:
    """``COPY`` ``rows`` into ``table`` (a temporary table of this transaction); each field is a text or its pieces."""
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", _Reader(_csv(rows)))


def text_pieces(text: str) -> Iterator[str]:
    """``text`` a few tens of thousands of characters at a time."""
    for start in range(0, len(text), PIECE):
        yield text[start : start + PIECE]


def json_pieces(value, encoder: SnapshotEncoder, depth: int = 4) -> Iterator[str]:
    """``value`` as JSON text in pieces of at most a few hundred items: dicts and short lists of the top ``depth``
    levels item by item, long lists in batches, each batch by the C encoder (the same text as one ``encoder.encode(value)``)."""
    comma, colon = encoder.item_separator, encoder.key_separator
    if depth and isinstance(value, dict) and all(isinstance(key, str) for key in value):
        yield "{"
        for place, (key, item) in enumerate(value.items()):
            yield (comma if place else "") + encoder.encode(key) + colon
            yield from json_pieces(item, encoder, depth - 1)
        yield "}"
    elif depth and isinstance(value, list | tuple):
        yield "["
        if len(value) <= 100:
            for place, item in enumerate(value):
                if place:
                    yield comma
                yield from json_pieces(item, encoder, depth - 1)
        else:
            for start in range(0, len(value), 500):
                yield (comma if start else "") + encoder.encode(list(value[start : start + 500]))[1:-1]
        yield "]"
    else:
        yield encoder.encode(value)


def _csv(rows: Iterable[tuple[str | Iterator[str], ...]]) -> Iterator[str]:
    """CSV rows whose fields are all quoted (so an empty text stays a text, never NULL)."""
    for row in rows:
        for place, field in enumerate(row):
            yield ',"' if place else '"'
            for piece in text_pieces(field) if isinstance(field, str) else field:
                yield piece.replace('"', '""')
            yield '"'
        yield "\n"


class _Reader:
    """A file for ``copy_expert``: a piece per read; an empty read is the end, so empty pieces are skipped."""

    def __init__(self, pieces: Iterator[str]):
        self._pieces = pieces

    def read(self, size: int = -1) -> str:
        return next((piece for piece in self._pieces if piece), "")
