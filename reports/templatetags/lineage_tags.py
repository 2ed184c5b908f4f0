"""Template tags for reorganised agencies: inherited tasks, and names "as then (now …)"."""

from django import template

from ..models import Report

register = template.Library()


@register.inclusion_tag("reports/_inherited.html", takes_context=True)
def inherited_note(context, task):
    """Under a task the user's agency inherited: "kế thừa từ Sở TT&TT, Đài PT-TH (từ 01/03/2025)" and the reports of
    every agency that held the part before it (``PastHolding``: a part folded into the agency's own included).

    Reads the task's prefetched assignments and their past holders; one query for the reports, only for inherited tasks.
    """
    agency_id = context["request"].user.agency_id
    mine = next((a for a in task.assignments.all() if a.agency_id == agency_id), None)
    if mine is None:
        return {"assignment": None}
    predecessors = list({past.agency_id: past.agency for past in mine.past_holdings.all() if past.agency_id != agency_id}.values())
    if not predecessors and mine.inherited_from_id:
        predecessors = [mine.inherited_from]
    if not predecessors:
        return {"assignment": None}
    held = [past.held_to for past in mine.past_holdings.all()]
    reports = (
        Report.objects.filter(task=task, agency__in=predecessors)
        .select_related("period", "agency")
        .order_by("-period__last_day", "agency__name")
    )
    return {
        "assignment": mine,
        "predecessors": ", ".join(agency.short_name for agency in predecessors),
        "since": mine.inherited_on or (max(held) if held else None),
        "reports": list(reports),
    }


@register.simple_tag
def agency_then_now(agency):
    """The agency's name as it acted, with today's holder: "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)"."""
    return agency.display_name() if agency is not None else ""
