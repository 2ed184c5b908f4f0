"""Tasks and annex imports over the API."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from plans.choices import Role
from plans.models import Plan
from vinhlong_cmcn4 import policy

from ..importing.tracking import import_job_confirm, import_job_create
from ..models import ImportJob, Task
from ..selectors import task_list
from .filters import TaskApiFilter
from .serializers import ImportJobSerializer, ImportUploadSerializer, TaskSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Nhiệm vụ",
        description=(
            "Lọc theo kế hoạch (`plan`: id hoặc số ký hiệu), nhóm (`section`: id), cơ quan (`agency`: mã; `role`: lead "
            "hoặc cooperating), tình trạng (`status`), hạn (`due_from`, `due_to`: YYYY-MM-DD), nội dung (`q`, không cần dấu). "
            "Sắp xếp: `ordering` (number, due_date, progress, title; thêm `-` để giảm dần). Không đăng nhập: chỉ nhiệm vụ "
            "của kế hoạch đã công bố."
        ),
    ),
    retrieve=extend_schema(summary="Một nhiệm vụ"),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskApiFilter
    ordering_fields = ["position", "number", "due_date", "progress", "title"]
    ordering = ["plan_id", "section__position", "position", "id"]

    def get_queryset(self):
        return task_list(tasks=policy.restrict(Task.objects.all(), self.request.user))


class IsAdministrator(permissions.BasePermission):
    message = "Chỉ quản trị hệ thống được nhập phụ lục nhiệm vụ."

    def has_permission(self, request, view):
        return policy.role_of(request.user) == Role.ADMIN


@extend_schema_view(
    list=extend_schema(summary="Các lần nhập phụ lục"),
    retrieve=extend_schema(summary="Một lần nhập: trạng thái, tổng số, lỗi theo dòng và cột"),
)
class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportJobSerializer
    permission_classes = [IsAdministrator]
    parser_classes = [MultiPartParser]
    filterset_fields = ["plan", "state"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return policy.restrict(ImportJob.objects.all(), self.request.user)

    @extend_schema(
        summary="Tải lên phụ lục (.xlsx): kiểm tra trước, chưa ghi gì",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        plan = get_object_or_404(policy.restrict(Plan.objects.all(), request.user, policy.CHANGE), pk=upload.validated_data["plan"])
        try:
            job = import_job_create(plan=plan, upload=upload.validated_data["file"], by=request.user)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Xác nhận nhập (khi đã kiểm tra không có lỗi)", request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = import_job_confirm(job=self.get_object(), by=request.user)
        return Response(ImportJobSerializer(job).data)
