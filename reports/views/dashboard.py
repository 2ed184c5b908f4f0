"""Leadership pages: the dashboard, the task lists behind every number, a task's page."""

import functools
from functools import lru_cache
from operator import itemgetter

from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from core import columns
from core.shared_figures import kept_in_process
from indicators.selectors import dashboard_panel_shared
from plans import policy
from plans.workdays import current_calendar
from tasks import policy as tasks_policy
from tasks.choices import AssignmentRole, ExtensionState, Recurrence, TaskStatus
from tasks.extensions import may_be_extended
from tasks.models import Task
from tasks.selectors import named_prefetch, task_list
from tasks.yearly import yearly_obligations

from .. import compliance
from ..choices import ReportState, WorkState
from ..columns import INBOX, LEADERSHIP_PAGE, LEADERSHIP_TASKS
from ..dashboard import dashboard_parts_shown
from ..filters import IN_FORCE, IN_FORCE_FAMILY, NOT_SENT, DashboardReportFilter, DashboardTaskFilter
from ..lineage import PREDECESSORS_PARAM, fold_into_successors, successors_now
from ..models import Report
from ..periods import main_kind, recent_periods
from .listing import page_of, wants_xlsx

STATUS_COLOURS = {
    TaskStatus.DONE_ON_TIME: "#198754",
    TaskStatus.DONE_LATE: "#6f9c3d",
    TaskStatus.IN_PROGRESS: "#0d6efd",
    TaskStatus.OVERDUE: "#dc3545",
    TaskStatus.ONGOING: "#6c757d",
}


tasks_url = DashboardTaskFilter.url


@lru_cache(maxsize=4096)
def _agency_urls(agency_id: int, predecessors: bool, prefix: str, urlconf) -> dict:
    """The lists behind an agency's row: the same for every render of the dashboard (per process, by agency, way
    of showing predecessors, script prefix and URLconf), and made for 300 agencies each time the body is."""
    lead = {"agency": agency_id, "role": AssignmentRole.LEAD, "in_force": IN_FORCE, PREDECESSORS_PARAM: "1" if predecessors else None}
    return {
        "url": tasks_url(**lead),
        "overdue_url": tasks_url(**lead, status=TaskStatus.OVERDUE),
        "missing_url": tasks_url(**lead, report=NOT_SENT),
        "on_time_url": tasks_url(**lead, status=TaskStatus.DONE_ON_TIME),
        "late_url": tasks_url(**lead, status=TaskStatus.DONE_LATE),
        "late_reports_url": DashboardReportFilter.url(
            agency=agency_id, late="1", in_force=IN_FORCE, tien_than="1" if predecessors else None
        ),
    }


def drill_down(board, *, predecessors: bool = False) -> dict:
    """The list behind every number of the dashboard (the dashboard counts plans in force only; a plan's
    counts, and the totals, take the tasks of the plans carrying it out too: ``tasks_of_plans_q``).

    ``predecessors``: the rows show retired agencies apart, and so do the lists they open.
    """
    section = "null"  # DashboardTaskFilter's value for tasks without a section
    for plan in board.plans:
        plan.url = tasks_url(family=plan.pk)
        for row in board.sections.get(plan.pk, []):
            row["url"] = tasks_url(plan=plan.pk, section=row["section_id"] or section)
            row["overdue_url"] = tasks_url(plan=plan.pk, section=row["section_id"] or section, status=TaskStatus.OVERDUE)
    prefix, urlconf = get_script_prefix(), get_urlconf()  # read once: each is a lookup in the request's context
    for row in board.agencies:
        row.update(_agency_urls(row["agency"].pk, predecessors, prefix, urlconf))
    return {"all": tasks_url(in_force=IN_FORCE_FAMILY), "overdue": tasks_url(in_force=IN_FORCE_FAMILY, status=TaskStatus.OVERDUE)}


