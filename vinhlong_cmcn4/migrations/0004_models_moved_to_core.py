"""The outbox and job-run models now belong to the kernel app ``core`` (issue 24): only the state moves here;
the tables are ``core``'s from its 0001 on."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("vinhlong_cmcn4", "0003_job_run"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage"), migrations.DeleteModel(name="JobRun")],
            database_operations=[],
        ),
    ]
