"""How an indicator's figure reads, on pages, in summaries and exports alike: "12/63" for a rank of 2023 (the
provinces of its year), "Có"/"Không", "85,5%" (``core.formatting.percent_text``), "86 điểm"."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from core.formatting import percent_text

from .choices import IndicatorKind
from .rules import provinces_in


def figure_text(*, kind: str, unit: str, value: Decimal | None, year: int | None = None) -> str:
    if value is None:
        return "—"
    if kind == IndicatorKind.YES_NO:
        return _("Yes") if value else _("No")
    exponent = value.normalize().as_tuple().exponent if isinstance(value, Decimal) else -2
    number = floatformat(value, max(0, -int(exponent)))  # 72.50 reads "72,5", 40.00 reads "40"
    if kind == IndicatorKind.RANK and year:
        return f"{number}/{provinces_in(year)}"
    if kind == IndicatorKind.PERCENTAGE:
        return percent_text(value, max(0, -int(exponent)))
    return f"{number} {unit}".strip()
