from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the shared figures read of this app (the dashboard's indicators panel): a write computes them afresh.
READ_BY_FIGURES = ("Indicator", "IndicatorTarget", "IndicatorValue", "IndicatorHandover")


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from core.shared_figures import read_by_figures
        from tasks.importing.parts import annex_part_register

        from . import policy  # noqa: F401 - registers the indicators' row rules with plans.policy
        from .annex import IndicatorsPart

        read_by_figures(self, READ_BY_FIGURES)
        annex_part_register(IndicatorsPart())  # the annex import reads, and its export writes, the plan's indicators
