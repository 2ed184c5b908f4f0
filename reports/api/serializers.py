from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import FieldsBuiltOnce

from .. import workflow
from ..choices import ReportedValueState, ReportState, SummaryState, WorkState
from ..models import Report, ReportedValue, Summary


class ReportedValueSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A value of an indicator carried by the report (``reports.models.ReportedValue``)."""

    indicator = serializers.IntegerField(source="indicator_id", read_only=True)
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    period = serializers.SerializerMethodField(help_text=_("Period code, e.g. 2026-H2."))
    state = serializers.ChoiceField(
        choices=ReportedValueState.choices,
        read_only=True,
        help_text=_(
            "reported: not accepted yet; counted: the indicator's actual; corrected: accepted, since corrected; withdrawn: with its report."
        ),
    )

    class Meta:
        model = ReportedValue
        fields = ["indicator", "code", "name", "unit", "period", "value", "note", "state"]
        read_only_fields = fields

    def get_period(self, row) -> str:
        return row.report.period.as_period().code


class ReportSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Code of the reporting agency."))
    period = serializers.SerializerMethodField(help_text=_("Period code, e.g. 2018-H1, 2018-Q4, 2018-Y."))
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True)
    work_state = serializers.ChoiceField(choices=WorkState.choices, read_only=True)
    indicator_values = ReportedValueSerializer(many=True, read_only=True, help_text=_("The indicator values the report carries."))

    class Meta:
        model = Report
        fields = [
            "id",
            "task",
            "agency",
            "period",
            "role",
            "state",
            "progress",
            "work_state",
            "completed_on",
            "results",
            "difficulties",
            "proposals",
            "version",
            "is_late",
            "submitted_at",
            "accepted_at",
            "indicator_values",
        ]
        read_only_fields = fields

    def get_period(self, report) -> str:
        return report.period.as_period().code


class ReportContentSerializer(serializers.Serializer):
    """What an agency writes in a report (the same fields as the web form)."""

    progress = serializers.IntegerField(min_value=0, max_value=100, help_text=_("Progress (%)."))
    work_state = serializers.ChoiceField(choices=WorkState.choices)
    completed_on = serializers.DateField(required=False, allow_null=True, help_text=_("Only when completed (YYYY-MM-DD)."))
    results = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    difficulties = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    proposals = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ReportCreateSerializer(ReportContentSerializer):
    task = serializers.IntegerField(help_text=_("The task's id."))
    period = serializers.CharField(max_length=16, help_text=_("Period code, e.g. 2026-H2."))


class ReportUpdateSerializer(ReportContentSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version read; a stale one (someone saved meanwhile) gets 409."))


class StepSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=workflow.COMMENT_MAX_LENGTH, help_text=_("Required to return a report.")
    )


class SummarySerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="symbol", read_only=True)
    period = serializers.SerializerMethodField(help_text=_("Period code."))
    state = serializers.ChoiceField(choices=SummaryState.choices, read_only=True)
    document_url = serializers.SerializerMethodField()
    annex_url = serializers.SerializerMethodField()
    record_url = serializers.SerializerMethodField(
        help_text=_("The document of record: the signed PDF once received, else the issued PDF.")
    )
    signed = serializers.BooleanField(source="is_signed", read_only=True)

    class Meta:
        model = Summary
        fields = [
            "id",
            "plan",
            "period",
            "state",
            "number",
            "issuer",
            "compiled_at",
            "issued_at",
            "snapshot",
            "document_url",
            "annex_url",
            "record_url",
            "pdf_sha256",
            "signed",
            "signed_sha256",
            "signatures",
        ]
        read_only_fields = fields

    def get_period(self, summary) -> str:
        return summary.period.as_period().code

    def _url(self, summary, kind: str) -> str | None:
        field = summary.document if kind == "docx" else summary.annex
        return self.context["request"].build_absolute_uri(reverse("reports:summary_download", args=[summary.pk, kind])) if field else None

    def get_document_url(self, summary) -> str | None:
        return self._url(summary, "docx")

    def get_annex_url(self, summary) -> str | None:
        return self._url(summary, "xlsx")

    def get_record_url(self, summary) -> str | None:
        if not summary.is_frozen or not summary.record:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:summary-file", args=[summary.pk, "record"]))
