from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.services import AGENCIES_CSV, COMMUNES_CSV, GROUPS_CSV, agency_registry_load


class Command(BaseCommand):
    help = _("Load or update the agency registry and groups from CSV files (all or nothing).")

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=Path, default=AGENCIES_CSV)
        parser.add_argument("--groups", type=Path, default=GROUPS_CSV)
        parser.add_argument("--communes", type=Path, default=COMMUNES_CSV, help=_("Today's commune and ward committees."))

    def handle(self, *args, **options):
        for path in (options["agencies"], options["groups"], options["communes"]):
            if not path.is_file():
                raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            counts = agency_registry_load(agencies_csv=options["agencies"], groups_csv=options["groups"], communes_csv=options["communes"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("Created %(created)d, updated %(updated)d rows.") % counts))
