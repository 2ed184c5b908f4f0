"""Reports and summaries over the API: the same services, rules, locking and messages as the web."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tasks.models import Task
from vinhlong_cmcn4 import policy

from ..choices import WorkflowAction
from ..models import Report, Summary
from ..periods import parse_period_code
from ..services import report_save, report_transition, reporting_period_get_or_create
from .serializers import (
    ReportCreateSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    StepSerializer,
    SummarySerializer,
)

# The API's names for the workflow steps of the web (reports.workflow).
STEPS = {
    "submit": WorkflowAction.SEND_FOR_APPROVAL,
    "approve": WorkflowAction.SUBMIT,
    "return": WorkflowAction.RETURN,
    "accept": WorkflowAction.ACCEPT,
}
EXAMPLE = OpenApiExample(
    "Báo cáo 6 tháng cuối năm 2026",
    value={"task": 12, "period": "2026-H2", "progress": 60, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị."},
    request_only=True,
)


class SignedIn(permissions.IsAuthenticated):
    message = "Hãy đăng nhập hoặc gửi token."


@extend_schema_view(
    list=extend_schema(
        summary="Báo cáo tiến độ mà người dùng được xem", description="Lọc: `task`, `state`, `agency__code`, `period__year`."
    ),
    retrieve=extend_schema(summary="Một báo cáo"),
)
class ReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    permission_classes = [SignedIn]
    filterset_fields = ["task", "state", "agency__code", "period__year", "period__kind"]
    ordering_fields = ["submitted_at", "progress"]
    ordering = ["-period__last_day", "task__position", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return policy.restrict(Report.objects.select_related("agency", "period"), self.request.user)

    @extend_schema(
        summary="Tạo báo cáo (bản nháp) của cơ quan mình",
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        examples=[EXAMPLE],
    )
    def create(self, request, *args, **kwargs):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        task = get_object_or_404(policy.restrict(Task.objects.all(), request.user), pk=fields.pop("task"))
        try:
            period = parse_period_code(fields.pop("period"))
        except ValueError as error:
            raise ValidationError({"period": [str(error)]}) from None
        if request.user.agency is None:
            raise ValidationError("Tài khoản này không thuộc cơ quan nào nên không lập báo cáo được.")
        report = report_save(
            task=task,
            agency=request.user.agency,
            period=reporting_period_get_or_create(period=period),
            by=request.user,
            data=fields,
            version=None,
        )
        return Response(ReportSerializer(report).data, status=201)

    @extend_schema(
        summary="Sửa bản nháp (gửi kèm `version` đã đọc; 409 nếu có người vừa lưu)",
        request=ReportUpdateSerializer,
        responses={200: ReportSerializer},
    )
    def update(self, request, *args, **kwargs):
        report = self.get_object()
        data = ReportUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        if version is None:
            raise ValidationError({"version": ["Hãy gửi phiên bản (version) của báo cáo đã đọc."]})
        current = {
            name: getattr(report, name) for name in ("progress", "work_state", "completed_on", "results", "difficulties", "proposals")
        }
        report = report_save(
            task=report.task, agency=report.agency, period=report.period, by=request.user, data={**current, **fields}, version=version
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(
        operation_id="v1_reports_step",
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(STEPS), description="Bước quy trình.")],
        summary="Bước quy trình: submit (chuyên viên trình), approve (lãnh đạo đơn vị duyệt và gửi), return (đầu mối trả lại, cần `comment`), accept (đầu mối tiếp nhận)",
        request=StepSerializer,
        responses={200: ReportSerializer},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>submit|approve|return|accept)")
    def step(self, request, pk=None, step=None):
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = report_transition(
            report=self.get_object(), action=STEPS[step], by=request.user, comment=body.validated_data.get("comment", "")
        )
        return Response(ReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(summary="Báo cáo tổng hợp gửi UBND tỉnh"), retrieve=extend_schema(summary="Một báo cáo tổng hợp, kèm số liệu chốt")
)
class SummaryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SummarySerializer
    permission_classes = [SignedIn]
    filterset_fields = ["state", "plan", "period__kind", "period__year"]
    ordering = ["-period__last_day"]

    def get_queryset(self):
        return policy.restrict(Summary.objects.select_related("plan", "period"), self.request.user)
