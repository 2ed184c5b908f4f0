"""``{{ value|percent }}``: a percentage as every page writes it (``core.formatting.percent_text``)."""

from django import template

from ..formatting import percent_text

register = template.Library()


@register.filter
def percent(value, digits: int = -1) -> str:
    return percent_text(value, digits)
