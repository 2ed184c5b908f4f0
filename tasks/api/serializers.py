from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.uploads import too_large_refusal

from ..choices import ImportState, Recurrence, TaskStatus
from ..columns import task_as_dict
from ..models import ImportJob


class TaskSerializer(serializers.Serializer):
    """A task with the fields of the plan's JSON export (``tasks.columns.PUBLIC_TASKS``), plus id and plan."""

    id = serializers.IntegerField(read_only=True)
    plan = serializers.IntegerField(read_only=True, help_text=_("The plan's id."))
    section = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("The section's number as the plan writes it (I, II or 1, 2).")
    )
    number = serializers.CharField(read_only=True, help_text=_("The task's number in the plan."))
    title = serializers.CharField(read_only=True)
    product = serializers.CharField(read_only=True, help_text=_("Expected output."))
    timeframe = serializers.CharField(read_only=True, help_text=_("Timeframe, exactly as the plan writes it."))
    start_date = serializers.DateField(read_only=True, allow_null=True)
    due_date = serializers.DateField(read_only=True, allow_null=True, help_text=_("None for ongoing tasks."))
    extended_due_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("The date of the approved extension (gia hạn); the task is judged against it.")
    )
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, read_only=True)
    lead_agencies = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("Codes of the lead agencies."))
    cooperating_agencies = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Codes of the cooperating agencies.")
    )
    lead_as_planned = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The lead agency as the plan named it, with today's holder of its part: “Sở TT&TT (nay là Sở KH&CN)”."),
    )
    cooperating_as_planned = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("The cooperating agencies as the plan named them, with today's holders.")
    )
    status = serializers.ChoiceField(
        choices=TaskStatus.choices, read_only=True, help_text=_("Status, derived from the due date and the completion date.")
    )
    status_label = serializers.CharField(read_only=True, help_text=_("The status in Vietnamese, with “(đã gia hạn)” after an extension."))
    progress = serializers.IntegerField(read_only=True, min_value=0, max_value=100, help_text=_("Progress (%) from the accepted reports."))

    def to_representation(self, task):
        return {"id": task.pk, "plan": task.plan_id, **task_as_dict(task)}


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=_("Row in the Excel file."))
    column = serializers.CharField(allow_null=True, allow_blank=True, help_text=_("Column in the Excel file."))
    message = serializers.CharField(help_text=_("The error, in Vietnamese."))


class ImportJobSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField(help_text=_("Sections and tasks read by the preview."))
    result = serializers.JSONField(read_only=True, help_text=_("Outcome of the import: tasks created, updated…"))
    state = serializers.ChoiceField(choices=ImportState.choices, read_only=True)

    class Meta:
        model = ImportJob
        fields = ["id", "plan", "original_name", "state", "background", "totals", "errors", "result", "error", "created_at", "finished_at"]
        read_only_fields = fields

    def get_totals(self, job) -> dict:
        return {"sections": job.preview.get("sections", 0), "tasks": job.preview.get("tasks", 0)}


class ImportUploadSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text=_("Id of the plan that receives the tasks."))
    file = serializers.FileField(help_text=_("The task annex (.xlsx) in the province's layout."))

    def to_internal_value(self, data):
        refusal = too_large_refusal(self.context.get("request"), settings.IMPORT_MAX_FILE_BYTES)
        if refusal:  # cut off while it arrived: too large, not missing
            raise serializers.ValidationError({"file": [refusal]})
        return super().to_internal_value(data)
