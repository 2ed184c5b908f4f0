from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.exports import export_ready
        from tasks.kept import keeper_register

        from . import policy  # noqa: F401 - registers the reports' row rules with plans.policy
        from .figures import SENT_KEEPER, report_signals_connect
        from .handoffs import export_finished
        from .services import withdrawal  # noqa: F401 - connects the guard that keeps sent reports from deletion

        keeper_register(SENT_KEEPER)  # the sent reports' counts are kept with the lead parts they are sent on
        report_signals_connect()  # … and move with every report that starts or stops counting as sent
        export_ready.connect(export_finished, dispatch_uid="reports.export_finished")
