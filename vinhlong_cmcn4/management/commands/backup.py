"""``manage.py backup``: the database and every stored file in one archive (see vinhlong_cmcn4.backup)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from vinhlong_cmcn4.backup import BackupError, backup_create, backup_name, backups_prune


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and every stored file into one archive with checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="archive file or folder (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=0, help="then delete all but the N newest archives of that folder")

    def handle(self, *args, **options):
        output = options["output"] or Path(settings.BACKUP_DIR)
        if output.is_dir() or not output.suffix:
            output = output / backup_name()
        started = time.monotonic()
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _("Backup written: %(path)s (%(size)s; %(tables)d tables, %(rows)d rows, %(files)d files) in %(seconds).1f s.")
            % {
                "path": output,
                "size": filesizeformat(output.stat().st_size),
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": len(manifest["files"]),
                "seconds": time.monotonic() - started,
            }
        )
        if options["keep"] > 0:
            for old in backups_prune(output.parent, options["keep"]):
                self.stdout.write(_("Old backup deleted: %(path)s") % {"path": old})
