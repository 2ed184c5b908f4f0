import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Plan

from ..choices import AssignmentRole
from ..filters import TaskFilter
from ..selectors import tasks_of_plans_q


class TaskApiFilter(TaskFilter):
    """The pages' FilterSet, with plans named by id or symbol and agencies by code, as other systems know them."""

    plan = django_filters.CharFilter(
        label=_("Plan"),
        method="filter_plan",
        help_text=_("The plan's id or its number and symbol, e.g. 28/KH-UBND; with the tasks of the plans carrying it out."),
    )
    agency = django_filters.CharFilter(label=_("Agency"), method="filter_agency_code", help_text=_("Agency code; combine with `role`."))

    def filter_plan(self, queryset, name, value):
        value = value.strip()
        plans = Plan.objects.filter(pk=int(value)) if value.isdigit() else Plan.objects.filter(symbol__iexact=value)
        return queryset.filter(tasks_of_plans_q(plans.values("pk")))  # with the plans carrying it out (the roll-up rule)

    def filter_agency_code(self, queryset, name, value):
        role = self.data.get("role")
        condition = Q(assignments__agency__code__iexact=value.strip()) & (
            Q(assignments__role=role) if role in AssignmentRole.values else Q()
        )
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
