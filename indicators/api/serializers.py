from decimal import Decimal

from rest_framework import serializers

from ..models import Indicator, IndicatorTarget, IndicatorValue


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "due_on", "value", "label"]


class ValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["measured_on", "year", "period_label", "value", "source", "source_url", "published_on", "note", "is_illustrative"]


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its baseline, targets, current values (corrections left out) and today's judgement
    (``indicators.selectors.indicator_row``, the same figures as the pages)."""

    plans = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField(help_text="The agency reporting it today (after reorganisations).")
    baseline = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)
    values = serializers.SerializerMethodField()
    judgement = serializers.SerializerMethodField()
    has_illustrative_figures = serializers.SerializerMethodField(
        help_text="True when the definition or a value is illustrative (demo), not a published figure."
    )
    share_of_way = serializers.SerializerMethodField(help_text="Share of the way from baseline to target covered, in % (a number).")

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name", "unit", "kind", "direction", "scope", "plan", "plans", "section", "agency",
            "baseline", "targets", "values", "judgement", "share_of_way", "is_illustrative", "has_illustrative_figures",
        ]  # fmt: skip

    def _row(self, indicator):
        return self.context["rows"][indicator.pk]

    def get_plans(self, indicator) -> list[int]:
        return [plan.pk for plan in indicator.named_by.all()]

    def get_agency(self, indicator) -> dict:
        reporter = self._row(indicator).reporter
        return {"id": reporter.pk, "code": reporter.code, "name": reporter.name}

    def get_baseline(self, indicator) -> dict | None:  # value as a number, like the targets' and values'
        if indicator.baseline_value is None:
            return None
        return {"value": indicator.baseline_value, "year": indicator.baseline_year, "source": indicator.baseline_source}

    def get_values(self, indicator) -> list[dict]:
        return ValueSerializer(self._row(indicator).values, many=True).data

    def get_has_illustrative_figures(self, indicator) -> bool:
        return self._row(indicator).has_illustrative_figures

    def get_judgement(self, indicator) -> dict:
        verdict = self._row(indicator).verdict
        return {"code": verdict.judgement, "label": self._row(indicator).judgement_label, "reason": str(verdict.reason)}

    def get_share_of_way(self, indicator) -> Decimal | None:
        return self._row(indicator).verdict.share
