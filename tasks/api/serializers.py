from rest_framework import serializers

from ..choices import ImportState, Recurrence, TaskStatus
from ..exporting import task_as_dict
from ..models import ImportJob


class TaskSerializer(serializers.Serializer):
    """A task with the fields of the plan's JSON export (``tasks.exporting.task_as_dict``), plus id and plan."""

    id = serializers.IntegerField(read_only=True)
    plan = serializers.IntegerField(read_only=True, help_text="Mã (id) của kế hoạch.")
    section = serializers.CharField(
        read_only=True, allow_null=True, help_text="Số thứ tự của nhóm nhiệm vụ, như kế hoạch ghi (I, II hoặc 1, 2)."
    )
    number = serializers.CharField(read_only=True, help_text="Số thứ tự của nhiệm vụ trong kế hoạch.")
    title = serializers.CharField(read_only=True)
    product = serializers.CharField(read_only=True, help_text="Sản phẩm đầu ra.")
    timeframe = serializers.CharField(read_only=True, help_text="Thời gian thực hiện, đúng như văn bản ghi.")
    start_date = serializers.DateField(read_only=True, allow_null=True)
    due_date = serializers.DateField(read_only=True, allow_null=True, help_text="Không có với nhiệm vụ thường xuyên.")
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, read_only=True)
    lead_agencies = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Mã các cơ quan chủ trì.")
    cooperating_agencies = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Mã các cơ quan phối hợp.")
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True, help_text="Tình trạng, tính từ hạn và ngày hoàn thành.")
    progress = serializers.IntegerField(read_only=True, min_value=0, max_value=100, help_text="Tiến độ (%) theo báo cáo đã tiếp nhận.")

    def to_representation(self, task):
        return {"id": task.pk, "plan": task.plan_id, **task_as_dict(task)}


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Dòng trong tệp Excel.")
    column = serializers.CharField(allow_null=True, allow_blank=True, help_text="Cột trong tệp Excel.")
    message = serializers.CharField(help_text="Lỗi, bằng tiếng Việt.")


class ImportJobSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField(help_text="Số nhóm và số nhiệm vụ đọc được khi xem trước.")
    result = serializers.JSONField(read_only=True, help_text="Kết quả nhập: số nhiệm vụ tạo mới, cập nhật…")
    state = serializers.ChoiceField(choices=ImportState.choices, read_only=True)

    class Meta:
        model = ImportJob
        fields = ["id", "plan", "original_name", "state", "background", "totals", "errors", "result", "error", "created_at", "finished_at"]
        read_only_fields = fields

    def get_totals(self, job) -> dict:
        return {"sections": job.preview.get("sections", 0), "tasks": job.preview.get("tasks", 0)}


class ImportUploadSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text="Mã (id) của kế hoạch nhận các nhiệm vụ.")
    file = serializers.FileField(help_text="Phụ lục nhiệm vụ (.xlsx) theo mẫu của tỉnh.")
