from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "vinhlong_cmcn4"
    verbose_name = _("Portal")

    def ready(self):
        from . import clients  # noqa: F401 - connects the count of failed logins per address


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (``admin_site.PortalAdminSite``)."""

    default = False
    default_site = "vinhlong_cmcn4.admin_site.PortalAdminSite"
