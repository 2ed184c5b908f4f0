"""``manage.py restore ARCHIVE``: into an empty database and empty storage (see vinhlong_cmcn4.backup)."""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vinhlong_cmcn4.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup into the configured (empty) database and storage, checking every checksum."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--check-only", action="store_true", help="only check the archive's checksums; change nothing")
        parser.add_argument("--force", action="store_true", help="replace what the database and storage already hold")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            if options["check_only"]:
                manifest = backup_verify(options["archive"])
                self.stdout.write(
                    _("The archive is intact: %(tables)d tables, %(files)d files, made %(at)s.")
                    % {"tables": len(manifest["tables"]), "files": len(manifest["files"]), "at": _local(manifest["created_at"])}
                )
                return
            manifest = backup_restore(path=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(rows)d rows in %(tables)d tables and %(files)d files in %(seconds).1f s; every count and checksum matches.")
            % {
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "files": len(manifest["files"]),
                "seconds": time.monotonic() - started,
            }
        )
        self.stdout.write(
            _("Next: python manage.py migrate (if this version of the portal is newer than the backup), then start the services.")
        )


def _local(stamp: str) -> str:
    """The archive's time (ISO, UTC) as people read it in a Vietnamese sentence: "02:30 ngày 06/12/2026" (local time)."""
    at = timezone.localtime(datetime.datetime.fromisoformat(stamp))
    return _("%(time)s on %(day)s") % {"time": f"{at:%H:%M}", "day": f"{at:%d/%m/%Y}"}
