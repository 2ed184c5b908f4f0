"""Read each plan's figures from the seven places that show them and print them side by side; exit 1 on any disagreement."""

import json

from django.core.management.base import BaseCommand, CommandError

from vinhlong_cmcn4.side_by_side import PLACES, disagreements, figures_side_by_side

COLUMNS = ("tasks", "done_on_time", "done_late", "in_progress", "overdue", "ongoing", "progress", "on_time_rate")


class Command(BaseCommand):
    help = (
        "Counts by status, progress and on-time rate of each plan as the dashboard, the public page, the API, the open data, "
        "the list's Excel export and the summary's annex and body give them (the summary compiled up to today and not kept). "
        "Exits 1 when two places disagree."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", action="append", required=True, help="a plan's number and symbol, e.g. 28/KH-UBND (repeat)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        try:
            read = figures_side_by_side(options["plan"])
        except Exception as error:  # a plan not found, a place that failed: say which
            raise CommandError(str(error)) from error
        found = {symbol: disagreements(places) for symbol, places in read.items()}
        if options["json"]:
            out = {
                symbol: {
                    "places": {name: (figures.as_dict() if figures else None) for name, figures in places.items()},
                    "disagreements": found[symbol],
                }
                for symbol, places in read.items()
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for symbol, places in read.items():
                self.stdout.write(f"\n{symbol}")
                self.stdout.write(f"{'':15}" + "".join(f"{c:>14}" for c in COLUMNS))
                for name in PLACES:
                    figures = places.get(name)
                    if figures is None:
                        self.stdout.write(f"{name:15}{'(does not show this plan)':>30}")
                        continue
                    row = figures.as_dict()
                    self.stdout.write(f"{name:15}" + "".join(f"{'—' if row[c] is None else row[c]!s:>14}" for c in COLUMNS))
                self.stdout.write("agree" if not found[symbol] else "DISAGREE: " + "; ".join(found[symbol]))
        if any(found.values()):
            raise SystemExit(1)
