"""Chasing late agencies (đôn đốc): the reports owed, a letter and/or e-mails in one step."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import columns
from plans import policy
from plans.choices import Role
from tasks.models import TaskAssignment

from ..chasing import chase_letter, chase_record, owed_reports
from ..columns import CHASE
from ..filters import ChaseFilter
from .listing import query_of, wants_xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@policy.page_required(policy.OVERSIGHT)
def chase(request):
    """The reports owed for the period due, by plan and agency (the dashboard's "reports missing"); the plan's
    coordinator chases the lines chosen: a letter (.docx) and/or e-mails, recorded on each obligation."""
    listing = request.method != "POST" and not request.GET.get(LETTER)
    filterset = ChaseFilter(request.GET or None, queryset=TaskAssignment.objects.none())
    owed = owed_reports(narrow=filterset.narrow if listing else None)  # the letter and the step: the lines chosen, unfiltered
    for line in owed:
        line.may_chase = policy.coordinates(request.user, line.plan)
    if request.method != "POST" and request.GET.get(LETTER):
        # the letter of the lines just chased (the link in the message after the step): the same lines, today's date
        keys = request.GET.getlist("owed")
        return _letter([o for o in owed if o.may_chase and o.key in keys]) or redirect("reports:chase")
    if request.method != "POST":
        # A coordinator's list is its queue, the plans it coordinates; the dashboard's count is the province's, so its
        # link asks for the whole list (``WHOLE``), where only the coordinator's own lines can be chosen.
        coordinator = policy.role_of(request.user) == Role.COORDINATOR
        mine = [line for line in owed if line.may_chase]
        whole = not coordinator or bool(request.GET.get(WHOLE))
        shown = owed if whole else mine
        if wants_xlsx(request):
            return columns.xlsx("bao-cao-can-don-doc.xlsx", _("Reports owed"), CHASE, shown, filters=filterset)
        context = {
            "filter": filterset,
            "query": query_of(request),
            "owed": shown,
            "total": sum(len(o.tasks) for o in shown),
            "may_chase": any(o.may_chase for o in shown),
            "coordinator": coordinator,
            "whole": whole,
            "whole_total": sum(len(o.tasks) for o in owed),
            "mine_total": sum(len(o.tasks) for o in mine),
        }
        return TemplateResponse(request, "reports/chase.html", context)
    chosen = [o for o in owed if o.key in request.POST.getlist("owed")]
    if any(not o.may_chase for o in chosen):
        raise PermissionDenied
    if not chosen:
        messages.warning(request, _("Choose at least one agency to chase."))
        return redirect("reports:chase")
    letter, email = "letter" in request.POST, "email" in request.POST
    if not (letter or email):
        messages.warning(request, _("Choose a letter, e-mails, or both."))
        return redirect("reports:chase")
    chase_record(owed=chosen, by=request.user, email=email, letter=letter)
    if letter:
        # Back to the list, where the step now shows on each line, with the letter to download: answering the
        # form with the file left the page as it was, with no word that anything had been done.
        url = f"{reverse('reports:chase')}?{urlencode([(LETTER, '1'), *(('owed', o.key) for o in chosen)])}"
        done = (
            _("%(n)d agencies were chased (e-mails sent, letter prepared).")
            if email
            else _("%(n)d agencies were chased (letter prepared).")
        )
        messages.success(
            request,
            format_html(
                '{} <a class="alert-link" href="{}">{}</a>', done % {"n": len(chosen)}, url, _("Download the chasing letter (.docx)")
            ),
        )
        return redirect("reports:chase")
    messages.success(request, _("%(n)d agencies were chased by e-mail.") % {"n": len(chosen)})
    return redirect("reports:chase")


LETTER = "van-ban"
WHOLE = "toan-tinh"  # the whole province's list, as the dashboard counts it


def _letter(chosen) -> HttpResponse | None:
    if not chosen:
        return None
    day = timezone.localdate()
    response = HttpResponse(chase_letter(owed=chosen, day=day), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="van-ban-don-doc-{day:%Y%m%d}.docx"'
    return response
