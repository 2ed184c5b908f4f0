from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from plans.services import roles_setup


class Command(BaseCommand):
    help = _("Create or refresh one group per role with its permissions.")

    def handle(self, *args, **options):
        for group in roles_setup().values():
            self.stdout.write(f"{group.name}: {group.permissions.count()}")
        self.stdout.write(self.style.SUCCESS(_("Role groups are up to date.")))
