"""Read-only API of the registry and the plans; rows pass through the same policy as the pages."""

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.search import search_filter
from plans import policy

from ..models import Agency, AgencyLineage, Directive, Plan, Section
from .serializers import AgencySerializer, DirectiveSerializer, PlanSerializer


class PolicyQuerysetMixin:
    """The rows the requesting user (or the public) may see."""

    model = None

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        queryset = policy.restrict(self.base_queryset(), self.request.user)
        text = self.request.query_params.get("q", "").strip()
        return search_filter(queryset, text) if text else queryset


class AgencyFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(method="filter_active", label=_("Exists today"))

    class Meta:
        model = Agency
        fields = ["kind", "code"]

    def filter_active(self, queryset, name, value):
        current = queryset.active_on(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


@extend_schema_view(
    list=extend_schema(summary=_("Agency registry"), description=_("Parameter `q`: search by name or abbreviation, diacritics optional.")),
    retrieve=extend_schema(summary=_("One agency")),
)
class AgencyViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Agency
    serializer_class = AgencySerializer

    def base_queryset(self):
        return Agency.objects.prefetch_related(
            Prefetch("predecessor_links", queryset=AgencyLineage.objects.select_related("predecessor")),
            Prefetch("successor_links", queryset=AgencyLineage.objects.select_related("successor")),
        )

    filterset_class = AgencyFilter
    ordering_fields = ["name", "code"]
    ordering = ["name"]


@extend_schema_view(list=extend_schema(summary=_("Directives")), retrieve=extend_schema(summary=_("One directive")))
class DirectiveViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Directive
    serializer_class = DirectiveSerializer
    filterset_fields = ["kind", "year"]
    ordering_fields = ["issued_on", "symbol"]
    ordering = ["-issued_on"]


@extend_schema_view(
    list=extend_schema(summary=_("Plans, with their sections"), description=_("Without signing in: published plans only.")),
    retrieve=extend_schema(summary=_("One plan")),
)
class PlanViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Plan
    serializer_class = PlanSerializer
    filterset_fields = ["state", "is_published", "year", "symbol"]
    ordering_fields = ["issued_on", "symbol"]
    ordering = ["-issued_on", "symbol"]

    def base_queryset(self):
        return Plan.objects.select_related("parent").prefetch_related(
            "directives", Prefetch("sections", queryset=Section.objects.order_by("position", "pk"))
        )
