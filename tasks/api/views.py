"""Tasks and annex imports over the API."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api import PagesOrCursor
from plans import policy
from plans.models import Plan

from ..importing.import_jobs import import_job_confirm, import_job_create
from ..models import ImportJob, Task
from ..selectors import task_list
from .filters import TaskApiFilter
from .serializers import ImportJobSerializer, ImportUploadSerializer, TaskSerializer


class TaskPages(PagesOrCursor):
    cursor_ordering = ("order_key", "id")


@extend_schema_view(
    list=extend_schema(
        summary=_("Tasks"),
        description=_(
            "Filters: plan (`plan`: id or number and symbol), section (`section`: id), agency (`agency`: code; `role`: lead "
            "or cooperating), status (`status`), due date (`due_from`, `due_to`: YYYY-MM-DD), text (`q`, diacritics optional). "
            "Order: plan, section, then the task's place in its plan (`ordering` sorts by number, due_date, progress or "
            "title instead; prefix `-` to reverse). Pages: `page` and `page_size`, or `cursor=` to walk the whole list "
            "by following `next`. Without signing in: tasks of published plans only."
        ),
    ),
    retrieve=extend_schema(summary=_("One task")),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskApiFilter
    ordering_fields = ["position", "number", "due_date", "progress", "title"]
    ordering = ["order_key", "id"]  # plan, section position, task position, id (tasks.ordering), read off an index
    pagination_class = TaskPages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: no request, no database read
            return Task.objects.none()
        return task_list(tasks=policy.restrict(Task.objects.all(), self.request.user), machine=True)


@extend_schema_view(
    list=extend_schema(summary=_("Annex imports")),
    retrieve=extend_schema(summary=_("One import: state, totals, errors by row and column")),
)
class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportJobSerializer
    permission_classes = [policy.PagePermission]
    page = policy.ADMINISTRATION
    parser_classes = [MultiPartParser]
    filterset_fields = ["plan", "state"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return policy.restrict(ImportJob.objects.all(), self.request.user)

    @extend_schema(
        summary=_("Upload an annex (.xlsx): checked first, nothing written yet"),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        plan = get_object_or_404(policy.restrict(Plan.objects.all(), request.user, policy.CHANGE), pk=upload.validated_data["plan"])
        try:
            job = import_job_create(plan=plan, upload=upload.validated_data["file"], by=request.user)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Confirm the import (once the check found no error)"), request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = import_job_confirm(job=self.get_object(), by=request.user)
        return Response(ImportJobSerializer(job).data)
