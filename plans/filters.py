"""FilterSets of the plans app's lists: the public agency registry (``/co-quan/``), its page and its Excel export."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet
from core.search import search_filter

from .choices import AgencyKind
from .models import Agency
from .reorganisation_display import agency_choice_label

CURRENT, RETIRED = "hien-tai", "da-thoi"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return agency_choice_label(obj, timezone.localdate())


def agencies_current_first(request=None):
    """Every agency by name, today's first and the ceased ones after them (a filter still finds their history)."""
    ceased = Case(When(active_to__lte=timezone.localdate(), then=Value(1)), default=Value(0), output_field=IntegerField())
    return Agency.objects.order_by(ceased, "name").defer("search_text")


class AgencyChoiceFilter(django_filters.ModelChoiceFilter):
    """A list's agency filter: current agencies first, then the ceased ones marked "(đã thôi hoạt động dd/mm/yyyy)"."""

    field_class = AgencyChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", agencies_current_first)
        super().__init__(*args, **kwargs)


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
