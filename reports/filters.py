"""FilterSets of the reports app, shared by the pages, their Excel exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from plans.choices import PeriodKind
from plans.models import Plan

from .choices import SummaryState
from .models import Summary


class SummaryFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.order_by("-issued_on", "symbol"), label=_("Plan"), empty_label=_("All plans")
    )
    kind = django_filters.ChoiceFilter(
        field_name="period__kind", choices=PeriodKind.choices, label=_("Period kind"), empty_label=_("All kinds")
    )
    year = django_filters.NumberFilter(field_name="period__year", label=_("Year"), min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(choices=SummaryState.choices, label=_("State"), empty_label=_("All states"))

    class Meta:
        model = Summary
        fields = ["plan", "kind", "year", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )
