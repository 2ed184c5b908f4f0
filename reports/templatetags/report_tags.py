from django import template

from ..choices import report_state_label

register = template.Library()


@register.inclusion_tag("_partials/report_badge.html")
def report_badge(state: str | None) -> dict:
    """The state of a report, "Chưa báo cáo" when there is none."""
    return {"state": state or "none", "label": report_state_label(state)}
