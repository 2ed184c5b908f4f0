"""The daily upkeep: bring every stored figure back in line with the data, so that the pages
tell the truth at midnight whatever was written outside the workflow during the day.

Statuses are never stored (they are derived from today's date on every read); what is stored,
and refreshed here: each task's progress and completion date, the dashboard's trend points, each
task's place in the lists (tasks.ordering), and the rows of the periods now due. Old read notices are cleared.
"""

import datetime

from django.utils import timezone

from plans.choices import PlanState
from plans.models import Plan
from tasks.services import tasks_order_refresh

from .figures import trend_points_rebuild
from .models import Notice
from .periods import main_kind, period_due
from .services import reporting_period_get_or_create, tasks_progress_refresh

NOTICES_KEPT = datetime.timedelta(days=180)


def upkeep_run(*, today: datetime.date) -> dict[str, int]:
    """Run every step; returns how many rows each one changed."""
    plans = list(Plan.objects.filter(state=PlanState.IN_FORCE))
    for plan in plans:
        reporting_period_get_or_create(period=period_due(today, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day))
    deleted, _detail = Notice.objects.filter(read_at__lt=timezone.now() - NOTICES_KEPT).delete()
    return {
        "tasks": tasks_progress_refresh(plan_ids=[plan.pk for plan in plans]),
        "trend_points": trend_points_rebuild(),
        "task_places": tasks_order_refresh(),
        "notices_cleared": deleted,
    }