AGENCY_ROW_FIELDS = (
    *("led", "on_time", "late", "overdue", "missing", "late_reports", "on_time_rate"),
    *("url", "on_time_url", "late_url", "overdue_url", "missing_url", "late_reports_url"),
)


_row_figures = itemgetter(*AGENCY_ROW_FIELDS)


def agency_row_html(row: dict, language: str) -> str:
    """One row of the agency table, in ``language``. A report sent moves one agency's figures, and the body is rendered
    again: the same values render the same row, so the other rows (300 at 10× the province, most of a render) are taken
    as they were; kept per process, by the row's values and the language."""
    agency, now = row["agency"], row.get("now")
    values = (
        agency.name,
        now.name if now else None,
        agency.active_to,
        tuple(predecessor.short_name for predecessor in row.get("predecessors") or ()),
        _row_figures(row),
    )
    return _row_rendered(language, values)


@lru_cache(maxsize=8192)
def _row_rendered(language: str, values: tuple) -> str:
    name, now, active_to, predecessors, figures = values
    fields = {
        "name": name,
        "now": now,
        "active_to": active_to,
        "predecessors": predecessors,
        **dict(zip(AGENCY_ROW_FIELDS, figures, strict=True)),
    }
    return render_to_string("reports/_dashboard_agency_row.html", {"row": fields})


# Where the body of the dashboard's tasks takes what its agencies say, rendered and kept apart (two HTML comments: text
# no figure, name or translation can contain).
AGENCIES_MARK, MISSING_MARK = "<!--dashboard:agencies-->", "<!--dashboard:missing-->"


def dashboard_context(board, today, *, holders: dict | None = None) -> dict:
    """What the dashboard's body shows of its tasks' part (``reports.dashboard.dashboard_tasks``): its numbers, the
    lists behind them, the charts; its agencies' part goes to the marked places (:func:`dashboard_agencies_context`).
    ``holders``: today's agency of each agency (``reports.lineage.successors_now``), when read already."""
    totals_urls = drill_down(board)
    statuses = list(TaskStatus)
    charts = {
        "plans": {
            "labels": [plan.symbol for plan in board.plans],
            "datasets": [
                {
                    "label": str(status.label),
                    "data": [plan.counts[status.value] for plan in board.plans],
                    "backgroundColor": STATUS_COLOURS[status],
                    "urls": [tasks_url(family=plan.pk, status=status.value) for plan in board.plans],
                }
                for status in statuses
            ],
        },
        "trend": {
            "labels": [point["period"].label for point in board.trend],
            "progress": [point["progress"] for point in board.trend],
            "overdue": [point["overdue"] for point in board.trend],
            "progressLabel": _("Mean progress of accepted reports (%)"),
            "overdueLabel": _("Tasks overdue at the cut-off"),
        },
    }
    for plan in board.plans:
        plan.section_rows = board.sections.get(plan.pk, [])
        plan.due = board.due[plan.pk]
        plan.status_rows = [(status, plan.counts[status.value], tasks_url(family=plan.pk, status=status.value)) for status in statuses]
    holders = successors_now(as_of=today) if holders is None else holders  # the indicators' agencies, today's
    return {
        "board": board,
        "charts": charts,
        "statuses": statuses,
        "today": today,
        "totals_urls": totals_urls,
        "agencies_block": mark_safe(AGENCIES_MARK),  # noqa: S308 - a constant
        "missing_total": mark_safe(MISSING_MARK),  # noqa: S308 - a constant
        "indicators": dashboard_panel_shared(today=today, url=reverse("indicators:list"), holders=holders),
    }


