from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Agency, Directive, Plan, Section


class AgencySerializer(serializers.ModelSerializer):
    short_name = serializers.CharField(read_only=True, help_text=_("The abbreviation people use (or the official name)."))

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "aliases", "kind", "is_active"]


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
