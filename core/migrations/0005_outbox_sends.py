from django.db import migrations, models
from django.db.models import F


def sends_of_sent_rows(apps, schema_editor):
    """A row sent before the count existed: its attempts, the most copies that can have left (refused tries among them)."""
    apps.get_model("core", "OutboxMessage").objects.filter(sent_at__isnull=False).update(sends=F("attempts"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_export_job_whole_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="sends",
            field=models.PositiveIntegerField(default=0, verbose_name="sends"),
        ),
        migrations.RunPython(sends_of_sent_rows, migrations.RunPython.noop),
    ]
