"""A summary's life after compiling: sections written, sent for signature, returned, issued, signed copy received.

Each view parses the form, calls the service (which asks ``reports.policy.summary_actions``) and returns to
the summary's page with the service's message.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from plans import policy

from .. import policy as reports_policy
from .. import summary_workflow as workflow
from ..choices import SummaryAction, SummarySectionKey, SummaryState
from ..forms import SummaryStepForm, named_errors
from ..models import Summary
from ..summaries.document import body_blocks, title_lines
from ..summaries.drafting import summary_issue, summary_return, summary_section_write, summary_submit, summary_texts
from ..summaries.official import date_line, number_line
from ..summaries.prose import blocks, grouped
from ..summaries.record import summary_signed_receive


def _summaries(user):
    return policy.restrict(Summary.objects.select_related("plan", "period"), user)


def summary_page_parts(summary: Summary, user) -> dict:
    """What the summary's page shows of its writing and signing: the steps this user may take (the one
    rule, ``reports.policy.summary_actions``), each section with its text and who wrote it, and the history."""
    actions = reports_policy.summary_actions(user, summary)
    rows = {row.key: row for row in summary.sections.select_related("edited_by")}
    texts = summary_texts(summary) if summary.snapshot else {}
    sections = [
        {
            "key": key.value,
            "label": key.label,
            "text": texts.get(key.value, ""),
            "blocks": grouped(blocks(texts.get(key.value, ""))),
            "row": rows.get(key.value),
        }
        for key in SummarySectionKey
    ]
    return {
        "actions": actions,
        "may_edit": workflow.EDIT in actions,
        "may_sign": workflow.SIGN in actions,
        "steps": [workflow.STEPS[action] for action in actions if action in workflow.STEPS],
        "sections": sections,
        "events": summary.events.select_related("by").order_by("-at", "-pk"),
        "returned": summary.events.filter(action=SummaryAction.RETURN).order_by("-at", "-pk").first()
        if summary.state == SummaryState.DRAFT
        else None,
        "may_change": workflow.EDIT in actions,
        "signature_rows": [{**item, "signed_at": datetime.datetime.fromisoformat(item["signed_at"])} for item in summary.signatures],
    }


def _say(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@policy.page_required(policy.OVERSIGHT)
def summary_section_view(request, pk: int, key: str):
    summary = get_object_or_404(_summaries(request.user), pk=pk)
    if key not in SummarySectionKey.values:
        raise Http404
    try:
        summary_section_write(summary=summary, key=key, text=request.POST.get("text", ""), by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Section “%(section)s” saved.") % {"section": SummarySectionKey(key).label})
    return redirect(f"{summary.get_absolute_url()}#phan-{key}")


@require_POST
@policy.page_required(policy.OVERSIGHT)
def summary_step_view(request, pk: int, action: str):
    summary = get_object_or_404(_summaries(request.user), pk=pk)
    form = SummaryStepForm(request.POST)
    if not form.is_valid():  # too long, or a NUL in it: the field's own message, named; nothing written
        for error in named_errors(form):
            messages.error(request, error)
        return redirect(summary)
    comment = form.cleaned_data["comment"]
    try:
        if action == SummaryAction.SUBMIT:
            summary_submit(summary=summary, by=request.user, comment=comment)
            messages.success(request, _("Sent to leadership for signature."))
        elif action == SummaryAction.RETURN:
            summary_return(summary=summary, by=request.user, comment=comment)
            messages.success(request, _("Returned to the coordinator with your comment."))
        elif action == SummaryAction.ISSUE:
            summary = summary_issue(summary=summary, number=request.POST.get("number", ""), by=request.user)
            messages.success(
                request, _("Summary issued as No. %(number)s: it will not change any more.") % {"number": summary.document_number}
            )
        else:
            raise Http404
    except ValidationError as error:
        _say(request, error)
    return redirect(summary)


@require_POST
@policy.page_required(policy.OVERSIGHT)
def summary_signed_upload(request, pk: int):
    summary = get_object_or_404(_summaries(request.user), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the signed PDF file."))
        return redirect(summary)
    try:
        summary = summary_signed_receive(summary=summary, content=upload.read(), by=request.user)
    except ValidationError as error:
        messages.error(request, _("The signed copy was refused:"))
        _say(request, error)
        return redirect(summary)
    messages.success(request, _("Signed copy verified and kept as the document of record."))
    return redirect(summary)


class SummaryPreviewView(policy.PageRequiredMixin, DetailView):
    """The document as it will print: heading block, title, body and closing, on an A4 page."""

    page = policy.OVERSIGHT
    template_name = "reports/summary_preview.html"
    context_object_name = "summary"

    def get_queryset(self):
        return _summaries(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.object
        day = timezone.localdate(summary.issued_at or summary.compiled_at or timezone.now())
        context.update(
            blocks=grouped(body_blocks(summary.snapshot, summary_texts(summary))) if summary.snapshot else [],
            issuer_lines=settings.SUMMARY_ISSUER_LINES,
            title_lines=title_lines(summary.snapshot) if summary.snapshot else [],
            number_line=number_line(summary.number, settings.SUMMARY_NUMBER_SUFFIX),
            date_line=date_line(settings.SUMMARY_PLACE, day),
            recipients=settings.SUMMARY_RECIPIENTS,
            signature_lines=settings.SUMMARY_SIGNATURE_LINES,
            signer=settings.SUMMARY_SIGNER,
        )
        return context


@login_not_required
def summary_record_download(request, pk: int):
    """The document of record (the signed copy, else the issued PDF), for whoever may read the summary:
    anyone when the plan is public."""
    summary = get_object_or_404(policy.restrict(Summary.objects.filter(state=SummaryState.ISSUED), request.user), pk=pk)
    field = summary.record
    if not field:
        raise Http404(_("This file does not exist yet."))
    response = FileResponse(field.open("rb"), as_attachment=False, filename=field.name.rsplit("/", 1)[-1].split("-", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response
