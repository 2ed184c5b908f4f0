from rest_framework import serializers

from ..models import Agency, Directive, Plan, Section


class AgencySerializer(serializers.ModelSerializer):
    short_name = serializers.CharField(read_only=True, help_text="Tên viết tắt thường dùng (hoặc tên chính thức).")

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
        many=True, read_only=True, slug_field="symbol", help_text="Số, ký hiệu các chỉ thị được triển khai."
    )
    parent = serializers.SlugRelatedField(
        read_only=True, allow_null=True, slug_field="symbol", help_text="Kế hoạch cấp trên mà kế hoạch này triển khai."
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
