from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.services import AGENCIES_CSV, GROUPS_CSV, agency_registry_load


class Command(BaseCommand):
    help = _("Load or update the agency registry and groups from CSV files (all or nothing).")

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=Path, default=AGENCIES_CSV)
        parser.add_argument("--groups", type=Path, default=GROUPS_CSV)

    def handle(self, *args, **options):
        for path in (options["agencies"], options["groups"]):
            if not path.is_file():
                raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            counts = agency_registry_load(agencies_csv=options["agencies"], groups_csv=options["groups"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("Created %(created)d, updated %(updated)d rows.") % counts))
