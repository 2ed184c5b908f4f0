"""One report: the form an agency fills, its page with timeline and history, its evidence."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from core.access import private_file
from plans import policy
from reports import policy as reports_policy
from tasks import policy as tasks_policy
from tasks.extensions import extension_refusal, may_be_extended
from tasks.models import Task

from .. import workflow
from ..attachments import uploads_held, uploads_hold, uploads_release
from ..choices import WorkflowAction
from ..forms import ReportForm, ReturnForm, named_errors
from ..history import change_excerpts, history_value
from ..models import Attachment, Report, ReportingPeriod
from ..periods import parse_period_code, recent_periods
from ..selectors import contributions, last_return, previous_report
from ..services import (
    ReportConflict,
    attachment_remove,
    inherited_part,
    period_refusal,
    report_period_check,
    report_save,
    report_transition,
    reporting_period_get_or_create,
)
from ..services.indicators import report_indicators
from ..services.steps import StepRepeated

COPIED_FIELDS = ("progress", "work_state", "completed_on", "results", "difficulties", "proposals")


class PeriodRefused(Exception):
    """The task cannot be reported for this period by this agency (``report_period_check``'s message)."""


class ReportEditView(policy.PageRequiredMixin, View):
    """Write the agency's report on a task for a period (Nghị định 09/2019), as a draft or to send on."""

    page = policy.AGENCY_WORK
    template_name = "reports/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PeriodRefused as refused:
            # The same message as the API's and the service's, where the officer's list is.
            messages.error(request, str(refused))
            return redirect("reports:agency_tasks")

    def _objects(self, request, task_pk: int, period_code: str):
        tasks = policy.restrict(Task.objects.select_related("plan", "section"), request.user).filter(
            assignments__agency=request.user.agency_id
        )
        task = get_object_or_404(tasks, pk=task_pk)
        plan = task.plan
        try:
            period = parse_period_code(period_code, deadline_day=plan.report_deadline_day)
        except ValueError:
            raise Http404 from None
        row = ReportingPeriod.objects.filter(kind=period.kind, year=period.year, number=period.number).first()
        report = Report.objects.filter(task=task, agency=request.user.agency_id, period=row).first() if row else None
        # else a report of an agency that has ceased, which the user's agency carries on (its period was that agency's)
        carried = (
            Report.objects.filter(reports_policy.carried_q(request.user.agency_id), task=task, period=row).select_related("agency").first()
            if row and report is None
            else None
        )
        if carried is None:
            try:
                report_period_check(task=task, period=period, agency=request.user.agency)
            except ValidationError as error:
                raise PeriodRefused(error.messages[0]) from None
        return task, period, row, report or carried

    def _refused(self, request, *, task, period, report, form, held, conflict=None):
        """The form sent back with its errors, the files chosen kept: those already held and the new ones that are acceptable."""
        from django.conf import settings

        from core.uploads import detect_type

        chosen = [
            upload
            for upload in request.FILES.getlist("attachments")
            if upload.size <= settings.ATTACHMENT_MAX_BYTES and detect_type(upload) is not None
        ]
        kept_now, refusals = uploads_hold(chosen, owner=request.user.pk)
        for refusal in refusals:
            form.add_error("attachments", refusal)
        tokens = [token for token, _upload in held] + kept_now
        # the first files chosen are held until the person's cap is reached: the rest are named in the refusals
        names = [upload.name.rsplit("/", 1)[-1] for _token, upload in held] + [upload.name for upload in chosen[: len(kept_now)]]
        kept = list(zip(tokens, names, strict=True))
        return self._render(request, task=task, period=period, report=report, form=form, conflict=conflict, kept=kept)

    def _render(self, request, *, task, period, report, form, conflict=None, kept=()):
        previous = previous_report(task=task, agency_id=request.user.agency_id, before=period.first_day)
        choices = recent_periods(period.kind, task.start_date, timezone.localdate(), deadline_day=task.plan.report_deadline_day)
        held = inherited_part(task=task, agency=request.user.agency)
        if held is not None:  # a successor is offered the periods it reports, from the one it inherited in
            choices = [choice for choice in choices if period_refusal(task=task, period=choice, held=held) is None]
        context = {
            "task": task,
            "period": period,
            "report": report,
            "form": form,
            "previous": previous,
            "conflict": conflict,
            "returned": last_return(report),
            "period_choices": choices,
            "extension_offered": may_be_extended(task),  # the link to ask for more time, only where a request can succeed
            # ...and to the head of a lead agency, why there is none (the rule's own words: the due date has passed…)
            "extension_refused_because": _extension_refusal_text(request.user, task),
            "send_label": sending_label(request.user, report or Report(task=task, agency_id=request.user.agency_id)),
            "kept": kept,  # files chosen before an error, kept: (token, name)
        }
        return TemplateResponse(request, self.template_name, context, status=409 if conflict else 200)

    def _indicators(self, task, period, report=None):
        """The indicators the report carries: its agency's (a carried report's, the agency that ceased), else the user's."""
        agency_id = report.agency_id if report is not None else self.request.user.agency_id
        return report_indicators(task_id=task.pk, agency_id=agency_id, period=period)

    def get(self, request, task_pk: int, period_code: str):
        task, period, _row, report = self._objects(request, task_pk, period_code)
        if report and not workflow.is_editable(report.state):
            return redirect("reports:report_detail", pk=report.pk)
        initial = {}
        if request.GET.get("sao-chep") and (
            previous := previous_report(task=task, agency_id=request.user.agency_id, before=period.first_day)
        ):
            initial = {name: getattr(previous, name) for name in COPIED_FIELDS}
        form = ReportForm(instance=report, initial=initial, request=request, indicators=self._indicators(task, period, report))
        return self._render(request, task=task, period=period, report=report, form=form)

    def post(self, request, task_pk: int, period_code: str):
        task, period, _row, report = self._objects(request, task_pk, period_code)
        held = uploads_held(request.POST.getlist("held"), owner=request.user.pk)  # (token, file) pairs
        held_files = [upload for _token, upload in held]
        form = ReportForm(
            request.POST, request.FILES, instance=report or Report(), request=request, indicators=self._indicators(task, period, report)
        )
        refused = {"task": task, "period": period, "report": report, "form": form, "held": held}
        if not form.is_valid():
            return self._refused(request, **refused)
        row = reporting_period_get_or_create(period=period)
        data = {name: form.cleaned_data.get(name) for name in COPIED_FIELDS}
        try:
            report = report_save(
                task=task,
                agency=report.agency if report is not None else request.user.agency,
                period=row,
                by=request.user,
                data=data,
                version=form.cleaned_data.get("version"),
                files=[*held_files, *form.cleaned_data["attachments"]],
                send="send" in request.POST,
                indicator_values=form.indicator_values(),
            )
        except ReportConflict as conflict:
            form.add_error(
                None,
                _(
                    "Someone else saved this report while you were editing it. Your text is below, unsaved; the saved version is shown beside it. Copy what you need, then save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = conflict.current.version
            return self._refused(request, **{**refused, "report": conflict.current}, conflict=conflict.current)
        except ValidationError as error:
            # A refused file is named under the file field, where the sender chooses files again.
            about_files = all(getattr(e, "code", None) == "attachment" for e in getattr(error, "error_list", [error]))
            form.add_error("attachments" if about_files else None, error)
            return self._refused(request, **refused)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self._refused(request, **refused)
        uploads_release(held_files)
        messages.success(
            request,
            workflow.sent_message(report.state, reports_policy.reviewer_words(report))
            if "send" in request.POST
            else _("The draft was saved."),
        )
        return redirect("reports:report_detail", pk=report.pk)


def sending_label(user, report: Report):
    """What the form's "send" button says: the step sending takes for this user (``reports_policy.report_actions``), as the report page words it.

    None when the user has no step to send with (the button is not shown).
    """
    action = workflow.sending_action(reports_policy.report_actions(user, report))
    return workflow.transition_for(action).button if action else None


class ReportDetailView(DetailView):
    """A report with its evidence, its workflow timeline, its change history and what the user may do next."""

    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return policy.restrict(
            Report.objects.select_related("task__plan__parent", "task__section", "agency", "period", "created_by"), self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        history = list(report.history.select_related("history_user").order_by("-history_date")[:30])
        for record in history:
            older = record.prev_record
            record.changes = older and [
                dict(
                    zip(
                        ("old", "new"),
                        change_excerpts(
                            history_value(Report._meta.get_field(change.field), change.old),
                            history_value(Report._meta.get_field(change.field), change.new),
                        ),
                        strict=True,
                    ),
                    label=Report._meta.get_field(change.field).verbose_name,
                )
                for change in record.diff_against(older).changes
                if change.field not in {"version", "updated_at"}
            ]
        # A record that changed nothing people read (only the version) is left out; the page says when nothing is left.
        history = [record for record in history if record.changes or record.history_type == "+"]
        context.update(
            actions=[
                (action, workflow.transition_for(action).button, workflow.transition_for(action).needs_comment)
                for action in reports_policy.report_actions(user, report)
            ],
            events=report.events.select_related("actor").order_by("at", "id"),
            attachments=report.attachments.select_related("uploaded_by"),
            # each value's state (withdrawn with the report, counted, corrected since) is read from its report and actual
            indicator_values=report.indicator_values.select_related("indicator", "actual"),
            history=history,
            contributions=contributions(report) if report.role == "lead" else [],
            can_edit=reports_policy.may_edit_report(user, report),
            return_form=ReturnForm(),
            deadline=report.period.as_period(report.task.plan.report_deadline_day).deadline,
        )
        # The agency's own staff reach the task's people in charge and its request for more time from here too:
        # once a report is sent, the form that carries those links is no longer offered.
        own = report.agency_id == user.agency_id and policy.may_open(user, policy.AGENCY_WORK)
        context.update(task_links=own, extension_offered=own and may_be_extended(report.task))
        return context


class ReportTransitionView(View):
    """POST only: one workflow step on one report."""

    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        report = get_object_or_404(policy.restrict(Report.objects.all(), request.user), pk=pk)
        if action not in workflow.TRANSITIONS:
            raise Http404
        if action == WorkflowAction.RECALL and not request.POST.get("confirm"):
            # A recall takes the report back from the coordinator: asked once more, in the page itself (no script needed).
            messages.error(request, _("Tick the confirmation box to recall the report."))
            return redirect("reports:report_detail", pk=report.pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            # A reason too long, or with a NUL in it: its own message, named; dropped, the step was told it had none.
            for error in named_errors(form):
                messages.error(request, error)
            return redirect("reports:report_detail", pk=report.pk)
        try:
            report_transition(
                report=report, action=action, by=request.user, comment=form.cleaned_data["comment"], version=form.cleaned_data["version"]
            )
        except StepRepeated:
            pass  # a double click: the first click took the step and said so; the second says nothing
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise
        else:
            agency = report.agency.short_name or report.agency.name
            if action == WorkflowAction.SUBMIT:  # the head's approval: where the report went
                messages.success(request, _("Approved and sent to %(reviewer)s.") % {"reviewer": reports_policy.reviewer_words(report)})
            elif action == WorkflowAction.ACCEPT:  # the reviewer's steps name the agency ("Done: Accepted." named nobody)
                messages.success(request, _("Accepted the report of %(agency)s.") % {"agency": agency})
            elif action == WorkflowAction.RETURN:
                messages.success(request, _("Returned the report to %(agency)s.") % {"agency": agency})
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": WorkflowAction(action).label})
        next_url = request.POST.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("reports:report_detail", pk=report.pk)


@private_file
class AttachmentDownloadView(View):
    """Evidence is served only to those who may see its report, always as a download."""

    def get(self, request, pk: int, attachment_pk: int):
        report = get_object_or_404(policy.restrict(Report.objects.all(), request.user), pk=pk)
        attachment = get_object_or_404(Attachment, pk=attachment_pk, report=report)
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AttachmentDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int, attachment_pk: int):
        report = get_object_or_404(policy.restrict(Report.objects.all(), request.user, policy.CHANGE), pk=pk)
        attachment = get_object_or_404(Attachment, pk=attachment_pk, report=report)
        try:
            attachment_remove(attachment=attachment, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The file was removed."))
        return redirect("reports:report_edit", task_pk=report.task_id, period_code=report.period.as_period().code)


def _extension_refusal_text(user, task) -> str:
    """Why the head of a lead agency cannot ask for more time on ``task`` today ("" when it can, or it is not theirs to ask)."""
    if not tasks_policy.may_request_extension(user, task):
        return ""
    refusal = extension_refusal(task, timezone.localdate())
    return " ".join(refusal.messages) if refusal is not None else ""
