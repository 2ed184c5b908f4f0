"""The outbox and job-run tables move from the project package to the kernel (issue 24).

The tables exist already (``vinhlong_cmcn4`` 0001 and 0003): this migration only takes them into the ``core``
app's state, and moves their content types, so permissions and admin history stay attached. ``0002`` then
renames the tables; both run backwards.
"""

from django.db import migrations, models

MODELS = ("outboxmessage", "jobrun")


def content_types_move(apps, schema_editor, *, source="vinhlong_cmcn4", target="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="core", target="vinhlong_cmcn4")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("vinhlong_cmcn4", "0003_job_run"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("job", models.CharField(max_length=200, verbose_name="job")),
                        ("args", models.JSONField(blank=True, default=list, verbose_name="arguments")),
                        ("kwargs", models.JSONField(blank=True, default=dict, verbose_name="keyword arguments")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                    ],
                    options={
                        "verbose_name": "queued job",
                        "verbose_name_plural": "queued jobs",
                        "ordering": ["id"],
                        "db_table": "vinhlong_cmcn4_outboxmessage",
                        "indexes": [
                            models.Index(condition=models.Q(("sent_at__isnull", True)), fields=["id"], name="outbox_pending_idx")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="JobRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255, unique=True, verbose_name="key")),
                        ("job", models.CharField(max_length=200, verbose_name="job")),
                        ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="claimed at")),
                        ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                    ],
                    options={
                        "verbose_name": "job run",
                        "verbose_name_plural": "job runs",
                        "ordering": ["-id"],
                        "db_table": "vinhlong_cmcn4_jobrun",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
