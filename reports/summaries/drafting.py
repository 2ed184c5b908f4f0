"""Writing a summary and seeing it through: sections written, sent for signature, returned, issued.

Every step asks ``reports.policy.summary_actions`` (the one rule: ``summary_workflow.py`` for states, ``policy`` for
who), locks the row, records who did what and when (``SummaryEvent``), and writes the Word
document again from the snapshot and the sections' text. Issuing freezes both as they are, gives
the number and the date; an issued summary never changes again.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import locked
from core.outbox import job_enqueue
from plans.models import User

from .. import policy as reports_policy
from .. import summary_workflow as workflow
from ..choices import SummaryAction, SummarySectionKey, SummaryState, WebhookEvent
from ..handoffs import summary_issued, summary_no_longer_waiting, summary_submitted
from ..models import Summary, SummaryEvent, SummarySection
from . import streaming
from .annex import annex_number_write
from .delivery import deliveries_create
from .document import summary_document
from .official import official_number
from .pdf import pdf_enabled
from .prose import MAX_CHARS, clean, prefill


def summary_texts(summary: Summary) -> dict[str, str]:
    """Each section's text as the document prints it: as written, or as the data pre-fills it."""
    written = {row.key: row.text for row in summary.sections.all()}
    filled = prefill(summary.snapshot)
    return {key: written.get(key, filled[key]) for key in SummarySectionKey.values}


def sections_refresh(summary: Summary) -> dict[str, str]:
    """After a compilation: the sections nobody has written take the new data's text; written ones stay.

    Returns each section's text. The previous compilation's texts are not read back (at 50,000 tasks the results
    alone are ~4 MB), only those people wrote.
    """
    filled = prefill(summary.snapshot)
    rows = {row.key: row for row in summary.sections.defer("text")}
    written_keys = [key for key, row in rows.items() if row.is_written]
    written = dict(summary.sections.filter(key__in=written_keys).values_list("key", "text")) if written_keys else {}
    _sections_store(summary, rows, {key: filled[key] for key in SummarySectionKey.values if key not in written})
    return {key: written.get(key, filled[key]) for key in SummarySectionKey.values}


def _sections_store(summary: Summary, rows: dict[str, SummarySection], texts: dict[str, str]) -> None:
    """Store ``texts`` (by key) as the summary's sections, made where missing (``rows``, without their text).
    On PostgreSQL sent in pieces (``streaming.py``) and written only where they changed."""
    if not streaming.copy_possible():
        for key, text in texts.items():
            if key in rows:
                rows[key].text = text
                rows[key].save(update_fields=["text"])
            else:
                SummarySection.objects.create(summary=summary, key=key, text=text)
        return
    quote = connection.ops.quote_name
    table = quote(SummarySection._meta.db_table)  # the model's names, no input
    columns = {field.name: quote(field.column) for field in SummarySection._meta.concrete_fields}
    summary_id, key, text = columns["summary"], columns["key"], columns["text"]
    with connection.cursor() as cursor:
        streaming.upload_table(cursor, "summary_section_upload", {"key": "text", "text": "text"})
        streaming.copy_in(cursor, "summary_section_upload", ["key", "text"], texts.items())
        cursor.execute(  # the table is dropped now, so a second compilation in this transaction can make it again
            f"INSERT INTO {table} ({summary_id}, {key}, {text}) SELECT %s, upload.key, upload.text FROM summary_section_upload upload "  # noqa: S608
            f"ON CONFLICT ({summary_id}, {key}) DO UPDATE SET {text} = EXCLUDED.{text} WHERE {table}.{text} <> EXCLUDED.{text}; "
            "DROP TABLE summary_section_upload",
            [summary.pk],
        )


def document_write(summary: Summary, texts: dict[str, str]) -> None:
    """Write the Word document again from the snapshot and ``texts``; its PDF follows in a job."""
    old = summary.document.name if summary.document else ""
    slug = summary.plan.symbol.replace("/", "-")
    summary.document.save(
        f"bao-cao-{slug}-{summary.period.as_period().code}.docx", ContentFile(summary_document(summary, texts)), save=False
    )
    if old:
        storage = summary.document.storage
        transaction.on_commit(lambda: storage.delete(old))


def pdf_enqueue(summary: Summary) -> None:
    if pdf_enabled():
        job_enqueue("reports.jobs.summary_pdf_job", summary.pk)


def step_check(summary: Summary, by: User, action: str) -> Summary:
    """The summary locked, after checking ``by`` may take ``action`` on it now (``reports.policy.summary_actions``).

    Someone who may never take this step is refused (403); someone who may, but not in this state, is told why.
    """
    current = locked(Summary.objects).select_related("plan", "period").get(pk=summary.pk)
    if action in reports_policy.summary_actions(by, current):
        return current
    if not any(action in reports_policy.summary_actions(by, Summary(state=state, plan=current.plan)) for state in SummaryState.values):
        raise PermissionDenied(_("You may not change summaries."))
    raise ValidationError(_("This step is not possible now: the summary is %(state)s.") % {"state": current.get_state_display().lower()})


