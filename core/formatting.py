"""How a percentage reads everywhere (pages, summaries, exports): against its number, with the language's decimal
mark: "90%", "72,5%" (Vietnamese writes no space before the sign)."""

from decimal import Decimal

from django.template.defaultfilters import floatformat


def percent_text(value: Decimal | float | int | None, digits: int = -1) -> str:
    """``value`` (already in percent) with at most one decimal by default (``floatformat``'s ``-1``); "—" for none, and
    for a value that is no number (``floatformat`` gives it no digits: never a bare "%")."""
    number = "" if value is None else floatformat(value, digits)
    return f"{number}%" if number else "—"
