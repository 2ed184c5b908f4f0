from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from plans.workdays import calendar_edited

        from .services import _calendar_edited

        # plans cannot call tasks (apps depend downwards): a calendar edit reaches the stored due dates this way.
        calendar_edited.connect(_calendar_edited, dispatch_uid="tasks_due_dates")
