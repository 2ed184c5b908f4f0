"""The coordinator's queue "Nhiệm vụ cần giao lại": open tasks of dissolved agencies, reassigned one by one or many at once."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core import columns
from plans import policy
from plans.choices import AgencyKind
from plans.models import Agency

from ..columns import REASSIGN
from ..filters import ReassignFilter
from ..reorganisation.selectors import reassign_plans, reassign_targets, waiting_for_reassignment
from ..reorganisation.services import assignments_reassign
from .listing import query_of, wants_xlsx


class ReassignQueueView(policy.PageRequiredMixin, TemplateView):
    page = policy.REASSIGN
    template_name = "reports/reassign_queue.html"

    def get(self, request, *args, **kwargs):
        filterset = ReassignFilter(
            request.GET or None, queryset=waiting_for_reassignment(user=request.user), plans=reassign_plans(user=request.user)
        )
        waiting = filterset.qs
        if wants_xlsx(request):
            return columns.xlsx("nhiem-vu-can-giao-lai.xlsx", _("Tasks to reassign"), REASSIGN, waiting, filters=filterset)
        agencies = list(reassign_targets().only("pk", "name", "kind"))
        communes = [agency for agency in agencies if agency.kind == AgencyKind.COMMUNE]
        context = self.get_context_data(
            filter=filterset,
            query=query_of(request),
            waiting=list(waiting),
            # the communes and wards that took over the districts' work, in their own group after the province's agencies
            agency_groups=[
                (_("Provincial agencies"), [agency for agency in agencies if agency.kind != AgencyKind.COMMUNE]),
                (_("Commune and ward People's Committees"), communes),
            ],
        )
        return self.render_to_response(context)


@require_POST
@policy.page_required(policy.REASSIGN)
def reassign(request):
    """Per agency chosen, move the assignments sent to it (a row's own choice, else the choice for the selected rows)."""
    if not request.POST.get("confirm"):
        # A reassignment hands work to another agency at once: asked once more, in the page itself (as a recall is).
        messages.error(request, _("Tick the confirmation box to reassign the tasks."))
        return redirect("reports:reassign_queue")
    waiting = {a.pk: a for a in waiting_for_reassignment(user=request.user)}  # another coordinator's rows are never moved
    bulk = request.POST.get("agency", "")
    chosen: dict[str, list] = {}
    for pk, assignment in waiting.items():
        own = request.POST.get(f"to_{pk}", "")
        target = own or (bulk if str(pk) in request.POST.getlist("assignment") else "")
        if target.isdigit():
            chosen.setdefault(target, []).append(assignment)
    if not chosen:
        messages.warning(request, _("Choose an agency for at least one task."))
        return redirect("reports:reassign_queue")
    moved: list[str] = []  # "2 nhiệm vụ đã giao cho Sở …" per agency that received work
    for agency_pk, assignments in chosen.items():
        agency = Agency.objects.filter(pk=agency_pk).first()  # one outside reassign_targets is refused by the service
        if agency is None:
            continue
        try:
            n = assignments_reassign(assignments=assignments, agency=agency, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            continue
        if n:
            moved.append(_("%(n)d tasks reassigned to %(agency)s.") % {"n": n, "agency": agency.name})
    if moved:
        messages.success(request, " ".join(moved))
    return redirect("reports:reassign_queue")
