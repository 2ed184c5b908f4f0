"""``/api/v1/indicators/``: indicators with baseline, targets, values and judgement; filters ``plan`` and ``agency``."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from plans import policy
from plans.selectors import holders_on

from ..models import Indicator
from ..selectors import handovers_after, indicator_row, indicators_of_plan_q, reported_by_q, with_figures
from .serializers import IndicatorSerializer

MAX_ID = 2**63 - 1


class IndicatorApiFilter(django_filters.FilterSet):
    # Ids within the database's integer range: a larger number is a 400 naming the field, never a 500.
    plan = django_filters.NumberFilter(
        method="filter_plan", label=_("Plan (its own indicators and the indices it names)"), min_value=1, max_value=MAX_ID, decimal_places=0
    )
    agency = django_filters.NumberFilter(
        method="filter_agency", label=_("Agency reporting it today"), min_value=1, max_value=MAX_ID, decimal_places=0
    )

    class Meta:
        model = Indicator
        fields = ["kind", "scope"]

    def filter_plan(self, queryset, name, value):
        return queryset.filter(pk__in=Indicator.objects.filter(indicators_of_plan_q([int(value)])).values("pk"))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(reported_by_q(int(value), day=timezone.localdate()))


@extend_schema_view(list=extend_schema(summary=_("Indicators")), retrieve=extend_schema(summary=_("One indicator")))
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorApiFilter
    ordering = ["position", "id"]
    ordering_fields = ["position", "id"]

    def get_queryset(self):
        return with_figures(policy.restrict(Indicator.objects.all(), self.request.user)).prefetch_related("named_by")

    def get_serializer(self, *args, **kwargs):
        if args:
            items = args[0] if kwargs.get("many") else [args[0]]
            today = timezone.localdate()
            holders = holders_on(as_of=today)
            kwargs.setdefault("context", self.get_serializer_context())
            handed = handovers_after(today)
            kwargs["context"]["rows"] = {item.pk: indicator_row(item, today=today, holders=holders, handed=handed) for item in items}
        return super().get_serializer(*args, **kwargs)
