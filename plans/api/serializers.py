from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Agency, Directive, Plan, Section


class LineageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The other agency's code."))
    name = serializers.CharField(help_text=_("The other agency's official name."))
    effective_on = serializers.DateField(help_text=_("From when the work passed."))


class AgencySerializer(serializers.ModelSerializer):
    short_name = serializers.CharField(read_only=True, help_text=_("The abbreviation people use (or the official name)."))
    is_active = serializers.BooleanField(read_only=True, help_text=_("Does it exist today?"))
    predecessors = serializers.SerializerMethodField(help_text=_("Agencies whose work passed to this one."))
    successors = serializers.SerializerMethodField(help_text=_("Agencies this one's work passed to."))

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "aliases",
            "kind",
            "is_active",
            "active_from",
            "active_to",
            "predecessors",
            "successors",
        ]

    @extend_schema_field(LineageSerializer(many=True))
    def get_predecessors(self, agency) -> list[dict]:
        return [
            {"code": link.predecessor.code, "name": link.predecessor.name, "effective_on": link.effective_on}
            for link in agency.predecessor_links.all()
        ]

    @extend_schema_field(LineageSerializer(many=True))
    def get_successors(self, agency) -> list[dict]:
        return [
            {"code": link.successor.code, "name": link.successor.name, "effective_on": link.effective_on}
            for link in agency.successor_links.all()
        ]


class DirectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "kind", "symbol", "issuer", "issued_on", "title"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "number", "title", "position"]


class PlanSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    directives = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="symbol", help_text=_("Number and symbol of the directives carried out.")
    )
    parent = serializers.SlugRelatedField(
        read_only=True, allow_null=True, slug_field="symbol", help_text=_("The higher plan this plan carries out.")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "symbol",
            "issuer",
            "issued_on",
            "title",
            "state",
            "is_published",
            "starts_on",
            "ends_on",
            "reporting_kinds",
            "report_deadline_day",
            "directives",
            "parent",
            "sections",
        ]
