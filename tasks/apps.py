from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the shared figures and lists read of this app: a write to one of them computes them afresh.
READ_BY_FIGURES = ("Task", "TaskAssignment", "Extension")


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from core.shared_figures import read_by_figures
        from plans.workdays import calendar_edited

        from . import kept, policy  # noqa: F401 - registers the tasks' row rules with plans.policy
        from .selectors import assignment_moved, extension_moved, task_moved
        from .services import _calendar_edited

        # plans cannot call tasks (apps depend downwards): a calendar edit reaches the stored due dates this way.
        calendar_edited.connect(_calendar_edited, dispatch_uid="tasks_due_dates")
        moved = {"Task": task_moved, "TaskAssignment": assignment_moved, "Extension": extension_moved}
        read_by_figures(self, READ_BY_FIGURES, moved)
        kept.connect()  # the kept counts of lead parts follow every save or delete of tasks and assignments
