"""The agency's work list: "Nhiệm vụ của đơn vị"."""

from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core import columns
from plans import policy
from plans.models import Plan
from tasks import policy as tasks_policy
from tasks.choices import TaskStatus

from .. import workflow
from ..columns import AGENCY_PAGE, AGENCY_TASKS
from ..filters import NOT_SENT, AgencyTaskFilter
from ..models import Notice
from ..selectors import agency_tasks, owed_not_sent, pending_approval, returned_reports
from ..services import period_refusal
from ..templatetags.lineage_tags import inherited_note
from .listing import query_of, wants_xlsx


def my_home(request):
    """Where a user lands after signing in: their own work."""
    landing = {policy.AGENCY_WORK: "reports:agency_tasks", policy.REVIEW: "reports:inbox", policy.OVERSIGHT: "reports:dashboard"}
    return redirect(landing.get(policy.landing_page(request.user), "home"))


class AgencyTaskListView(policy.PageRequiredMixin, TemplateView):
    """The tasks assigned to the user's agency, with this period's report; exported as shown."""

    page = policy.AGENCY_WORK
    template_name = "reports/agency_tasks.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        tasks, due = agency_tasks(user=user)
        plans = Plan.objects.filter(pk__in=due.keys()).order_by("-issued_on")
        filterset = AgencyTaskFilter(request.GET or None, queryset=tasks, plans=plans, agency_id=user.agency_id, due=due, user=user)
        rows = list(filterset.qs)
        today = timezone.localdate()
        head = tasks_policy.oversees_agency_work(user)  # the one who puts officers in charge of the agency's parts
        for task in rows:
            task.due = due[task.plan_id]
            task.completed = task.status_code in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)
            # why the period due cannot be reported (the task starts later…): no button that would only bounce back here
            task.not_due = None if task.completed or task.report_state else _not_reportable(task, user.agency_id, today)
            task.needs_report = (
                # none yet, or one its agency writes and sends (a draft, a returned or a withdrawn one: the one rule)
                not task.completed and not task.not_due and (task.report_state is None or workflow.is_editable(task.report_state))
            )
            # a part nobody carries, under "hãy phân công" in the head's work list: the way to assign it from its row
            task.assign_url = reverse("reports:task_owners", args=[task.pk]) if head and not task.carried and not task.completed else ""
            # "kế thừa từ Sở TT&TT (từ 01/03/2025)" and the predecessor's reports, under a task the agency inherited
            task.inherited_html = render_to_string("reports/_inherited.html", inherited_note({"request": request}, task))
        if wants_xlsx(request):
            agency = user.agency
            title = _("Tasks of %(agency)s") % {"agency": agency.name}
            return columns.xlsx(f"nhiem-vu-{agency.code.lower()}.xlsx", title, AGENCY_TASKS, rows, filters=filterset, request=request)
        owed_tasks = set(owed_not_sent(user.agency_id, due, today).values_list("task_id", flat=True))
        upcoming = sorted((d for d in due.values() if d.days_left >= 0), key=lambda d: d.period.deadline)
        context = self.get_context_data(
            filter=filterset,
            columns=AGENCY_PAGE,
            rows=columns.html_rows(AGENCY_PAGE, rows),
            query=query_of(request),
            total=len(rows),
            overdue=sum(1 for t in rows if t.status_code == TaskStatus.OVERDUE),
            # the reports the agency owes and has not sent, as "Việc cần xử lý" and the reminders count them (a part it
            # only cooperates on owes none): the same selector as the list it opens (filters.NOT_SENT)
            owed=sum(1 for t in rows if t.pk in owed_tasks),
            # each count opens what it counts, the other filters kept
            overdue_url=_filtered(request, status=TaskStatus.OVERDUE),
            owed_url=_filtered(request, report_state=NOT_SENT),
            deadline=upcoming[0] if upcoming else None,
            # every plan whose report for the same period is due the same day, not only the first
            deadline_plans=[
                d.plan for d in upcoming if (d.period.code, d.period.deadline) == (upcoming[0].period.code, upcoming[0].period.deadline)
            ]
            if upcoming
            else [],
            pending=pending_approval(user=user),
            returned=list(returned_reports(user=user)),
            today=today,
            notices=unread_notices(user),
        )
        return self.render_to_response(context)


def _not_reportable(task, agency_id: int, today) -> str | None:
    """Why the task cannot be reported for its plan's period due (``reports.services.period_refusal``), or None."""
    held = next((a for a in task.assignments.all() if a.agency_id == agency_id and a.inherited_on), None)  # prefetched
    return period_refusal(task=task, period=task.due.period, held=held, today=today)


def _filtered(request, **params) -> str:
    """This list's address with ``params`` set and the user's other filters kept."""
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = value
    return f"?{query.urlencode()}"


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
