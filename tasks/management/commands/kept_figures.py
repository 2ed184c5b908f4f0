from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tasks.kept import lead_parts_drift, lead_parts_rebuild


class Command(BaseCommand):
    help = _("Compare the dashboard's kept counts with the counts recomputed from the tasks and assignments, and rebuild them.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help=_("Only report the counts that differ; exit with status 1 when any do."))

    def handle(self, *args, **options):
        if options["check"]:
            drift = lead_parts_drift()
            for key, (kept, counted) in sorted(drift.items(), key=str):
                self.stdout.write(
                    _("%(key)s: kept %(kept)s, recomputed %(counted)s.")
                    % {"key": ", ".join(str(value) for value in key), "kept": kept, "counted": counted}
                )
            if drift:
                raise CommandError(_("%(count)d kept counts differ from the recomputed ones.") % {"count": len(drift)}, returncode=1)
            self.stdout.write(_("The kept counts equal the recomputed ones."))
            return
        drifted = lead_parts_rebuild()
        self.stdout.write(_("Kept counts rebuilt: %(count)d had drifted from the recomputed ones.") % {"count": drifted})
