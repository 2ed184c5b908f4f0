from django import template

from tasks.choices import TaskStatus
from tasks.selectors import cooperating_agencies, lead_agencies

register = template.Library()


@register.inclusion_tag("_partials/status_badge.html")
def status_badge(code: str) -> dict:
    """A coloured badge for a derived task status (overdue is red everywhere)."""
    return {"code": code, "label": TaskStatus(code).label if code in TaskStatus.values else code}


@register.inclusion_tag("_partials/progress.html")
def progress_bar(value) -> dict:
    return {"value": value}


@register.filter
def leads(task) -> list:
    return lead_agencies(task)


@register.filter
def cooperators(task) -> list:
    return cooperating_agencies(task)


@register.inclusion_tag("_partials/report_badge.html")
def report_badge(state: str | None) -> dict:
    """The state of a report, "Chưa báo cáo" when there is none."""
    from django.utils.translation import gettext as _

    from reports.choices import ReportState

    return {"state": state or "none", "label": ReportState(state).label if state else _("Not reported")}
