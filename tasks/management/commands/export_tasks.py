import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.selectors import plans_by_symbol
from tasks.exporting import plan_tasks_json, plan_tasks_xlsx


class Command(BaseCommand):
    help = _("Export a plan's tasks as JSON or as an Excel annex that imports back unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help=_("The plan's number and symbol, e.g. 28/KH-UBND."))
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help=_("Where to write; standard output when omitted."))

    def handle(self, *args, **options):
        plans = plans_by_symbol(options["plan"])
        if len(plans) != 1:
            message = _("No plan has the symbol %(symbol)s.") if not plans else _("Several plans have the symbol %(symbol)s.")
            raise CommandError(message % {"symbol": options["plan"]}, returncode=2)
        plan = plans[0]
        if options["format"] == "json":
            text = json.dumps(plan_tasks_json(plan), ensure_ascii=False, indent=2)
            if options["output"]:
                options["output"].write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if options["output"]:
            plan_tasks_xlsx(plan, options["output"])
        else:
            plan_tasks_xlsx(plan, sys.stdout.buffer)
