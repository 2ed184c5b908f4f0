import os

from django.core.wsgi import get_wsgi_application

from vinhlong_cmcn4.collector import collector_tune

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhlong_cmcn4.settings")
application = get_wsgi_application()

# What is loaded at start-up lives as long as the worker: moved out of the collector's way, so a full
# collection looks only at what requests leave behind (over the whole heap it paused a list page for
# 100-150 ms; benchmarks/dashboard.py); and so is what survives each full collection since (the process
# caches filled by requests: vinhlong_cmcn4.collector).
collector_tune()
