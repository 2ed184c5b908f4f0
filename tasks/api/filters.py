import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import AssignmentRole
from ..filters import TaskFilter


class TaskApiFilter(TaskFilter):
    """The pages' FilterSet, with plans named by id or symbol and agencies by code, as other systems know them."""

    plan = django_filters.CharFilter(
        label=_("Plan"), method="filter_plan", help_text=_("The plan's id or its number and symbol, e.g. 28/KH-UBND.")
    )
    agency = django_filters.CharFilter(label=_("Agency"), method="filter_agency_code", help_text=_("Agency code; combine with `role`."))

    def filter_plan(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(plan_id=int(value)) if value.isdigit() else queryset.filter(plan__symbol__iexact=value)

    def filter_agency_code(self, queryset, name, value):
        role = self.data.get("role")
        condition = Q(assignments__agency__code__iexact=value.strip()) & (
            Q(assignments__role=role) if role in AssignmentRole.values else Q()
        )
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
