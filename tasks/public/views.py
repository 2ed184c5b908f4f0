"""Public pages: the home page, a plan and a task, as anyone may read them."""

import csv
import hashlib
import json
import logging
import tempfile
from collections.abc import Iterator

from django.contrib.auth.decorators import login_not_required
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from core import columns
from core.paging import PER_PAGE, SharedCountPaginator
from core.search import search_filter
from core.shared_figures import figures_version
from core.spreadsheets import neutralise
from plans import policy

from ..columns import ADMIN_TASKS, PUBLIC_PAGE
from ..filters import PublicTaskFilter, PublicTasksFilter
from ..models import Task
from ..open_data import LICENCE, OPEN_DATA, dictionary, licence_note, open_data_rows, plan_updated_at
from ..selectors import named_prefetch, task_list, task_search, tasks_of_plans_q
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
        # Each figure opens the rows it counts: the public list of tasks with the same status (or group of statuses).
        context["links"] = {
            "tasks": PublicTasksFilter.url(),
            "completed": PublicTasksFilter.url(status="completed"),
            "overdue": PublicTasksFilter.url(status="overdue"),
        }
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
class TaskListView(TemplateView):
    """The tasks of every public plan, the rows behind the home page's figures: filters, pages, Excel and CSV."""

    template_name = "plans/public_tasks.html"

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        for name in ("page", "format"):
            data.pop(name, None)
        filterset = PublicTasksFilter(data or None, queryset=task_list(tasks=policy.public(Task.objects.all())))
        title = _("Tasks of the published plans")
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            tasks = filterset.qs.prefetch_related(named_prefetch())
            return columns.xlsx("nhiem-vu-cong-khai.xlsx", title, ADMIN_TASKS, tasks, filters=filterset, request=request)
        if fmt == "csv":
            return _csv_response(
                "nhiem-vu-cong-khai", [column.key for column in OPEN_DATA], open_data_rows(filterset.qs.prefetch_related(named_prefetch()))
            )
        paginator = SharedCountPaginator(filterset.qs, PER_PAGE)
        if not filterset.is_bound:
            paginator.count = sum(public_status_counts().values())  # the home page's figure: no second count
        page = paginator.get_page(request.GET.get("page"))
        query = data.urlencode()
        searched = filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else ""
        context = self.get_context_data(
            filter=filterset,
            query=query,
            page=page,
            columns=PUBLIC_PAGE,
            rows=columns.shared_rows("public-tasks", PUBLIC_PAGE, page, query=searched),
            found=paginator.count,
            title=title,
        )
        return self.render_to_response(context)


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


logger = logging.getLogger(__name__)
STREAM_ROWS = 500  # rows sent to the client at a time


class _Line:
    """A file for ``csv.writer`` that hands back what it is given."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(columns: list[str], rows) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(columns)
    batch = []
    for row in rows:
        batch.append(writer.writerow([neutralise("; ".join(row[c]) if isinstance(row[c], list) else row[c]) for c in columns]))
        if len(batch) >= STREAM_ROWS:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch)


def _csv_response(name: str, columns: list[str], rows) -> StreamingHttpResponse:
    """UTF-8 with a BOM (Excel reads the diacritics), lists joined by "; ", formulas neutralised; sent as the rows
    are read (``rows`` may be a generator over a queryset read a chunk at a time)."""
    response = StreamingHttpResponse(_csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _json_lines(head: dict, rows) -> Iterator[str]:
    """``head`` with ``"tasks": [rows…]`` as ``json.dumps(…, indent=2)`` writes it, sent a few hundred rows at a time."""
    opening = json.dumps({**head, "tasks": []}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    assert opening.endswith("[]\n}")  # noqa: S101 - "tasks" is the last key
    yield opening[:-3]
    batch, first = [], True
    for row in rows:
        text = json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        batch.append(("\n    " if first else ",\n    ") + text)
        first = False
        if len(batch) >= STREAM_ROWS:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch) + ("]\n}" if first else "\n  ]\n}")


OPEN_DATA_FOLDER = "du-lieu-mo"
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _kept_file(name: str, folder: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` sent as they come and written to the storage as ``name`` once all were sent; the other files of
    ``folder`` (built before a change) are deleted then. A download cut short keeps nothing."""
    with tempfile.SpooledTemporaryFile(max_size=4 * 2**20) as copy:
        for data in chunks:
            copy.write(data)
            yield data
        copy.seek(0)
        try:
            if not default_storage.exists(name):
                default_storage.save(name, File(copy))
            _, files = default_storage.listdir(folder)
            for old in files:
                if f"{folder}/{old}" != name:
                    default_storage.delete(f"{folder}/{old}")
        except OSError:  # the storage is unreachable: the next download builds it again
            logger.warning("open data file not kept", exc_info=True)


def _open_data_file(request, plan, fmt: str) -> tuple[str, str] | None:
    """Where the plan's whole open data (no filter) built from its figures of today is kept, and its folder; None for
    a filtered download, or when the cache that says which figures are current is unreachable."""
    if request.GET:
        return None
    try:
        version = figures_version(plans=[plan.pk])  # a change in the plan, or in a plan carrying it out, moves it
    except Exception:  # noqa: BLE001 - built afresh, as without a cache
        return None
    folder = f"{OPEN_DATA_FOLDER}/{plan.pk}"
    key = hashlib.sha256(f"{version}:{timezone.localdate()}:{get_language()}:{request.get_host()}".encode()).hexdigest()[:24]
    return f"{folder}/{key}.{fmt}", folder


@login_not_required
def plan_open_data(request, pk: int, fmt: str):
    """A published plan's tasks as open data: JSON (UTF-8) or CSV (UTF-8 with BOM, formulas neutralised).

    The page's columns (``tasks.columns.PUBLIC_TASKS``, the API's fields) as machine values, each code
    with its label beside it (``tasks.open_data.OPEN_DATA``), for the rows the page's filters choose.
    """
    if fmt not in {"json", "csv"}:
        raise Http404
    plan = plan_public_detail(pk)
    name = f"ke-hoach-{plan.symbol.replace('/', '-')}"
    kept = _open_data_file(request, plan, fmt)
    if kept is not None and default_storage.exists(kept[0]):  # built once per change (and day), then served as a file
        response = FileResponse(default_storage.open(kept[0], "rb"), as_attachment=True, filename=f"{name}.{fmt}")
        response["Content-Type"] = CONTENT_TYPES[fmt]
        response["Access-Control-Allow-Origin"] = "*"
        return response
    rows = open_data_rows(plan_tasks_filtered(request, plan).qs.prefetch_related(named_prefetch()))
    if fmt == "json":
        head = {
            "plan": {"symbol": plan.symbol, "title": plan.title, "issuer": plan.issuer, "issued_on": plan.issued_on.isoformat()},
            "licence": {**LICENCE, "note": licence_note()},
            "updated_at": plan_updated_at(plan).isoformat(),
            "generated_at": timezone.localtime().isoformat(),
            "data_dictionary": request.build_absolute_uri(reverse("public:open_data_dictionary", args=["json"])),
        }
        response = StreamingHttpResponse(_json_lines(head, rows), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = _csv_response(name, [column.key for column in OPEN_DATA], rows)
    if kept is not None:
        response.streaming_content = _kept_file(*kept, iter(response.streaming_content))
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
