from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: text and search, lists and exports, the job outbox. It imports no domain app."""

    name = "core"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"