def dashboard_agencies_context(board, today, *, predecessors: bool = False, holders: dict | None = None) -> dict:
    """What the dashboard's agencies' part (``reports.dashboard.dashboard_agencies``) shows: a row per agency, the lists
    behind its numbers, the chart of the most behind.

    Today's agencies by default: a retired agency's row folds into its successor's (``reports.lineage``);
    ``predecessors`` shows them apart, named "Sở TT&TT (nay là Sở KH&CN)"; ``holders``: as :func:`dashboard_context`'s.
    """
    holders = successors_now(as_of=today) if holders is None else holders
    if predecessors:
        for row in board.agencies:
            row["now"] = holders.get(row["agency_id"])
    else:
        board.agencies = fold_into_successors(board.agencies, as_of=today, successors=holders)
    drill_down(board, predecessors=predecessors)
    language = get_language()
    for row in board.agencies:
        row["html"] = agency_row_html(row, language)
    most_behind = board.agencies[:15]
    return {
        "agencies": board.agencies,
        "rows_html": mark_safe("".join(row["html"] for row in board.agencies)),  # noqa: S308 - our own template's rows
        "predecessors": predecessors,
        "predecessors_param": PREDECESSORS_PARAM,
        "agencies_chart": {
            "labels": [row["agency"].short_name for row in most_behind],
            "datasets": [
                {
                    "label": _("Overdue"),
                    "data": [row["overdue"] for row in most_behind],
                    "backgroundColor": STATUS_COLOURS[TaskStatus.OVERDUE],
                    "urls": [row["overdue_url"] for row in most_behind],
                },
                {
                    "label": _("Reports missing"),
                    "data": [row["missing"] for row in most_behind],
                    "backgroundColor": "#f6c21c",
                    "urls": [row["missing_url"] for row in most_behind],
                },
            ],
        },
    }


def dashboard_body(*, today, predecessors: bool = False) -> str:
    """The dashboard's body, the same for every leader: its two parts rendered once per change and day (the agencies'
    per way of showing them) and kept in the shared cache apart (``reports.dashboard.dashboard_parts_shown``), put
    together here. A reorganisation clears them like any change of figures."""
    language = get_language()
    # Read once when both parts are computed, and kept by the process until the registry changes (the agencies' part is
    # computed again after every report sent on a deadline day).
    holders = functools.cache(
        lambda: kept_in_process("dashboard-holders", lambda: (today, successors_now(as_of=today)), enough=lambda kept: kept[0] == today)[1]
    )
    tasks, (missing, agencies) = dashboard_parts_shown(
        lambda board: render_to_string("reports/_dashboard_body.html", dashboard_context(board, today, holders=holders())),
        lambda board: (
            str(board.totals["missing"]),
            render_to_string(
                "reports/_dashboard_agencies.html",
                dashboard_agencies_context(board, today, predecessors=predecessors, holders=holders()),
            ),
        ),
        today=today,
        name=f"dashboard-page-{language}",
        agencies_name=f"dashboard-page-{language}" + ("-predecessors" if predecessors else ""),
        behind=True,  # read by every leader on every visit: no leader waits for its computation on a busy day
    )
    return tasks.replace(AGENCIES_MARK, agencies, 1).replace(MISSING_MARK, missing, 1)


class DashboardView(policy.PageRequiredMixin, TemplateView):
    page = policy.OVERSIGHT
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        predecessors = self.request.GET.get(PREDECESSORS_PARAM) == "1"
        body = dashboard_body(today=today, predecessors=predecessors)
        context["body"] = mark_safe(body)  # noqa: S308 - our own template's output
        return context


class DashboardTaskListView(policy.PageRequiredMixin, TemplateView):
    """Every task behind a number of the dashboard, filterable, exportable as shown."""

    page = policy.OVERSIGHT
    template_name = "reports/dashboard_tasks.html"

    def get(self, request, *args, **kwargs):
        tasks = task_list(tasks=policy.restrict(Task.objects.all(), request.user))
        filterset = DashboardTaskFilter(request.GET or None, queryset=tasks)
        rows = filterset.qs
        if wants_xlsx(request):
            named = rows.prefetch_related(named_prefetch())  # the plan's own names: columns of the export only
            return columns.xlsx("danh-sach-nhiem-vu.xlsx", _("Tasks"), LEADERSHIP_TASKS, named, filters=filterset, request=request)
        page, query = page_of(request, rows, shared_count=True)  # tasks: what the shared figures follow
        context = self.get_context_data(
            filter=filterset,
            page=page,
            query=query,
            columns=LEADERSHIP_PAGE,
            rows=columns.shared_rows("leadership-tasks", LEADERSHIP_PAGE, page),
        )
        return self.render_to_response(context)


