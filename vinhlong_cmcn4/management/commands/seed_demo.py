from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vinhlong_cmcn4.demo import demo_seed


class Command(BaseCommand):
    help = _("Load the demo data: agency registry, seed plans, one user per role and past reports.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("seed_demo only runs with DEBUG on: it creates accounts with a published password."))
        counts = demo_seed()
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
