from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the shared figures and lists read of this app: a write to one of them computes them afresh.
READ_BY_FIGURES = ("Directive", "Plan", "Section", "Agency", "AgencyGroup", "AgencyMembership", "AgencyLineage", "CalendarDay")


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and agencies")

    def ready(self) -> None:
        from core.shared_figures import read_by_figures

        from . import policy  # noqa: F401 - the access rules' mechanism and the plans' rules

        read_by_figures(self, READ_BY_FIGURES)
