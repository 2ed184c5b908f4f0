"""Public pages: the home page, a plan and a task, as anyone may read them."""

import csv

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from core import columns
from core.paging import PER_PAGE, SharedCountPaginator
from core.search import search_filter
from core.spreadsheets import neutralise
from plans import policy

from ..columns import PUBLIC_PAGE
from ..filters import PublicTaskFilter
from ..models import Task
from ..open_data import LICENCE, OPEN_DATA, dictionary, licence_note, open_data_rows, plan_updated_at
from ..selectors import task_list, task_search, tasks_of_plans_q
from .selectors import plan_list_public, plan_public_detail, public_status_counts, with_public_figures


@method_decorator(login_not_required, name="dispatch")
class HomeView(ListView):
    """The published plans with their symbol, title, issuer, date and overall progress."""

    template_name = "plans/home.html"
    context_object_name = "plans"

    def get_queryset(self):
        return plan_list_public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = with_public_figures(context["plans"])
        context["counts"] = public_status_counts()
        context["task_total"] = sum(context["counts"].values())
        return context


@method_decorator(login_not_required, name="dispatch")
class PlanDetailView(DetailView):
    """A published plan: its directives, sections and tasks with derived status and progress."""

    template_name = "plans/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return plan_public_detail(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        filterset = plan_tasks_filtered(self.request, plan)
        # A plan may have thousands of tasks: they are shown a page at a time.
        counts = plan.status_counts
        paginator = SharedCountPaginator(filterset.qs, PER_PAGE)
        if not filterset.is_bound:
            paginator.count = sum(counts.values())  # known already: no second count
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            query=query.urlencode(),
            page=page,
            columns=PUBLIC_PAGE,
            rows=columns.shared_rows(
                "public-plan", PUBLIC_PAGE, page, query=filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else ""
            ),
            found=paginator.count,
            counts=counts,
            updated_at=plan_updated_at(plan),
            licence=LICENCE,
        )
        return context


def plan_tasks_filtered(request, plan) -> PublicTaskFilter:
    """The plan's tasks as the page's filters choose them: the page and its open data read the same rows."""
    tasks = task_list(tasks=policy.public(Task.objects.filter(tasks_of_plans_q([plan.pk]))))  # the roll-up rule
    data = request.GET.copy()
    data.pop("page", None)
    return PublicTaskFilter(data or None, queryset=tasks, plan=plan)


@method_decorator(login_not_required, name="dispatch")
class TaskDetailView(DetailView):
    """A task of a published plan: where it comes from, who does it, its dates and status."""

    template_name = "plans/task_detail.html"
    context_object_name = "task"

    def get_object(self, queryset=None):
        tasks = task_list(tasks=policy.public(Task.objects.filter(plan_id=self.kwargs["plan_pk"])))
        return get_object_or_404(tasks.prefetch_related(Prefetch("plan__directives")), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


@method_decorator(login_not_required, name="dispatch")
class PlanListView(ListView):
    """Published plans, and a search across them and their tasks typed with or without diacritics."""

    template_name = "plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        plans = plan_list_public()
        query = self.request.GET.get("q", "").strip()
        return search_filter(plans, query) if query else plans

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = with_public_figures(context["plans"])
        query = self.request.GET.get("q", "").strip()
        context["query"] = query
        context["tasks"] = task_search(tasks=policy.public(Task.objects.all()), query=query, limit=50) if query else []
        return context


def _csv_response(name: str, columns: list[str], rows) -> HttpResponse:
    """UTF-8 with a BOM (Excel reads the diacritics), lists joined by "; ", formulas neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise("; ".join(row[c]) if isinstance(row[c], list) else row[c]) for c in columns])
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_not_required
def plan_open_data(request, pk: int, fmt: str):
    """A published plan's tasks as open data: JSON (UTF-8) or CSV (UTF-8 with BOM, formulas neutralised).

    The page's columns (``tasks.columns.PUBLIC_TASKS``, the API's fields) as machine values, each code
    with its label beside it (``tasks.open_data.OPEN_DATA``), for the rows the page's filters choose.
    """
    if fmt not in {"json", "csv"}:
        raise Http404
    plan = plan_public_detail(pk)
    rows = open_data_rows(plan_tasks_filtered(request, plan).qs)
    name = f"ke-hoach-{plan.symbol.replace('/', '-')}"
    if fmt == "json":
        payload = {
            "plan": {"symbol": plan.symbol, "title": plan.title, "issuer": plan.issuer, "issued_on": plan.issued_on.isoformat()},
            "licence": {**LICENCE, "note": licence_note()},
            "updated_at": plan_updated_at(plan).isoformat(),
            "generated_at": timezone.localtime().isoformat(),
            "data_dictionary": request.build_absolute_uri(reverse("public:open_data_dictionary", args=["json"])),
            "tasks": rows,
        }
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = _csv_response(name, [column.key for column in OPEN_DATA], rows)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
def open_data_dictionary(request, fmt: str = "html"):
    """Every field of the open data files: name, type and meaning (page, JSON or CSV)."""
    fields = dictionary()
    if fmt == "json":
        response = JsonResponse(
            {"licence": {**LICENCE, "note": licence_note()}, "fields": fields}, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
    elif fmt == "csv":
        response = _csv_response("tu-dien-du-lieu", ["name", "type", "description"], fields)
    elif fmt == "html":
        return render(request, "plans/open_data_dictionary.html", {"fields": fields, "licence": LICENCE, "note": licence_note()})
    else:
        raise Http404
    response["Access-Control-Allow-Origin"] = "*"
    return response
