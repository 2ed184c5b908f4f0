"""django-import-export resources: every task list in the admin exports to Excel, CSV or JSON."""

from django.utils import timezone
from import_export import fields, resources

from vinhlong_cmcn4.spreadsheets import safe_resource

from .choices import AssignmentRole, Recurrence
from .models import Task
from .status import status_label


class TaskResource(safe_resource(resources.ModelResource)):
    """The admin's task export: what the list shows, with agencies and derived status."""

    plan = fields.Field(attribute="plan__symbol", column_name="Kế hoạch")
    section = fields.Field(attribute="section__number", column_name="Nhóm nhiệm vụ")
    number = fields.Field(attribute="number", column_name="STT")
    title = fields.Field(attribute="title", column_name="Nội dung nhiệm vụ")
    lead = fields.Field(column_name="Cơ quan chủ trì")
    cooperating = fields.Field(column_name="Cơ quan phối hợp")
    timeframe = fields.Field(attribute="timeframe", column_name="Thời gian thực hiện")
    start_date = fields.Field(attribute="start_date", column_name="Ngày bắt đầu")
    due_date = fields.Field(attribute="due_date", column_name="Hạn hoàn thành")
    recurrence = fields.Field(column_name="Tính chất")
    product = fields.Field(attribute="product", column_name="Sản phẩm")
    status = fields.Field(column_name="Tình trạng")
    progress = fields.Field(attribute="progress", column_name="Tiến độ (%)")

    class Meta:
        model = Task
        fields = (
            "plan",
            "section",
            "number",
            "title",
            "lead",
            "cooperating",
            "timeframe",
            "start_date",
            "due_date",
            "recurrence",
            "product",
            "status",
            "progress",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "section").prefetch_related("assignments__agency")

    def _agencies(self, task: Task, role: str) -> str:
        return "; ".join(a.agency.name for a in task.assignments.all() if a.role == role)

    def dehydrate_lead(self, task: Task) -> str:
        return self._agencies(task, AssignmentRole.LEAD)

    def dehydrate_cooperating(self, task: Task) -> str:
        return self._agencies(task, AssignmentRole.COOPERATING)

    def dehydrate_recurrence(self, task: Task) -> str:
        return str(Recurrence(task.recurrence).label)

    def dehydrate_status(self, task: Task) -> str:
        return status_label(task.status(timezone.localdate()), extended=bool(task.extended_due_date))

    def dehydrate_start_date(self, task: Task) -> str:
        return task.start_date.strftime("%d/%m/%Y") if task.start_date else ""

    def dehydrate_due_date(self, task: Task) -> str:
        return task.due_date.strftime("%d/%m/%Y") if task.due_date else ""
