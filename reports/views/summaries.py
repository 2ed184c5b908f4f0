"""Summaries for UBND tỉnh: list, compile on demand, read, download, compile again, issue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from core import columns
from core.access import private_file
from plans import policy
from plans.choices import PlanState, Role
from plans.models import Plan
from tasks.choices import TaskStatus

from ..columns import SUMMARIES
from ..filters import SummaryFilter
from ..forms import SummaryIssueForm, SummaryRequestForm
from ..models import Summary
from ..summaries.pdf import pdf_enabled
from ..summaries.service import summary_request
from .listing import page_of, wants_xlsx
from .summary_steps import summary_page_parts


def _summaries(user):
    return policy.restrict(Summary.objects.select_related("plan", "period", "compiled_by", "issued_by"), user)


def _plans(user):
    plans = policy.restrict(Plan.objects.filter(state=PlanState.IN_FORCE), user).order_by("-issued_on", "symbol")
    return plans.filter(policy.coordinated(user)) if policy.role_of(user) == Role.COORDINATOR else plans


class SummaryListView(policy.PageRequiredMixin, TemplateView):
    page = policy.OVERSIGHT
    template_name = "reports/summary_list.html"

    def get(self, request, *args, **kwargs):
        filterset = SummaryFilter(request.GET or None, queryset=_summaries(request.user))
        rows = filterset.qs
        if wants_xlsx(request):
            return columns.xlsx("bao-cao-tong-hop.xlsx", _("Summaries"), SUMMARIES, rows, filters=filterset, request=request)
        page, query = page_of(request, rows)
        plans = _plans(request.user)
        plan_id = request.GET.get("plan", "")
        chosen = plans.filter(pk=plan_id).first() if plan_id.isdigit() else None  # the compile form follows the plan chosen
        context = self.get_context_data(
            filter=filterset,
            page=page,
            query=query,
            columns=SUMMARIES,
            rows=columns.html_rows(SUMMARIES, page),
            form=SummaryRequestForm(plans=plans, chosen=chosen),
        )
        return self.render_to_response(context)


@require_POST
@policy.page_required(policy.OVERSIGHT)
def summary_request_view(request):
    form = SummaryRequestForm(request.POST, plans=_plans(request.user))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("reports:summary_list")
    try:
        summary = summary_request(plan=form.cleaned_data["plan"], period=form.cleaned_data["period_obj"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:summary_list")
    return redirect(summary)


class SummaryDetailView(policy.PageRequiredMixin, DetailView):
    page = policy.OVERSIGHT
    template_name = "reports/summary_detail.html"
    context_object_name = "summary"

    def get_queryset(self):
        return _summaries(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.object.snapshot
        context.update(
            data=data,
            statuses=list(TaskStatus),
            status_totals=[(status, data.get("totals", {}).get(status.value, 0)) for status in TaskStatus] if data else [],
            issue_form=SummaryIssueForm(),
            pdf_enabled=pdf_enabled(),
            **summary_page_parts(self.object, self.request.user),
        )
        return context


@private_file
@policy.page_required(policy.OVERSIGHT)
def summary_download(request, pk: int, kind: str):
    summary = get_object_or_404(_summaries(request.user), pk=pk)
    field = {"docx": summary.document, "xlsx": summary.annex, "pdf": summary.pdf}.get(kind)
    if not field:
        raise Http404(_("This file does not exist yet."))
    name = field.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    # The PDF opens in the browser's reader; the Word document and the annex are saved.
    response = FileResponse(field.open("rb"), as_attachment=kind != "pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@policy.page_required(policy.OVERSIGHT)
def summary_regenerate_view(request, pk: int):
    summary = get_object_or_404(_summaries(request.user), pk=pk)
    try:
        summary_request(plan=summary.plan, period=summary.period.as_period(summary.plan.report_deadline_day), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(summary)
