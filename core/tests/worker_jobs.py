"""Jobs for tests that run a real Celery worker (started with ``-I core.tests.worker_jobs``).

A plain Celery task, not a ``OnceTask``: the file it writes counts every run the worker makes, so a
message delivered twice shows as two lines instead of being absorbed by the job's key.
"""

import time
from pathlib import Path

from celery import Task, shared_task


@shared_task(base=Task, acks_late=True, ignore_result=True)
def marked_run(path: str, seconds: float) -> None:
    """Write 'start', wait ``seconds``, write 'done': a job a test can catch while it runs."""
    with Path(path).open("a") as marks:
        marks.write("start\n")
    time.sleep(seconds)
    with Path(path).open("a") as marks:
        marks.write("done\n")
