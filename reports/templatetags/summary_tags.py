"""The public plan page's issued summaries (the page belongs to ``tasks``, which may not import ``reports``)."""

from django import template

from ..columns import summary_number, summary_signers
from ..filters import PublicSummaryFilter
from ..selectors import summaries_published
from ..summaries.prose import in_sentence

register = template.Library()

PANEL_ROWS = 5  # the latest ones; the public list of summaries has them all


@register.filter
def period_in_sentence(period: dict) -> str:
    """A snapshot's period as a sentence names it: "Báo cáo năm 2018", not "Báo cáo Năm 2018"."""
    return in_sentence(period)


@register.inclusion_tag("reports/_plan_summaries.html")
def plan_summaries_panel(plan):
    """The plan's issued and signed summaries, latest first: number, date, period, signer, file, a check."""
    summaries = [
        {"summary": summary, "number": summary_number(summary), "signers": summary_signers(summary)}
        for summary in summaries_published(plan)[: PANEL_ROWS + 1]
    ]
    more = len(summaries) > PANEL_ROWS
    return {
        "summaries": summaries[:PANEL_ROWS],
        "more": more,
        "total": summaries_published(plan).count() if more else len(summaries),
        "list_url": PublicSummaryFilter.url(plan=plan.pk),
    }
