from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.selectors import plan_by_symbol
from reports.summaries.service import summary_compile, summary_period


class Command(BaseCommand):
    help = _("Compile a plan's summary for a past reporting period (Word document and Excel annex).")

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help=_("The plan's number and symbol, e.g. 28/KH-UBND."))
        parser.add_argument("--period", required=True, help=_("The period: 2018-M03, 2018-Q4, 2018-H1, 2018-9M or 2018-Y."))
        parser.add_argument("--output-dir", type=Path, help=_("Also copy the document and the annex into this folder."))

    def handle(self, *args, **options):
        try:
            plan = plan_by_symbol(options["plan"])
            period = summary_period(plan=plan, code=options["period"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        summary = summary_compile(plan=plan, period=period)
        totals = summary.snapshot["totals"]
        state = _("issued earlier, left unchanged") if summary.is_frozen else _("draft")
        self.stdout.write(
            _("Summary of %(plan)s for %(period)s (%(state)s): %(tasks)d tasks, mean progress %(progress)s%%, %(missing)d reports missing.")
            % {
                "plan": plan.symbol,
                "period": period.label,
                "state": state,
                "tasks": totals["tasks"],
                "progress": totals["progress"] if totals["progress"] is not None else 0,
                "missing": summary.snapshot["reports"]["missing"],
            }
        )
        for field in (summary.document, summary.annex):
            if options["output_dir"]:
                options["output_dir"].mkdir(parents=True, exist_ok=True)
                target = options["output_dir"] / Path(field.name).name.split("-", 1)[-1]  # without the storage's random prefix
                with field.open("rb") as source:
                    target.write_bytes(source.read())
                self.stdout.write(str(target))
            else:
                self.stdout.write(field.name)  # the name in the storage: on S3 there is no local path
