from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the shared figures read of this app (the dashboard's indicators panel): a write computes them afresh.
READ_BY_FIGURES = ("Indicator", "IndicatorTarget", "IndicatorValue")


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from core.shared_figures import read_by_figures

        from . import policy  # noqa: F401 - registers the indicators' row rules with plans.policy

        read_by_figures(self, READ_BY_FIGURES)
