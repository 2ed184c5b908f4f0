"""Reads of the plans app."""

import datetime

from django.db.models import QuerySet

from core.text import search_key

from .models import Agency, AgencyGroup, AgencyLineage, Plan


def plans_by_symbol(symbol: str) -> list[Plan]:
    """The plans whose number and symbol is ``symbol`` (as typed: case and spaces around ignored)."""
    return list(Plan.objects.filter(symbol__iexact=symbol.strip()))


def plan_by_symbol(symbol: str) -> Plan:
    """The one plan with this number and symbol; ``ValidationError`` in Vietnamese when none or several."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    plans = plans_by_symbol(symbol)
    if len(plans) != 1:
        message = _("No plan has the symbol %(symbol)s.") if not plans else _("Several plans have the symbol %(symbol)s.")
        raise ValidationError({"plan": message % {"symbol": symbol}})
    return plans[0]


def holding_links(*, as_of: datetime.date) -> dict[int, AgencyLineage]:
    """For every agency whose work passed whole to another (merger, renaming) by ``as_of``, the last link of its chain (one query).

    The link's ``successor`` holds the work on ``as_of``; its ``predecessor``, ``effective_on`` and
    ``change`` are what applying the decisions recorded on the assignments they moved (``inherited_*``).
    A merger of a merger is followed to the end: Sở A → Sở B → Sở C gives the link B → C for both A and B.
    """
    direct = {
        link.predecessor_id: link
        for link in AgencyLineage.objects.filter(main=True, effective_on__lte=as_of).select_related("successor", "predecessor")
    }
    last: dict[int, AgencyLineage] = {}
    for predecessor_id, link in direct.items():
        seen = {predecessor_id}
        while link.successor_id in direct and link.successor_id not in seen:
            seen.add(link.successor_id)
            link = direct[link.successor_id]
        last[predecessor_id] = link
    return last


def holders_on(*, as_of: datetime.date) -> dict[int, Agency]:
    """For every agency whose work passed whole to another (merger, renaming) by ``as_of``, the agency holding it then (one query)."""
    return {predecessor_id: link.successor for predecessor_id, link in holding_links(as_of=as_of).items()}


def agency_registry() -> QuerySet[Agency]:
    """The registry as the public reads it: every agency, current and retired, with its lineage by date (five queries in all)."""
    return Agency.objects.prefetch_related("predecessor_links__predecessor", "successor_links__successor").order_by("name")


def recipients_on(lines: list[str], *, day: datetime.date) -> list[str]:
    """The recipient lines ("Nơi nhận") of a document dated ``day``, as the registry stood that day.

    A line naming an agency group (by its name or an alias, "UBND các huyện, thị xã, thành phố;") is kept only
    when the group had members that day; a line naming an agency only when it existed then. Other lines
    ("CT, các PCT UBND tỉnh;", "Lưu: VT.") stay as written. A query per group (a province has a few) and one for the agencies.
    """

    def key(line: str) -> str:
        return search_key(line.strip().rstrip(";.").removesuffix("(b/c)").strip())

    named: dict[str, bool] = {}
    for group in AgencyGroup.objects.all():
        exists = group.members_on(day).exists()
        for name in (group.name, *group.aliases):
            named[search_key(name)] = exists
    for agency in Agency.objects.only("name", "aliases", "active_from", "active_to"):
        for name in (agency.name, *agency.aliases):
            named.setdefault(search_key(name), agency.is_active_on(day))
    return [line for line in lines if named.get(key(line), True)]
