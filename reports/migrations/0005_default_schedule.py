"""The default schedule of the periodic jobs (django-celery-beat), editable in the admin afterwards.

Times are Vietnam time. Existing rows with the same names are left as an administrator set them.
"""

from django.db import migrations

TIME_ZONE = "Asia/Ho_Chi_Minh"
DAILY = [
    ("Bảo trì số liệu hằng ngày", "reports.jobs.upkeep_job", "5", "0"),
    ("Tổng hợp báo cáo định kỳ sau ngày chốt số liệu", "reports.jobs.summaries_compile_due_job", "30", "1"),
    ("Nhắc báo cáo và nhiệm vụ quá hạn", "reports.jobs.reminders_send_job", "0", "7"),
]


def schedule_seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in DAILY:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIME_ZONE
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Gửi các việc chờ hàng đợi (outbox)", defaults={"task": "vinhlong_cmcn4.jobs.outbox_drain", "interval": every_minute}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_summaries_reminders_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_seed, migrations.RunPython.noop)]
