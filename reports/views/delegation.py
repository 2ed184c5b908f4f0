"""Work inside an agency: the head names who carries its part of a task; anyone names a stand-in for an absence."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from plans import policy
from plans.models import StandIn, User
from tasks import policy as tasks_policy
from tasks.delegation import running_on, stand_in_set, task_owners_set
from tasks.models import Task, TaskAssignment, TaskOwner

from ..forms import DayFirstDateInput
from ..handoffs import task_owners_named


def _colleagues(user):
    return User.objects.filter(agency=user.agency_id, is_active=True).select_related("agency").order_by("full_name", "username")


def _assignment(request, pk: int) -> TaskAssignment:
    task = get_object_or_404(policy.restrict(Task.objects.select_related("plan"), request.user), pk=pk)
    assignment = TaskAssignment.objects.filter(task=task, agency=request.user.agency_id).select_related("task__plan", "agency").first()
    if assignment is None:
        raise Http404
    return assignment


@policy.page_required(policy.AGENCY_WORK)
def task_owners(request, pk: int):
    """Who carries the agency's part of a task, with the history; the head changes it (POST)."""
    assignment = _assignment(request, pk)
    may_assign = tasks_policy.may_assign_owner(request.user, assignment)
    people = [u for u in _colleagues(request.user) if tasks_policy.may_be_owner(u, assignment)]
    status = 200
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        chosen = [u for u in people if str(u.pk) in request.POST.getlist("users")]
        try:
            with transaction.atomic():
                before = set(
                    TaskOwner.objects.filter(running_on(timezone.localdate()), assignment=assignment).values_list("user_id", flat=True)
                )
                owners = task_owners_set(assignment=assignment, users=chosen, by=request.user)
                task_owners_named(assignment=assignment, users=[o.user for o in owners if o.user_id not in before], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("The people in charge were saved."))
            return redirect("reports:task_owners", pk=pk)
    history = list(assignment.owners.select_related("user", "assigned_by").order_by("-starts_on", "-id"))
    current = {o.user_id for o in history if o.ends_on is None or o.ends_on >= timezone.localdate()}
    context = {
        "assignment": assignment,
        "task": assignment.task,
        "history": history,
        "current": current,
        "people": people,
        "may_assign": may_assign,
    }
    return TemplateResponse(request, "reports/task_owners.html", context, status=status)


class StandInForm(forms.Form):
    stand_in = forms.ModelChoiceField(
        label=_("Stand-in"), queryset=User.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    starts_on = forms.DateField(label=_("From"), widget=DayFirstDateInput(attrs={"class": "form-control"}))
    ends_on = forms.DateField(label=_("Until"), widget=DayFirstDateInput(attrs={"class": "form-control"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = _colleagues(user).exclude(pk=user.pk) if user is not None else User.objects.none()


def stand_in_context(user) -> dict:
    """The stand-in form and the person's absences and stand-ins still to come, for the work page."""
    if not policy.may_open(user, policy.AGENCY_WORK):
        return {}
    today = timezone.localdate()
    return {
        "stand_in_form": StandInForm(user=user),
        "my_absences": list(StandIn.objects.filter(user=user, ends_on__gte=today).select_related("stand_in")),
        "standing_in": list(StandIn.objects.filter(stand_in=user, ends_on__gte=today).select_related("user")),
    }


@require_POST
@policy.page_required(policy.AGENCY_WORK)
def stand_in_add(request):
    """Record who receives the person's work during a dated absence."""
    form = StandInForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            stand_in_set(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The stand-in was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("reports:work")
