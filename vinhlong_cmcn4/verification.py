"""/xac-thuc/: anyone uploads a PDF and learns whether it is a document the portal issued, and which.

The file is read in memory, its SHA-256 compared with those of the issued PDFs and signed copies,
and forgotten: nothing uploaded is kept. Throttled per client address (``VERIFY_RATE``); files above
``SUMMARY_SIGNED_MAX_BYTES`` are refused. In the project package because it asks ``clients`` (who the
client is, how often it may try) as the login lock and the API's throttles do.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from plans import policy
from reports.models import Summary
from reports.summaries.record import issued_by_fingerprint

from .clients import rate_allows


@login_not_required
def verify_page(request):
    context: dict = {"max_mb": settings.SUMMARY_SIGNED_MAX_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if not rate_allows(request, scope="verify", rate=settings.VERIFY_RATE):
            context["error"], status = _("Too many checks from your address: wait a minute and try again."), 429
        elif upload is None:
            context["error"], status = _("Choose a PDF file to check."), 400
        elif upload.size > settings.SUMMARY_SIGNED_MAX_BYTES:
            context["error"], status = _("The file is larger than %(mb)d MB.") % {"mb": context["max_mb"]}, 413
        else:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            summary, signed = issued_by_fingerprint(digest.hexdigest())
            context.update(
                checked=True,
                name=upload.name,
                fingerprint=digest.hexdigest(),
                summary=summary,
                signed=signed,
                readable=bool(summary and policy.restrict(Summary.objects.filter(pk=summary.pk), request.user).exists()),
            )
    return render(request, "reports/verify.html", context, status=status)
