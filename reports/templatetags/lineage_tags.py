"""Template tags for reorganised agencies: inherited tasks, and names "as then (now …)"."""

from django import template

from ..models import Report

register = template.Library()


@register.inclusion_tag("reports/_inherited.html", takes_context=True)
def inherited_note(context, task):
    """Under a task the user's agency inherited: "kế thừa từ Sở TT&TT (từ 01/03/2025)" and the predecessor's reports.

    Reads the task's prefetched assignments; one query for the reports, only for inherited tasks.
    """
    agency_id = context["request"].user.agency_id
    mine = next((a for a in task.assignments.all() if a.agency_id == agency_id), None)
    if mine is None or not mine.inherited_from_id:
        return {"assignment": None}
    reports = Report.objects.filter(task=task, agency_id=mine.inherited_from_id).select_related("period").order_by("-period__last_day")
    return {"assignment": mine, "reports": list(reports)}


@register.simple_tag
def agency_then_now(agency):
    """The agency's name as it acted, with today's holder: "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)"."""
    return agency.display_name() if agency is not None else ""
