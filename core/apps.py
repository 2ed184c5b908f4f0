from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: text and search, lists and exports, the job outbox. It imports no domain app."""

    name = "core"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .release import release

        # The code's name is taken when the process starts, from the files it loaded: taken at the first figure kept,
        # a process still running the code of before a deployment would name its pages with the new code's name,
        # and the new processes would serve them.
        release()
