"""The coordinator's inbox: submitted reports waiting for review, with bulk accept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from vinhlong_cmcn4 import policy
from vinhlong_cmcn4.spreadsheets import xlsx_response

from ..choices import WorkflowAction
from ..forms import InboxFilterForm
from ..models import Report
from ..selectors import inbox
from ..services import report_transition
from .agency import unread_notices


class InboxView(policy.PageRequiredMixin, TemplateView):
    page = policy.REVIEW
    template_name = "reports/inbox.html"

    def get(self, request, *args, **kwargs):
        form = InboxFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        reports = inbox(
            user=request.user,
            plan=filters["plan"].pk if filters.get("plan") else None,
            agency=filters["agency"].pk if filters.get("agency") else None,
            late=filters.get("late", ""),
            query=filters.get("q", ""),
        )
        if request.GET.get("format") == "xlsx":
            headers = [_("Plan"), _("No."), _("Task"), _("Agency"), _("Period"), _("Progress (%)"), _("Submitted at"), _("Late")]
            rows = (
                [
                    r.task.plan.symbol,
                    r.task.number,
                    r.task.title,
                    r.agency.name,
                    str(r.period),
                    r.progress,
                    r.submitted_at.strftime("%H:%M %d/%m/%Y") if r.submitted_at else "",
                    _("Yes") if r.is_late else "",
                ]
                for r in reports
            )
            return xlsx_response("hop-thu-dau-moi.xlsx", _("Reports waiting for review"), headers, rows)
        return self.render_to_response(self.get_context_data(form=form, reports=reports, notices=unread_notices(request.user)))


@require_POST
@policy.page_required(policy.REVIEW)
def inbox_accept(request):
    """Accept every selected report; each in its own step, so one refusal does not block the others."""
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
