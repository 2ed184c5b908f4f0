"""How the registry shows lineage: in the agency admin, the public registry and templates."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Agency, AgencyLineage


def lineage_of(agency: Agency) -> dict[str, list[AgencyLineage]]:
    """Its predecessors and successors, with the dates (two queries)."""
    return {
        "predecessors": list(AgencyLineage.objects.filter(successor=agency).select_related("predecessor")),
        "successors": list(AgencyLineage.objects.filter(predecessor=agency).select_related("successor")),
    }


def lineage_html(agency: Agency) -> str:
    if agency.pk is None:
        return "—"
    links = lineage_of(agency)
    rows = [(gettext("Took over from"), link.predecessor.name, link.effective_on.strftime("%d/%m/%Y")) for link in links["predecessors"]]
    rows += [(gettext("Passed its work to"), link.successor.name, link.effective_on.strftime("%d/%m/%Y")) for link in links["successors"]]
    if not rows:
        return gettext("No reorganisation recorded.")
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} ({})</li>", rows))


def agency_choice_label(agency: Agency, today) -> str:
    """An agency in a list to choose from: "Sở Thông tin và Truyền thông (đã thôi hoạt động 01/03/2025)" once it has ceased."""
    if agency.active_to is None or agency.active_to > today:
        return agency.name
    return gettext("%(name)s (ceased on %(day)s)") % {"name": agency.name, "day": agency.active_to.strftime("%d/%m/%Y")}


class ActiveFilter(admin.SimpleListFilter):
    title = _("exists today")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No (ceased)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.active_on(timezone.localdate())
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.active_on(timezone.localdate()).values("pk"))
        return queryset
