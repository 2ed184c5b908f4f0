"""FilterSets of the plans app's lists: the public agency registry (``/co-quan/``), its page and its Excel export."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinhlong_cmcn4.filtering import ListFilterSet
from vinhlong_cmcn4.search import search_filter

from .choices import AgencyKind

CURRENT, RETIRED = "hien-tai", "da-thoi"


class AgencyRegistryFilter(ListFilterSet):
    """Text without diacritics (name, code, abbreviations), existing today or ceased, kind."""

    route = "registry:agencies"

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("Exists today"),
        choices=[(CURRENT, _("Current agencies")), (RETIRED, _("Ceased (merged, renamed, dissolved)"))],
        method="filter_state",
        empty_label=_("Current and ceased"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AgencyKind.choices, empty_label=_("All agency kinds"))

    def filter_text(self, queryset, name, value):
        return search_filter(queryset, value)

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        current = queryset.model.objects.active_on(today).values("pk")
        return queryset.filter(pk__in=current) if value == CURRENT else queryset.exclude(pk__in=current)
