"""The order tasks are listed in: plan, then section position, then task position (then id).

Each task stores that order as one number, ``Task.order_key``, so that a page of a long list
is a range of an index instead of a sort of every task (the API pages by it, and clients walk
the whole list with a cursor on it). Tasks without a section come after the plan's sections,
as PostgreSQL orders a missing section position.
"""

from django.db.models import BigIntegerField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Least

PLAN = 10**12  # room for a million sections of a million tasks in each plan
SECTION = 10**6
LAST = SECTION - 1  # positions beyond a million share the last place (then the id decides)


def order_key(*, plan_id: int, section_position: int | None, position: int) -> int:
    """The stored order of a task: plan, section position (none last), task position."""
    section = LAST if section_position is None else min(section_position, LAST)
    return plan_id * PLAN + section * SECTION + min(position, LAST)


def order_key_expression(section_model=None):
    """:func:`order_key` in SQL, for refreshing many tasks in one UPDATE (a migration passes its Section)."""
    if section_model is None:
        from plans.models import Section as section_model

    section_position = Subquery(section_model.objects.filter(pk=OuterRef("section_id")).order_by().values("position")[:1])
    return (
        Cast(F("plan_id"), BigIntegerField()) * Value(PLAN)
        + Cast(Least(Coalesce(section_position, Value(LAST)), Value(LAST)), BigIntegerField()) * Value(SECTION)
        + Least(F("position"), Value(LAST))
    )
