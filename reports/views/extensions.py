"""A task's requests for more time (gia hạn): the agency asks, the coordinator or leadership decides."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from plans import policy
from tasks import policy as tasks_policy
from tasks.choices import ExtensionState
from tasks.columns import yearly_due
from tasks.extensions import extension_decide, extension_refusal, extension_request
from tasks.models import Extension, Task

from ..forms import DayFirstDateInput
from ..handoffs import extension_asked, extension_decided


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label=_("New due date"), widget=DayFirstDateInput(attrs={"class": "form-control"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class ExtensionDecisionForm(forms.Form):
    approved_due = forms.DateField(
        label=_("Date approved"),
        required=False,
        help_text=_("Empty: the date asked for."),
        widget=DayFirstDateInput(attrs={"class": "form-control"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


def _task(request, pk: int) -> Task:
    return get_object_or_404(policy.restrict(Task.objects.select_related("plan__parent"), request.user), pk=pk)


def _render(request, task: Task, form=None, decision_form=None, status=200):
    extensions = list(task.extensions.select_related("requested_by", "decided_by", "agency"))
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    if pending is not None:
        pending.decider = tasks_policy.decider_words(pending)  # "Chờ lãnh đạo UBND tỉnh quyết định"
    barred = tasks_policy.extension_request_refusal(request.user, task)  # who asks: the head of a lead agency
    asks = not barred
    refusal = extension_refusal(task, timezone.localdate()) if asks else None
    context = {
        "task": task,
        "yearly_due": yearly_due(task),  # a yearly task has no single due date: this year's is shown
        "extensions": extensions,
        "pending": pending,
        "may_request": asks and pending is None and refusal is None,
        # Why no form: the rule's own words (an overdue task, a completed one…; the head asks, not the officer).
        # Told to the agencies' people; the coordinator and leadership, who decide, are not told they cannot ask.
        "no_request_because": " ".join(refusal.messages)
        if refusal is not None
        else barred
        if policy.role_of(request.user) in policy.AGENCY_ROLES
        else "",
        "may_decide": pending is not None and tasks_policy.may_decide_extension(request.user, pending),
        "form": form or ExtensionRequestForm(),
        "decision_form": decision_form or ExtensionDecisionForm(),
    }
    return TemplateResponse(request, "reports/task_extensions.html", context, status=status)


@policy.page_required(policy.EXTENSIONS)
def task_extensions(request, pk: int):
    """The task's due dates and its requests for more time; the form to ask (POST) for the head of a lead agency."""
    task = _task(request, pk)
    if request.method != "POST":
        return _render(request, task)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                extension = extension_request(task=task, by=request.user, **form.cleaned_data)
                extension_asked(extension)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The request for more time was sent to %(decider)s.") % {"decider": tasks_policy.decider_words(extension)}
            )
            return redirect("reports:task_extensions", pk=task.pk)
    return _render(request, task, form=form, status=400)


@require_POST
@policy.page_required(policy.EXTENSIONS)
def extension_decide_view(request, pk: int, decision: str):
    """Approve (``approve``) or refuse (``refuse``) a waiting request."""
    extension = get_object_or_404(policy.restrict(Extension.objects.select_related("task__plan__parent"), request.user), pk=pk)
    if decision not in ("approve", "refuse"):
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                decided = extension_decide(extension=extension, by=request.user, approve=decision == "approve", **form.cleaned_data)
                extension_decided(decided)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("reports:task_extensions", pk=extension.task_id)
    return _render(request, extension.task, decision_form=form, status=400)
