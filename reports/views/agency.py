"""The agency's work list: "Nhiệm vụ của đơn vị"."""

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from plans.models import Plan
from tasks.choices import AssignmentRole, TaskStatus
from tasks.status import status_label
from vinhlong_cmcn4 import policy
from vinhlong_cmcn4.spreadsheets import xlsx_response

from ..choices import ReportState, report_state_label
from ..forms import AgencyTaskFilterForm
from ..models import Notice
from ..selectors import NOT_REPORTED, agency_tasks, filter_agency_tasks, pending_approval, returned_reports


def my_home(request):
    """Where a user lands after signing in: their own work."""
    landing = {policy.AGENCY_WORK: "reports:agency_tasks", policy.REVIEW: "reports:inbox", policy.OVERSIGHT: "reports:dashboard"}
    return redirect(landing.get(policy.landing_page(request.user), "home"))


class AgencyTaskListView(policy.PageRequiredMixin, TemplateView):
    """The tasks assigned to the user's agency, grouped by plan and section, with this period's report."""

    page = policy.AGENCY_WORK
    template_name = "reports/agency_tasks.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "xlsx":
            return self.export(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tasks, due = agency_tasks(user=user)
        form = AgencyTaskFilterForm(self.request.GET or None, plans=Plan.objects.filter(pk__in=due.keys()).order_by("-issued_on"))
        filters = form.cleaned_data if form.is_valid() else {}
        tasks = list(
            filter_agency_tasks(
                tasks,
                plan=filters.get("plan").pk if filters.get("plan") else None,
                status=filters.get("status", ""),
                report_state=filters.get("report_state", ""),
                query=filters.get("q", ""),
            )
        )
        groups: dict = {}
        for task in tasks:
            task.due = due[task.plan_id]
            task.report_state_label = report_state_label(task.report_state)
            task.completed = task.status_code in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)
            task.needs_report = not task.completed and task.report_state in (None, ReportState.DRAFT, ReportState.RETURNED)
            groups.setdefault(task.plan, {}).setdefault(task.section, []).append(task)
        upcoming = sorted((d for d in due.values() if d.days_left >= 0), key=lambda d: d.period.deadline)
        context.update(
            form=form,
            groups=groups,
            total=len(tasks),
            overdue=sum(1 for t in tasks if t.status_code == TaskStatus.OVERDUE),
            not_reported=sum(1 for t in tasks if t.report_state is None and not t.completed),
            deadline=upcoming[0] if upcoming else None,
            pending=pending_approval(user=user),
            returned=list(returned_reports(user=user)),
            not_reported_code=NOT_REPORTED,
            today=timezone.localdate(),
            notices=unread_notices(user),
        )
        return context

    def export(self, context):
        headers = [
            _("Plan"),
            _("Section"),
            _("No."),
            _("Task"),
            _("Role"),
            _("Timeframe"),
            _("Due date"),
            _("Status"),
            _("Progress (%)"),
            _("Period"),
            _("This period's report"),
        ]
        rows = (
            [
                plan.symbol,
                section.number if section else "",
                task.number,
                task.title,
                str(AssignmentRole(task.my_role).label),
                task.timeframe,
                task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
                status_label(task.status_code, extended=bool(task.extended_due_date)),
                task.progress,
                task.due.period.label,
                task.report_state_label,
            ]
            for plan, sections in context["groups"].items()
            for section, tasks in sections.items()
            for task in tasks
        )
        agency = self.request.user.agency
        return xlsx_response(f"nhiem-vu-{agency.code.lower()}.xlsx", _("Tasks of %(agency)s") % {"agency": agency.name}, headers, rows)


@require_POST
def notice_read(request, pk: int):
    """Mark one of the user's notices read and follow its link."""
    notice = get_object_or_404(policy.restrict(Notice.objects.all(), request.user, policy.CHANGE), pk=pk, read_at__isnull=True)
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
    return redirect(notice.url or "reports:my_home")


def unread_notices(user) -> list:
    """The user's unread notices, newest first (shown at the top of their landing page)."""
    return list(Notice.objects.filter(user=user, read_at__isnull=True).order_by("-created_at")[:10])
