"""Reads of plans that encode rules: what is public, and how far each plan has come."""

import datetime

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from core.shared_figures import figures_cached
from plans import policy
from plans.models import Directive, Plan, Section

from ..models import Task, TaskCount
from ..selectors import family_figures_kept, status_counts_kept, tasks_of_plans_q


def plan_list_public() -> QuerySet[Plan]:
    """Published plans, newest first (their figures: :func:`with_public_figures`)."""
    return (
        policy.public(Plan.objects.all())
        .select_related("parent", "issuing_agency")
        .prefetch_related(Prefetch("directives", queryset=Directive.objects.order_by("issued_on")))
        .order_by("-issued_on", "symbol")
    )


def _public_plans_progress() -> dict[int, tuple]:
    """Every published plan's overall progress and task count (the roll-up rule, from the kept task counts),
    kept in the shared cache until the figures change: ``{plan id: (progress, tasks)}``."""

    def compute() -> dict[int, tuple]:
        return family_figures_kept(policy.public(Plan.objects.all()))

    return figures_cached("public-plans", (), compute)


def with_public_figures(plans) -> list[Plan]:
    """``plans`` with their overall progress and task count (``overall_progress``, ``task_count``)."""
    figures = _public_plans_progress()
    plans = list(plans)
    for plan in plans:
        plan.overall_progress, plan.task_count = figures.get(plan.pk, (None, 0))
    return plans


def public_status_counts(today: datetime.date | None = None) -> dict[str, int]:
    """How many tasks of the published plans are in each status (the home page's figures), from the shared cache."""
    today = today or timezone.localdate()
    return figures_cached(
        "public-counts",
        (today.isoformat(),),
        lambda: status_counts_kept(TaskCount.objects.filter(plan__in=policy.public(Plan.objects.all())), today=today),
    )


def plan_public_detail(pk: int) -> Plan:
    """One published plan with its directives, parent and sub-plans and its figures (:func:`plan_public_figures`,
    as attributes: ``overall_progress``, ``task_count``, ``tasks_updated_at``, ``status_counts``); 404 otherwise."""
    from django.shortcuts import get_object_or_404

    plans = (
        policy.public(Plan.objects.all())
        .select_related("parent", "issuing_agency", "coordinator")
        .prefetch_related(
            "directives",
            Prefetch(
                "children",
                queryset=policy.public(Plan.objects.all())
                .order_by("issued_on")
                .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position", "id"))),
            ),
            Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        )
    )
    plan = get_object_or_404(plans, pk=pk)
    for name, value in plan_public_figures(plan.pk).items():
        setattr(plan, name, value)
    return plan


def plan_public_figures(plan_id: int, today: datetime.date | None = None) -> dict:
    """A plan's figures as its public page shows them, with the plans carrying it out (the roll-up rule):
    mean progress and number of tasks (:func:`_public_plans_progress`, as on the home page; both from the kept task counts), when a task
    last changed, and how many tasks are in each status.

    Read by every visitor, the same for all: kept in the shared cache until a change of figures
    (``core.shared_figures``) or the next day (the status of a task depends on the date).
    """
    today = today or timezone.localdate()

    def compute() -> dict:
        tasks = Task.objects.filter(tasks_of_plans_q([plan_id]))
        counts = TaskCount.objects.filter(tasks_of_plans_q([plan_id]), plan__in=policy.public(Plan.objects.all()))
        return {
            "tasks_updated_at": tasks.aggregate(latest=Max("updated_at"))["latest"],
            "status_counts": status_counts_kept(counts, today=today),
        }

    progress, task_count = _public_plans_progress().get(plan_id, (None, 0))
    # Computed afresh only when a change moved the plan or a plan carrying it out (which names it too).
    kept = figures_cached("public-plan", (plan_id, today.isoformat()), compute, plans=[plan_id])
    return {"overall_progress": progress, "task_count": task_count, **kept}
