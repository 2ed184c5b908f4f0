"""Row locks of writers: a writer locks the rows it is about to write, and only those.

Django's ``select_for_update()`` locks a row of *every* table in its statement, and a model's default ordering
or ``select_related`` joins others: a report is ordered by its period and its task, a task by its plan. Locking
one report then locked its period's row and its task's, and locking a task locked its plan's: every officer of
the province saving or sending a report of the period being filed waited for the one before, each holding the
period (or plan) until its transaction ended, and the deadline day ran one writer at a time. Every lock of the
project is taken here, of the queryset's own table only (``of=("self",)``), in the order of its primary key, so
two writers of several rows take them in one order.
"""

from django.db import connections
from django.db.models import Manager, QuerySet
from django.db.models.sql import Query


def locked(queryset: QuerySet | Manager, *, no_key: bool = False, skip_locked: bool = False) -> QuerySet:
    """``queryset``'s own rows, locked until the transaction ends (PostgreSQL; SQLite writes one at a time).

    ``no_key``: FOR NO KEY UPDATE, which leaves the row's key free for rows referring to it (a report inserted for
    a locked task); ``skip_locked``: rows another writer holds are left out instead of waited for.
    """
    return queryset.select_for_update(of=("self",), no_key=no_key, skip_locked=skip_locked).order_by("pk")


def locks_outside_transaction(query: Query, using: str) -> bool:
    """Would ``query`` lock rows (:func:`locked`) outside a transaction, where its lock would hold nothing? Django refuses it
    while it builds the SQL; a statement made once (``core.compiled``) asks at each call."""
    database = connections[using]
    return bool(query.select_for_update) and database.features.has_select_for_update and database.get_autocommit()
