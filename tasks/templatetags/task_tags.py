from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.search import mark_matches, snippet
from core.text import match_strength
from tasks.as_planned import agencies_as_planned
from tasks.choices import OpenDataType
from tasks.selectors import cooperating_agencies, lead_agencies
from tasks.status import status_label

register = template.Library()


@register.inclusion_tag("_partials/status_badge.html")
def status_badge(code: str, extended=None) -> dict:
    """A coloured badge for a derived task status (overdue is red everywhere); "(đã gia hạn)" after an approved extension."""
    return {"code": code, "label": status_label(code, extended=bool(extended))}


@register.simple_tag
def progress_bar(value) -> str:
    """A thin progress bar with its percentage; "no reports yet" when there is no figure.

    A plain tag, not an included template: dashboards draw a hundred of them per page.
    """
    if value is None:
        return format_html('<span class="text-muted">{}</span>', _("No reports yet"))
    percent = round(value)
    return format_html(
        '<div class="d-flex align-items-center gap-2">'
        '<div class="progress flex-grow-1" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0" '
        'aria-valuemax="100" style="height: .6rem"><div class="progress-bar {}" style="width: {}%"></div></div>'
        '<span class="fw-semibold small text-nowrap">{}%</span></div>',
        _("Progress"),
        percent,
        "bg-success" if percent >= 100 else "bg-primary",
        percent,
        percent,
    )


@register.simple_tag
def open_data_type(code: str) -> str:
    """An open-data field's type in words, its code beside (the code is what the files and a program read)."""
    return format_html('{} <code class="small text-muted">{}</code>', OpenDataType(code).label, code)


@register.filter
def leads(task) -> list:
    return lead_agencies(task)


@register.filter
def cooperators(task) -> list:
    return cooperating_agencies(task)


@register.filter
def as_planned(task, role: str) -> list[str]:
    """The agencies the plan named in ``role`` ("lead" or "cooperating"), with today's holder of each part:
    "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)" (``tasks.as_planned``)."""
    return agencies_as_planned(task, role)


@register.filter(needs_autoescape=True)
def highlight(text, query: str, autoescape: bool = True):
    """``text`` with the words of a search ``query`` marked (<mark>), found with or without diacritics."""
    return mark_matches(text, query)


@register.simple_tag
def search_hit(task, query: str):
    """A found task's title around the match, marked; when its product matches better, the product's words around it below."""
    title = snippet(task.title, query)
    if task.product and match_strength(task.product, query) > match_strength(task.title, query):
        return format_html('{}<div class="small text-muted">{}: {}</div>', title, _("Product"), snippet(task.product, query, words=25))
    return title
