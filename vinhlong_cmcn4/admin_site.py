"""The admin site: opened by the roles ``policy.PAGES`` names for it, not by the ``is_staff`` flag alone."""

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from plans import policy


class PortalAdminSite(AdminSite):
    site_header = _("Plan implementation portal — administration")
    site_title = _("Portal administration")
    index_title = _("Administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff and policy.may_open(request.user, policy.ADMIN_SITE)
