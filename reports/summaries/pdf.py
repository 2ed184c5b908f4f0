"""The summary's Word document rendered as PDF by LibreOffice, so leadership reads it in the browser.

An issued summary's PDF is rendered once and never again: its bytes are what the signer signs and
what ``pdf_sha256`` names. Run in a job (LibreOffice takes seconds); only when ``settings.SUMMARY_PDF_SOFFICE`` names the
``soffice`` program. Each run uses a profile folder of its own, so two workers never share one.
"""

import hashlib
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from core.locking import locked

from ..choices import WebhookEvent
from ..models import Summary
from .delivery import deliveries_create

TIMEOUT_SECONDS = 120


def pdf_enabled() -> bool:
    return bool(settings.SUMMARY_PDF_SOFFICE)


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF LibreOffice (headless) makes of a .docx; ``RuntimeError`` when it makes none."""
    with tempfile.TemporaryDirectory(prefix="summary-pdf-") as folder:
        source = Path(folder) / "summary.docx"
        source.write_bytes(docx)
        command = [
            settings.SUMMARY_PDF_SOFFICE,
            f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(source),
        ]
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)  # noqa: S603 - our own arguments
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise RuntimeError(f"soffice made no PDF (exit {result.returncode}): {result.stderr.decode(errors='replace')[:500]}")
        return target.read_bytes()


def summary_pdf_render(*, summary_id: int) -> bool:
    """Render the summary's current document and store the PDF beside it; False when there is nothing to do.

    The document is read first and the PDF stored only if the document has not changed meanwhile
    (a compilation that finished during the rendering queues a rendering of its own).
    """
    summary = Summary.objects.filter(pk=summary_id).first()
    if summary is None or not summary.document or not pdf_enabled() or (summary.is_frozen and summary.pdf):
        return False
    name = summary.document.name
    with summary.document.open("rb") as handle:
        content = docx_to_pdf(handle.read())
    with transaction.atomic():
        summary = locked(Summary.objects).get(pk=summary_id)
        if summary.document.name != name or (summary.is_frozen and summary.pdf):
            return False  # an issued summary's PDF is made once: it is what gets signed
        old = summary.pdf.name if summary.pdf else ""
        if summary.is_frozen:
            summary.pdf_sha256 = hashlib.sha256(content).hexdigest()
            deliveries_create(summary=summary, event=WebhookEvent.ISSUED)  # other systems take the issued PDF
        stem = name.rsplit("/", 1)[-1].split("-", 1)[-1].rsplit(".", 1)[0]
        summary.pdf.save(f"{stem}.pdf", ContentFile(content), save=False)
        summary.save(update_fields=["pdf", "pdf_sha256"])
        if old:
            storage = summary.pdf.storage
            transaction.on_commit(lambda: storage.delete(old))
    return True
