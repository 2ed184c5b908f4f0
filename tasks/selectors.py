"""Reads of tasks that encode rules: status, progress roll-ups, visibility."""

import datetime

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.search import phrase_q, search_filter, search_rank
from plans.models import Plan

from .choices import AssignmentRole, TaskStatus
from .models import Task, TaskAssignment
from .status import status_expression


def task_list(*, tasks: QuerySet[Task], today: datetime.date | None = None, query: str = "", machine: bool = False) -> QuerySet[Task]:
    """Tasks with their derived ``status_code``, section, plan and agencies, in plan order.

    ``tasks`` is an already restricted queryset (``policy.restrict`` or ``policy.public``). With
    ``machine`` (the API, which gives the plan's id and symbol and the agencies' codes): of the plans,
    agencies and tasks only what ``tasks.columns.PUBLIC_TASKS`` reads, so a page builds fewer objects.
    """
    today = today or timezone.localdate()
    # Found by the query's syllables, the tasks holding its whole phrase first.
    tasks = search_filter(tasks, query, ranked=False).alias(search_rank=search_rank(query)) if query else tasks
    assignments = TaskAssignment.objects.select_related("agency").order_by("role", "agency__name")
    if machine:
        # The plan's symbol, not its long texts.
        tasks = tasks.select_related("plan", "section").defer(
            "search_text", "section__search_text", "plan__search_text", "plan__title", "plan__purpose"
        )
        assignments = assignments.only("task_id", "role", "agency__code", "agency__name")
    else:
        # Not the search index nor the plan's long texts: a page of a hundred rows builds lighter objects.
        tasks = tasks.select_related("plan", "section").defer("search_text", "section__search_text", "plan__search_text", "plan__purpose")
        assignments = assignments.defer("agency__search_text")
    return (
        tasks.annotate(status_code=status_expression(today))
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by(
            *(["search_rank"] if query else []), "order_key", "id"
        )  # plan, section position, task position (tasks.ordering): a range of an index, not a sort
    )


def task_search(*, tasks: QuerySet[Task], query: str, limit: int) -> list[Task]:
    """The first ``limit`` of ``tasks`` found by ``query`` as :func:`task_list` orders them (the whole phrase first).

    Two reads, each in plan order and stopping at ``limit``: the tasks holding the phrase, then the others.
    One sorted read would rank every task found before keeping ``limit``: all 50,000 when a phrase is common.
    """
    found = task_list(tasks=tasks, query=query).order_by("order_key", "id")
    phrase = phrase_q(query)
    if phrase is None:
        return list(found[:limit])
    first = list(found.filter(phrase)[:limit])
    return first + (list(found.exclude(phrase)[: limit - len(first)]) if len(first) < limit else [])


def status_counts(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> dict[str, int]:
    """How many of ``tasks`` are in each status, in one query."""
    today = today or timezone.localdate()
    rows = tasks.order_by().annotate(status_code=status_expression(today)).values("status_code").annotate(n=Count("id"))
    counts = {status.value: 0 for status in TaskStatus}
    counts.update({row["status_code"]: row["n"] for row in rows})
    return counts


def plan_families(plan_ids, plans) -> dict[int, set[int]]:
    """Each of ``plan_ids`` with the plans that carry it out, among ``plans`` (rows with ``pk`` and ``parent_id``).

    The roll-up rule of every figure shown for a plan (its progress, status counts, lists): a plan
    carried out through agencies' own plans (``Plan.parent``) counts their tasks too; one level,
    as a child plan's own children report to it, not to its parent. A task belongs to one plan,
    so each task counts once for a plan; sum over ``set().union(*families.values())`` for totals
    across plans, never over the families (a parent and its child would count the child's tasks twice).
    """
    families = {plan_id: {plan_id} for plan_id in plan_ids}
    for plan in plans:
        if plan.parent_id in families:
            families[plan.parent_id].add(plan.pk)
    return families


def plan_family_ids(plan_ids) -> dict[int, set[int]]:
    """:func:`plan_families` of these plans, their children read in one query: ``{plan_id: {plan_id, child ids…}}``."""
    plan_ids = list(plan_ids)
    return plan_families(plan_ids, Plan.objects.filter(parent_id__in=plan_ids).only("pk", "parent_id"))


def tasks_of_plans_q(plan_ids, prefix: str = "") -> Q:
    """On ``Task`` (or through ``prefix``, e.g. ``"task__"``): the tasks of these plans and of the plans carrying them out.

    The condition form of :func:`plan_family_ids`; ``plan_ids`` is a list, a ``values("pk")`` queryset
    of plans, or an ``OuterRef`` of one plan.
    """
    if isinstance(plan_ids, OuterRef):
        # The family's plan ids first (a few rows), so the tasks are read through their plan's index.
        family = Plan.objects.filter(Q(pk=OuterRef(plan_ids)) | Q(parent_id=OuterRef(plan_ids))).values("pk")
        return Q(**{f"{prefix}plan_id__in": family})
    plan_ids = plan_ids if isinstance(plan_ids, QuerySet) else list(plan_ids)
    return Q(**{f"{prefix}plan_id__in": plan_ids}) | Q(**{f"{prefix}plan_id__in": Plan.objects.filter(parent_id__in=plan_ids).values("pk")})


def plan_progress_subquery(outer: str = "pk") -> Subquery:
    """Mean progress of a plan's tasks and of the tasks of the plans that carry it out (:func:`tasks_of_plans_q`).

    The roll-up rule shown on every page: each task counts once, whatever its weight;
    a plan carried out through agencies' own plans takes their tasks' progress too.
    """
    tasks = (
        Task.objects.filter(tasks_of_plans_q(OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(mean=Avg("progress"))
        .values("mean")
    )
    return Subquery(tasks)


def plan_task_count_subquery(outer: str = "pk") -> Coalesce:
    tasks = (
        Task.objects.filter(tasks_of_plans_q(OuterRef(outer)))
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
