"""Reads of the plans app."""

from .models import Plan


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
