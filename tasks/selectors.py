"""Reads of tasks that encode rules: status, progress roll-ups, visibility."""

import datetime

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models import Plan
from vinhlong_cmcn4.search import search_filter

from .choices import AssignmentRole, TaskStatus
from .models import Task, TaskAssignment
from .status import status_expression


def task_list(*, tasks: QuerySet[Task], today: datetime.date | None = None, query: str = "") -> QuerySet[Task]:
    """Tasks with their derived ``status_code``, section, plan and agencies, in plan order.

    ``tasks`` is an already restricted queryset (``policy.restrict`` or ``policy.public``).
    """
    today = today or timezone.localdate()
    tasks = search_filter(tasks, query) if query else tasks
    return (
        tasks.select_related("plan", "section")
        .annotate(status_code=status_expression(today))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("agency").order_by("role", "agency__name"),
            )
        )
        .order_by("plan", "section__position", "position", "id")
    )


def status_counts(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> dict[str, int]:
    """How many of ``tasks`` are in each status, in one query."""
    today = today or timezone.localdate()
    rows = tasks.order_by().annotate(status_code=status_expression(today)).values("status_code").annotate(n=Count("id"))
    counts = {status.value: 0 for status in TaskStatus}
    counts.update({row["status_code"]: row["n"] for row in rows})
    return counts


def tasks_of_plans_q(plan_ids, prefix: str = "") -> Q:
    """The roll-up rule: a plan counts its own tasks and those of the plans that carry it out (``Plan.parent``).

    Every figure and list of a plan uses it (plan pages, the leadership's list by plan, the API); ``plan_ids``
    is a list of ids or a queryset of them; ``prefix`` reaches tasks from another model ("task__").
    """
    ids = list(plan_ids) if not isinstance(plan_ids, QuerySet) else plan_ids
    # The same rows as Q(plan_id__in=ids) | Q(plan__parent_id__in=ids), as one condition on the task's own plan
    # column: the list's query needs no join to plans for it.
    family = Plan.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values("pk")
    return Q(**{f"{prefix}plan_id__in": family})


def tasks_of_plan_q(plan, prefix: str = "") -> Q:
    """:func:`tasks_of_plans_q` for one plan given as a row, an id or an ``OuterRef`` (figures annotated on plans)."""
    return Q(**{f"{prefix}plan": plan}) | Q(**{f"{prefix}plan__parent": plan})


def plan_progress_subquery(outer: str = "pk") -> Subquery:
    """Mean progress of a plan's tasks and of the tasks of the plans that carry it out.

    The roll-up rule shown on every page: each task counts once, whatever its weight;
    a plan carried out through agencies' own plans takes their tasks' progress too.
    """
    tasks = (
        Task.objects.filter(tasks_of_plan_q(OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(mean=Avg("progress"))
        .values("mean")
    )
    return Subquery(tasks)


def plan_task_count_subquery(outer: str = "pk") -> Coalesce:
    tasks = (
        Task.objects.filter(tasks_of_plan_q(OuterRef(outer)))
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