class DashboardReportListView(policy.PageRequiredMixin, TemplateView):
    """The reports sent behind a number of the dashboard (its "late reports"), filterable, exportable as shown."""

    page = policy.OVERSIGHT
    template_name = "reports/dashboard_reports.html"

    def get(self, request, *args, **kwargs):
        reports = (
            policy.restrict(Report.objects.filter(state__in=compliance.SENT), request.user)
            .select_related("task__plan", "task__section", "agency", "period")
            .order_by("-submitted_at", "-id")
        )
        filterset = DashboardReportFilter(request.GET or None, queryset=reports)
        rows = filterset.qs
        if wants_xlsx(request):
            return columns.xlsx("bao-cao-da-gui.xlsx", _("Reports sent"), INBOX, rows, filters=filterset)
        page, query = page_of(request, rows)
        context = self.get_context_data(filter=filterset, page=page, query=query, columns=INBOX, rows=columns.html_rows(INBOX, page))
        return self.render_to_response(context)


def recurring_judgements(task: Task, today) -> dict:
    """A yearly task judged year by year; an ongoing task's recent periods, reported or missing (``tasks.yearly``)."""

    leads = Report.objects.filter(task=task, role="lead")
    if task.recurrence == Recurrence.YEARLY:
        completions: dict[int, object] = {}
        for year, completed_on in leads.filter(state=ReportState.ACCEPTED, work_state=WorkState.COMPLETED).values_list(
            "period__year", "completed_on"
        ):
            completions[year] = min(completions.get(year, completed_on), completed_on)
        return {"years": yearly_obligations(start=task.start_date, today=today, completions=completions, calendar=current_calendar())}
    if task.recurrence == Recurrence.ONGOING:
        plan = task.plan
        # Per period: None when no lead report was sent (compliance.SENT), else whether one was sent late.
        late: dict[tuple, bool] = {}
        for kind, year, number, is_late in leads.filter(state__in=compliance.SENT).values_list(
            "period__kind", "period__year", "period__number", "is_late"
        ):
            late[(kind, year, number)] = late.get((kind, year, number), False) or is_late
        periods = recent_periods(main_kind(plan.reporting_kinds), task.start_date, today, deadline_day=plan.report_deadline_day)
        return {"periods": [(period, late.get((period.kind, period.year, period.number))) for period in periods]}
    return {}


class TaskPageView(policy.PageRequiredMixin, DetailView):
    """A task as leadership reads it: source, agencies, timeframe and dates, the timeline of its reports."""

    page = policy.OVERSIGHT
    template_name = "reports/task_page.html"
    context_object_name = "task"

    def get_object(self, queryset=None):
        return get_object_or_404(task_list(tasks=policy.restrict(Task.objects.all(), self.request.user)), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = (
            policy.restrict(Report.objects.filter(task=self.object), self.request.user)
            .select_related("agency", "period")
            .prefetch_related("attachments")
            .order_by("-period__last_day", "agency__name")
        )
        context["is_recurring"] = self.object.recurrence != Recurrence.NONE
        context["extensions"] = extensions = list(self.object.extensions.select_related("requested_by", "decided_by", "agency"))
        for extension in extensions:
            if extension.state == ExtensionState.PENDING:
                extension.decider = tasks_policy.decider_words(extension)
        # The requests' page: where a request can still be made, or one waits for a decision.
        context["extension_offered"] = may_be_extended(self.object) or any(e.state == ExtensionState.PENDING for e in extensions)
        context.update(recurring_judgements(self.object, timezone.localdate()))
        return context
