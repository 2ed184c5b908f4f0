"""The document of record: the signed copy received and verified, and finding an issued document by its file.

The issued PDF is made once (``pdf.py``, its SHA-256 in ``pdf_sha256``); the signed copy must be
that PDF with signatures added after it (``signing.py``). Once received it is the document of record
(``Summary.record``), read by those who may read the summary, by anyone when the plan is public.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import User

from .. import policy as reports_policy
from .. import summary_workflow as workflow
from ..certificates import read_certificate
from ..choices import SummaryAction, SummaryState, WebhookEvent
from ..models import Summary, SummaryEvent, TrustRoot
from .delivery import deliveries_create
from .drafting import step_check


def trusted_roots() -> list:
    """The active trust roots the administrator configured, as certificates."""
    return [read_certificate(root.certificate) for root in TrustRoot.objects.filter(active=True).order_by("pk")]


def summary_signed_receive(*, summary: Summary, content: bytes, by: User) -> Summary:
    """Receive the signed copy of an issued summary: verified, then kept as the document of record.

    ``ValidationError`` lists every reason for refusal (Vietnamese); nothing is written then.
    """
    if len(content) > settings.SUMMARY_SIGNED_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": settings.SUMMARY_SIGNED_MAX_BYTES // (1024 * 1024)}}
        )
    if workflow.SIGN not in reports_policy.summary_actions(by, summary):
        with transaction.atomic():
            step_check(summary, by, workflow.SIGN)  # raises the right refusal (not allowed, or not now)
    if not summary.pdf or not summary.pdf_sha256 or summary.issued_at is None:
        raise ValidationError(_("The issued PDF has not been made yet: sign it once it is offered on this page."))
    with summary.pdf.open("rb") as handle:
        issued = handle.read()
    if hashlib.sha256(issued).hexdigest() != summary.pdf_sha256:
        raise ValidationError(_("The stored issued PDF does not match its recorded fingerprint: ask an administrator."))
    # pyHanko takes over half a second to import: loaded when a signed copy arrives, not by every process at start.
    from .signing import SignatureRefused, verify_signed_copy

    try:
        signatures = verify_signed_copy(content=content, issued=issued, roots=trusted_roots(), issued_at=summary.issued_at)
    except SignatureRefused as refusal:
        raise ValidationError({"file": refusal.messages}) from None
    with transaction.atomic():
        summary = step_check(summary, by, workflow.SIGN)
        now = timezone.now()
        name = summary.pdf.name.rsplit("/", 1)[-1].split("-", 1)[-1].rsplit(".", 1)[0]
        summary.signed_pdf.save(f"{name}-da-ky.pdf", ContentFile(content), save=False)
        summary.signed_sha256 = hashlib.sha256(content).hexdigest()
        summary.signatures = [signature.as_json() for signature in signatures]
        summary.signed_received_at, summary.signed_received_by = now, by
        summary.save()
        people = "; ".join(f"{s.signer} ({s.organisation})" if s.organisation else s.signer for s in signatures)
        SummaryEvent.objects.create(summary=summary, action=SummaryAction.SIGN, comment=people, by=by, at=now)
        deliveries_create(summary=summary, event=WebhookEvent.SIGNED)
    return summary


def issued_by_fingerprint(sha256: str) -> tuple[Summary | None, bool]:
    """The issued summary whose issued PDF or signed copy has this SHA-256, and whether it is the signed copy."""
    summary = (
        Summary.objects.filter(Q(pdf_sha256=sha256) | Q(signed_sha256=sha256), state=SummaryState.ISSUED)
        .select_related("plan", "period")
        .first()
    )
    return summary, bool(summary and summary.signed_sha256 == sha256)
