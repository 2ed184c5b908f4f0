"""Reads of the plans app."""

from .models import Plan


def plans_by_symbol(symbol: str) -> list[Plan]:
    """The plans whose number and symbol is ``symbol`` (as typed: case and spaces around ignored)."""
    return list(Plan.objects.filter(symbol__iexact=symbol.strip()))
