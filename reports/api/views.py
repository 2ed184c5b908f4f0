"""Reports and summaries over the API: the same services, rules, locking and messages as the web."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.compiled import compiled_objects
from plans import policy
from tasks.models import Task

from ..choices import WorkflowAction
from ..models import Report, ReportedValue, Summary
from ..periods import period_read
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
    "recall": WorkflowAction.RECALL,
}
EXAMPLE = OpenApiExample(
    "report_2026_h2",
    summary=_("A report for the second half of 2026"),
    value={"task": 12, "period": "2026-H2", "progress": 60, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị."},
    request_only=True,
)


def _values_of(*, report: int):
    """A report's indicator values as the API shows them: in the indicators' order, each with its indicator."""
    return ReportedValue.objects.select_related("indicator", "actual").filter(report=report).order_by("indicator__position", "indicator_id")


def _shown(report: Report) -> dict:
    """The report a write answers with (the row the service wrote), its values read by a statement made once."""
    values = compiled_objects(_values_of, report=report.pk)
    for value in values:
        ReportedValue.report.field.set_cached_value(value, report)  # each value's report is the one in hand
    kept = report.indicator_values.all()
    kept._result_cache, kept._prefetch_done = values, True  # as prefetch_related leaves it: .all() reads no more
    report._prefetched_objects_cache = {"indicator_values": kept}
    return ReportSerializer(report).data


def _written(*, report: int):
    """What a workflow step is handed: the report's id and its task, whose row is locked first (the step reads the report
    again, locked, with what it needs: report_transition)."""
    return Report.objects.only("pk", "task_id").filter(pk=report).order_by()


def _updated(*, report: int):
    """What a draft's save is handed (the task and its plan, the agency, the period), not the values shown: the save
    reads the report again, locked, and the answer is the row it wrote."""
    return Report.objects.select_related("task__plan", "agency", "period").filter(pk=report).order_by()


class SignedIn(permissions.IsAuthenticated):
    message = _("Sign in or send a token.")


@extend_schema_view(
    list=extend_schema(
        summary=_("Progress reports the user may see"), description=_("Filters: `task`, `state`, `agency__code`, `period__year`.")
    ),
    retrieve=extend_schema(summary=_("One report")),
)
class ReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    permission_classes = [SignedIn]
    filterset_fields = ["task", "state", "agency__code", "period__year", "period__kind"]
    ordering_fields = ["submitted_at", "progress"]
    ordering = ["-period__last_day", "task__position", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_object(self):
        """A write's report: the rows this user sees (``policy.restrict``), by a statement made once per role
        (``policy.restricted_objects``): a deadline day's every save and step asks it."""
        if self.action not in ("step", "update", "partial_update"):
            return super().get_object()
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        found = policy.restricted_objects(_written if self.action == "step" else _updated, self.request.user, report=pk)
        if not found:
            raise Http404
        self.check_object_permissions(self.request, found[0])
        return found[0]

    def get_queryset(self):
        values = ReportedValue.objects.select_related("indicator", "actual").order_by("indicator__position", "indicator_id")
        return policy.restrict(
            Report.objects.select_related("agency", "period").prefetch_related(Prefetch("indicator_values", queryset=values)),
            self.request.user,
        )

    @extend_schema(
        summary=_("Create a report (draft) of the user's agency"),
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        examples=[EXAMPLE],
    )
    def create(self, request, *args, **kwargs):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        task = get_object_or_404(policy.restrict(Task.objects.all(), request.user), pk=fields.pop("task"))
        period = period_read(fields.pop("period"), deadline_day=task.plan.report_deadline_day)
        if request.user.agency is None:
            raise ValidationError(_("This account belongs to no agency, so it cannot write reports."))
        report = report_save(
            task=task,
            agency=request.user.agency,
            period=reporting_period_get_or_create(period=period),
            by=request.user,
            data=fields,
            version=None,
        )
        return Response(_shown(report), status=201)

    @extend_schema(
        summary=_("Edit a draft (send the `version` read; 409 if someone saved meanwhile)"),
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
            raise ValidationError({"version": [_("Send the version of the report you read.")]})
        current = {
            name: getattr(report, name) for name in ("progress", "work_state", "completed_on", "results", "difficulties", "proposals")
        }
        report = report_save(
            task=report.task, agency=report.agency, period=report.period, by=request.user, data={**current, **fields}, version=version
        )
        return Response(_shown(report))

    @extend_schema(
        operation_id="v1_reports_step",
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(STEPS), description=_("Workflow step."))],
        summary=_(
            "Workflow step: submit (the officer sends it for approval), approve (the agency head approves and sends it), return (the coordinator returns it, `comment` required), accept (the coordinator accepts it), recall (the agency head takes back a report the coordinator has not acted on)"
        ),
        request=StepSerializer,
        responses={200: ReportSerializer},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>submit|approve|return|accept|recall)")
    def step(self, request, pk=None, step=None):
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = report_transition(
            report=self.get_object(), action=STEPS[step], by=request.user, comment=body.validated_data.get("comment", "")
        )
        return Response(_shown(report))


@extend_schema_view(
    list=extend_schema(summary=_("Summaries for the provincial People's Committee")),
    retrieve=extend_schema(summary=_("One summary, with its snapshot")),
)
class SummaryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SummarySerializer
    permission_classes = [SignedIn]
    filterset_fields = ["state", "plan", "period__kind", "period__year"]
    ordering = ["-period__last_day"]

    def get_queryset(self):
        return policy.restrict(Summary.objects.select_related("plan", "period"), self.request.user)

    @extend_schema(
        summary=_("A summary's file: the document of record (signed PDF, else the issued PDF), the PDF, the Word document or the annex"),
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], url_path=r"tep/(?P<kind>record|pdf|docx|xlsx)", url_name="file")
    def file(self, request, pk=None, kind: str = "record"):
        summary = self.get_object()
        field = {"record": summary.record, "pdf": summary.pdf, "docx": summary.document, "xlsx": summary.annex}[kind]
        if not field:
            raise Http404(_("This file does not exist yet."))
        name = field.name.rsplit("/", 1)[-1].split("-", 1)[-1]
        response = FileResponse(field.open("rb"), as_attachment=True, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
