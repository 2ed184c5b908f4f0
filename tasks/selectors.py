"""Reads of tasks that encode rules: status, progress roll-ups, visibility."""

import datetime

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from vinhlong_cmcn4.search import search_filter

from .choices import AssignmentRole, TaskStatus
from .models import Task, TaskAssignment
from .status import status_expression


def task_list(*, tasks: QuerySet[Task], today: datetime.date | None = None, query: str = "", machine: bool = False) -> QuerySet[Task]:
    """Tasks with their derived ``status_code``, section, plan and agencies, in plan order.

    ``tasks`` is an already restricted queryset (``policy.restrict`` or ``policy.public``). With
    ``machine`` (the API, which gives the plan's id and the agencies' codes): no plan rows, and of the
    agencies and tasks only what ``tasks.columns.PUBLIC_TASKS`` reads, so a page builds fewer objects.
    """
    today = today or timezone.localdate()
    tasks = search_filter(tasks, query) if query else tasks
    assignments = TaskAssignment.objects.select_related("agency").order_by("role", "agency__name")
    if machine:
        tasks = tasks.select_related("section").defer("search_text", "section__search_text")
        assignments = assignments.only("task_id", "role", "agency__code", "agency__name")
    else:
        tasks = tasks.select_related("plan", "section")
    return (
        tasks.annotate(status_code=status_expression(today))
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("plan", "section__position", "position", "id")
    )


def status_counts(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> dict[str, int]:
    """How many of ``tasks`` are in each status, in one query."""
    today = today or timezone.localdate()
    rows = tasks.order_by().annotate(status_code=status_expression(today)).values("status_code").annotate(n=Count("id"))
    counts = {status.value: 0 for status in TaskStatus}
    counts.update({row["status_code"]: row["n"] for row in rows})
    return counts


def plan_progress_subquery(outer: str = "pk") -> Subquery:
    """Mean progress of a plan's tasks and of the tasks of the plans that carry it out.

    The roll-up rule shown on every page: each task counts once, whatever its weight;
    a plan carried out through agencies' own plans takes their tasks' progress too.
    """
    tasks = (
        Task.objects.filter(Q(plan=OuterRef(outer)) | Q(plan__parent=OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(mean=Avg("progress"))
        .values("mean")
    )
    return Subquery(tasks)


def plan_task_count_subquery(outer: str = "pk") -> Coalesce:
    tasks = (
        Task.objects.filter(Q(plan=OuterRef(outer)) | Q(plan__parent=OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(tasks), 0)


def lead_agencies(task: Task) -> list:
    """Lead agencies of a task whose assignments were prefetched by :func:`task_list`."""
    return [a.agency for a in task.assignments.all() if a.role == AssignmentRole.LEAD]


def cooperating_agencies(task: Task) -> list:
    return [a.agency for a in task.assignments.all() if a.role == AssignmentRole.COOPERATING]
