import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.selectors import plan_by_symbol
from tasks.exporting import plan_tasks_json, plan_tasks_xlsx


class Command(BaseCommand):
    help = _("Export a plan's tasks as JSON or as an Excel annex that imports back unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help=_("The plan's number and symbol, e.g. 28/KH-UBND."))
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help=_("Where to write; standard output when omitted."))

    def handle(self, *args, **options):
        try:
            plan = plan_by_symbol(options["plan"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
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
