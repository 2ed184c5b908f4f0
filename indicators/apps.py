from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the shared figures read of this app (the dashboard's indicators panel): a write computes them afresh.
READ_BY_FIGURES = ("Indicator", "IndicatorTarget", "IndicatorValue")


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from vinhlong_cmcn4.shared_figures import read_by_figures

        from .policy import register

        read_by_figures(self, READ_BY_FIGURES)
        register()
