"""How an indicator's figures read on every page: one formatting, the rank with its year's provinces."""

from django import template
from django.utils import timezone

from plans import policy

from ..formatting import figure_text
from ..open_data import dictionary
from ..rules import RULE_TEXT
from ..selectors import indicators_of_plan, panel_shared

register = template.Library()
PANEL_ROWS = 12

BADGES = {"achieved": "text-bg-success", "at_risk": "text-bg-warning", "not_achieved": "text-bg-danger", "no_data": "text-bg-secondary"}


@register.simple_tag
def figure(indicator, value, year=None) -> str:
    """``value`` as the indicator's kind reads it (``indicators.formatting.figure_text``)."""
    return figure_text(kind=indicator.kind, unit=indicator.unit, value=value, year=year)


@register.filter
def judgement_badge(judgement: str) -> str:
    return BADGES.get(judgement, "text-bg-secondary")


@register.inclusion_tag("indicators/_plan_panel.html", takes_context=True)
def plan_indicators_panel(context, plan):
    """The plan page's indicators (the same rows as the plan's indicators page)."""
    request = context.get("request")
    user = getattr(request, "user", policy.ANONYMOUS)
    # A plan with many indicators shows the first ones here, at risk first; its indicators page lists them all.
    panel = panel_shared(policy.restrict(indicators_of_plan(plan), user), today=timezone.localdate(), shown=PANEL_ROWS)
    return {"plan": plan, "rule": RULE_TEXT, **panel}


@register.inclusion_tag("indicators/_open_data_dictionary.html")
def indicator_dictionary():
    """The indicators' fields on the open-data dictionary page."""
    return {"fields": dictionary()}
