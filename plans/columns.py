"""The columns of the public agency registry (``/co-quan/``): its page and its Excel export.

Rows come from ``plans.selectors.agency_registry`` (lineage prefetched); ``holders`` (from
``plans.selectors.holders_on``) names today's holder of a retired agency's work.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.columns import Column, day

from .models import Agency
from .models.agencies import then_now


def name_now(agency: Agency, holders: dict[int, Agency]) -> str:
    """ "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)" when its work passed whole to another agency."""
    return then_now(agency, holders.get(agency.pk))


def _links(agency: Agency, direction: str) -> list[tuple[str, str]]:
    if direction == "predecessors":
        return [(link.predecessor.name, day(link.effective_on)) for link in agency.predecessor_links.all()]
    return [(link.successor.name, day(link.effective_on)) for link in agency.successor_links.all()]


def _text(agency: Agency, direction: str) -> str:
    return "; ".join(f"{name} ({date})" for name, date in _links(agency, direction))


def _html(agency: Agency, direction: str):
    return format_html_join(mark_safe("<br>"), "{} <span class='text-muted'>({})</span>", _links(agency, direction))  # noqa: S308


def registry_columns(holders: dict[int, Agency]) -> list[Column]:
    """The registry's columns; the name says who holds a retired agency's work today."""
    return [
        Column("code", _("Code"), lambda a: a.code),
        Column("name", _("Official name"), lambda a: name_now(a, holders)),
        Column("aliases", _("Other spellings"), lambda a: "; ".join(a.aliases)),
        Column("kind", _("Kind"), lambda a: a.get_kind_display()),
        Column("active_from", _("Exists from"), lambda a: a.active_from),
        Column(
            "active_to",
            _("Ceased on"),
            lambda a: a.active_to,
            html=lambda a: day(a.active_to) or format_html("<span class='badge text-bg-success'>{}</span>", gettext("current")),
        ),
        Column("predecessors", _("Took over from"), lambda a: _text(a, "predecessors"), html=lambda a: _html(a, "predecessors")),
        Column("successors", _("Passed its work to"), lambda a: _text(a, "successors"), html=lambda a: _html(a, "successors")),
    ]
