"""The shared cache table (production without Redis) and the worker heartbeat in the beat schedule.

``portal_cache`` is the table ``createcachetable`` would make; it is created here so that no server ever
falls back to a cache in process memory. The heartbeat job runs every minute: /health/ reads when a worker
last ran it.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "portal_cache"


def cache_table_create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def cache_table_drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


def heartbeat_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Nhịp tim của worker (giám sát)", defaults={"task": "vinhlong_cmcn4.jobs.heartbeat", "interval": every_minute}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("vinhlong_cmcn4", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(cache_table_create, cache_table_drop),
        migrations.RunPython(heartbeat_schedule, migrations.RunPython.noop),
    ]
