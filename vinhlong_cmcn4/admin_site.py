"""The admin site: opened by the roles ``policy.PAGES`` names for it, not by the ``is_staff`` flag alone."""

import functools

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from core.access import fetches_file
from plans import policy


class PortalAdminSite(AdminSite):
    site_header = _("Plan implementation portal — administration")
    site_title = _("Portal administration")
    index_title = _("Administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff and policy.may_open(request.user, policy.ADMIN_SITE)

    def admin_view(self, view, cacheable=False):
        """An anonymous request for one of the admin's files (an annex's export, the template) is answered 401,
        not the admin's sign-in page: a program fetching the file never takes the form for it."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated and fetches_file(request, view):
                from .middleware import sign_in_required

                return sign_in_required(request)
            return inner(request, *args, **kwargs)

        return guarded