@transaction.atomic
def summary_section_write(*, summary: Summary, key: str, text: str, by: User) -> SummarySection:
    """Write one section of a draft (plain paragraphs and dash lists); the document is written again."""
    if key not in SummarySectionKey.values:
        raise ValidationError({"key": _("There is no such section.")})
    text = clean(text)
    if len(text) > MAX_CHARS:
        raise ValidationError({"text": _("The section is too long: at most %(max)d characters.") % {"max": MAX_CHARS}})
    summary = step_check(summary, by, workflow.EDIT)
    row, _created = locked(SummarySection.objects).get_or_create(summary=summary, key=key)
    now = timezone.now()
    changed = row.text != text or not row.is_written
    row.text, row.edited_by, row.edited_at = text, by, now
    row.save()
    if changed:
        SummaryEvent.objects.create(summary=summary, action=SummaryAction.EDIT, section=key, text=text, by=by, at=now)
        document_write(summary, summary_texts(summary))
        summary.pdf = ""
        summary.save(update_fields=["document", "pdf"])
        pdf_enqueue(summary)
    return row


@transaction.atomic
def summary_submit(*, summary: Summary, by: User, comment: str = "") -> Summary:
    """Send the draft to leadership for signature ("Trình ký"): it waits, unchanged, for their decision."""
    summary = step_check(summary, by, SummaryAction.SUBMIT)
    if not summary.compiled_at or summary.is_compiling:
        raise ValidationError(_("The summary is being compiled: send it when the compilation has finished."))
    summary.state = SummaryState.SUBMITTED
    summary.save(update_fields=["state"])
    SummaryEvent.objects.create(summary=summary, action=SummaryAction.SUBMIT, comment=clean(comment), by=by, at=timezone.now())
    summary_submitted(summary, by)
    return summary


@transaction.atomic
def summary_return(*, summary: Summary, by: User, comment: str) -> Summary:
    """Leadership gives the draft back to the coordinator with a comment saying what to change."""
    comment = clean(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what should be changed: a returned summary needs a comment.")})
    summary = step_check(summary, by, SummaryAction.RETURN)
    summary.state = SummaryState.DRAFT
    summary.save(update_fields=["state"])
    SummaryEvent.objects.create(summary=summary, action=SummaryAction.RETURN, comment=comment, by=by, at=timezone.now())
    summary_no_longer_waiting(summary)
    return summary


def summary_issue(*, summary: Summary, number: str, by: User) -> Summary:
    """Issue the summary: its text and figures frozen together as they stand, its number and date given.

    Nothing is computed again: the document leadership read is the one issued (with its number and
    date), and the annex keeps its rows, with the number written into its note.
    """
    # the clerk's number is digits (an ASCII 125, not "abc" nor "125a"), written as the document writes it ("015" is 15,
    # so it meets the 15 already issued): issuing freezes it on the document for ever
    number = official_number(number)
    if not number:
        raise ValidationError(
            {
                "number": _("Give the document number the clerk assigned, e.g. 125 (without “/%(suffix)s”).")
                % {"suffix": settings.SUMMARY_NUMBER_SUFFIX}
            }
        )
    if summary.is_frozen:
        raise ValidationError(
            _("This summary was issued on %(day)s: it can no longer change.") % {"day": f"{timezone.localtime(summary.issued_at):%d/%m/%Y}"}
        )
    year = timezone.localdate().year
    taken = (
        Summary.objects.filter(state=SummaryState.ISSUED, number=number, issuer=settings.SUMMARY_ISSUER_NAME, issued_year=year)
        .exclude(pk=summary.pk)
        .select_related("plan", "period")
        .first()
    )
    if taken:
        raise ValidationError(
            {
                "number": _("Number %(number)s of %(year)d is already used by the summary of %(plan)s, %(period)s.")
                % {"number": taken.document_number, "year": year, "plan": taken.plan.symbol, "period": taken.period.label_in_sentence}
            }
        )
    try:
        with transaction.atomic():
            issued = _issue(summary, number, by)
            summary_no_longer_waiting(issued)
            summary_issued(issued, by)  # those who must know are told, once
            return issued
    except IntegrityError:  # issued at the same moment by someone else
        raise ValidationError({"number": _("This document number is already used by the issuer this year.")}) from None


def _issue(summary: Summary, number: str, by: User) -> Summary:
    summary = step_check(summary, by, SummaryAction.ISSUE)
    if not summary.compiled_at or summary.is_compiling or not summary.document:
        raise ValidationError(_("The summary is being compiled: issue it when the compilation has finished."))
    now = timezone.now()
    summary.state, summary.number, summary.issued_at, summary.issued_by = SummaryState.ISSUED, number, now, by
    summary.issuer, summary.issued_year = settings.SUMMARY_ISSUER_NAME, timezone.localtime(now).year
    texts = summary_texts(summary)
    document_write(summary, texts)
    if summary.annex:
        old = summary.annex.name
        with summary.annex.open("rb") as handle:
            content = annex_number_write(
                handle.read(), number=number, as_of=datetime.date.fromisoformat(summary.snapshot["period"]["last_day"])
            )
        summary.annex.save(old.rsplit("/", 1)[-1].split("-", 1)[-1], ContentFile(content), save=False)
        storage = summary.annex.storage
        transaction.on_commit(lambda: storage.delete(old))
    summary.pdf = ""
    summary.save()
    SummaryEvent.objects.create(summary=summary, action=SummaryAction.ISSUE, comment=number, by=by, at=now)
    if pdf_enabled():
        pdf_enqueue(summary)  # other systems are told once the issued PDF exists
    else:
        deliveries_create(summary=summary, event=WebhookEvent.ISSUED)
    return summary
