"""The coordinator's inbox: submitted reports waiting for review, with bulk accept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core import columns
from plans import policy

from ..choices import WorkflowAction
from ..columns import INBOX
from ..filters import InboxFilter
from ..models import Report
from ..selectors import inbox, inbox_plans
from ..services import report_transition
from .agency import unread_notices
from .listing import page_of, wants_xlsx


class InboxView(policy.PageRequiredMixin, TemplateView):
    page = policy.REVIEW
    template_name = "reports/inbox.html"

    def get(self, request, *args, **kwargs):
        filterset = InboxFilter(request.GET or None, queryset=inbox(user=request.user), plans=inbox_plans(user=request.user))
        reports = filterset.qs
        if wants_xlsx(request):
            return columns.xlsx("hop-thu-dau-moi.xlsx", _("Reports waiting for review"), INBOX, reports, filters=filterset, request=request)
        # One page of 50, as every list (``page_of``): on a deadline day thousands wait; the export holds them all.
        page, query = page_of(request, reports)
        context = self.get_context_data(
            filter=filterset,
            page=page,
            query=query,
            columns=INBOX,
            rows=columns.html_rows(INBOX, page),
            notices=unread_notices(request.user),
        )
        return self.render_to_response(context)


@require_POST
@policy.page_required(policy.REVIEW)
def inbox_accept(request):
    """Accept every selected report (those of the page shown); each in its own step, so one refusal does not block the others."""
    ids = [int(value) for value in request.POST.getlist("report") if value.isdigit()]
    accepted, refused = 0, []
    for report in policy.restrict(Report.objects.filter(pk__in=ids), request.user).select_related("task", "agency"):
        try:
            report_transition(report=report, action=WorkflowAction.ACCEPT, by=request.user)
            accepted += 1
        except (ValidationError, PermissionDenied) as error:
            refused.append(f"{report.agency.short_name} – {report.task.number}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if accepted:
        messages.success(request, _("%(count)d reports accepted.") % {"count": accepted})
    for line in refused:
        messages.error(request, line)
    if not ids:
        messages.warning(request, _("Tick the reports to accept first."))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/dau-moi/") else "reports:inbox")
