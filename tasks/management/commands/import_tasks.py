import contextlib
import datetime
import json
import re
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.choices import PlanState
from plans.models import Plan
from plans.selectors import plans_by_symbol
from tasks.importing.errors import AnnexRejected
from tasks.importing.reader import read_bytes
from tasks.importing.service import annex_import, annex_title, annex_title_lines


class Command(BaseCommand):
    help = _("Import a plan's task list from its Excel annex (all rows or none).")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help=_("The annex, an .xlsx file."))
        parser.add_argument("--plan", required=True, help=_("The plan's number and symbol, e.g. 28/KH-UBND."))
        parser.add_argument("--create", action="store_true", help=_("Create a draft plan with this symbol if there is none."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and report what would change, writing nothing."))
        parser.add_argument("--json", action="store_true", help=_("Print one JSON object instead of text."))

    def handle(self, *args, **options):
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path}, returncode=2)
        data = path.read_bytes()
        with transaction.atomic():
            plan = self._plan(options["plan"], options["create"], data)
            show_progress = not options["json"] and sys.stderr.isatty()
            outcome = annex_import(plan=plan, upload=data, dry_run=options["dry_run"], progress=self._progress if show_progress else None)
            if not outcome.ok or options["dry_run"]:
                transaction.set_rollback(True)  # a plan made by --create goes too
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, default=str))
        else:
            self._report(outcome, plan)
        if not outcome.ok:
            raise CommandError(_("The file was rejected: nothing was written."), returncode=1) if not options["json"] else SystemExit(1)

    def _plan(self, symbol: str, create: bool, data: bytes) -> Plan:
        plans = plans_by_symbol(symbol)
        if len(plans) == 1:
            return plans[0]
        if len(plans) > 1:
            raise CommandError(
                _("Several plans have the symbol %(symbol)s: %(plans)s.") % {"symbol": symbol, "plans": "; ".join(map(str, plans))},
                returncode=2,
            )
        if not create:
            raise CommandError(
                _("No plan has the symbol %(symbol)s: check it, or add --create to make a draft plan.") % {"symbol": symbol}, returncode=2
            )
        title_lines: list[str] = []
        with contextlib.suppress(AnnexRejected):  # the import itself then reports why the file is refused
            title_lines = annex_title_lines(read_bytes(data))
        issued_on = _date_in(" ".join(title_lines)) or timezone.localdate()
        plan = Plan(
            symbol=symbol.strip(),
            issuer=settings.PORTAL_OWNER,
            issued_on=issued_on,
            starts_on=issued_on,
            title=annex_title(title_lines) or _("Plan %(symbol)s") % {"symbol": symbol},
            state=PlanState.DRAFT,
        )
        plan.full_clean()
        plan.save()
        return plan

    def _progress(self, stage: str, done: int, total: int) -> None:
        label = _("Reading") if stage == "read" else _("Writing")
        suffix = f"{done}/{total}" if total else str(done)
        sys.stderr.write(f"\r{label}: {suffix}   ")
        sys.stderr.flush()

    def _report(self, outcome, plan: Plan) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if outcome.errors:
            self.stderr.write(_("%(count)d errors; nothing was written:") % {"count": len(outcome.errors)})
            for error in outcome.errors:
                self.stderr.write(f"  - {error}")
            return
        prefix = _("Dry run, nothing written. ") if outcome.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _("Plan %(plan)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "plan": plan.symbol,
                    "created": outcome.summary.created,
                    "updated": outcome.summary.updated,
                    "unchanged": outcome.summary.unchanged,
                }
            )
        )
        if outcome.summary.missing:
            self.stdout.write(
                _("Tasks in the plan but not in the file (kept): %(numbers)s") % {"numbers": ", ".join(outcome.summary.missing)}
            )


def _date_in(text: str) -> datetime.date | None:
    match = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if not match:
        return None
    try:
        return datetime.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
