"""The kernel's tables take the kernel's name (``core_outboxmessage``, ``core_jobrun``); rows are kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="outboxmessage", table=None),
        migrations.AlterModelTable(name="jobrun", table=None),
    ]
