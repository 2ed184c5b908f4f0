"""Celery application. Tasks live in each app's ``jobs.py``.

Without ``REDIS_URL`` the settings make Celery run tasks eagerly, so a checkout works with no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")

app = Celery("vinhlong_cmcn4")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
