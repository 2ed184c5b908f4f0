from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .middleware import refusal


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise: for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request, exception):
    """404: the portal's page, or under /api/ the API's JSON refusal naming the address asked and where the API's are (a
    program asking for a version the API does not have, or a step it does not know, is told in the API's shape)."""
    if request.path.startswith("/api/"):
        message = _("The API has no address %(path)s: its addresses begin with /api/v1/ (listed at /api/docs/).") % {"path": request.path}
        return refusal(request, 404, "not_found", message)
    return defaults.page_not_found(request, exception)
