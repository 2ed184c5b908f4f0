from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "vinhlong_cmcn4"
    verbose_name = _("Portal")

    def ready(self):
        from . import clients  # noqa: F401 - connects the count of failed logins per address
