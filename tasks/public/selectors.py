"""Reads of plans that encode rules: what is public, and how far each plan has come."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from plans.models import Directive, Plan, Section
from vinhlong_cmcn4 import policy

from ..models import Task
from ..selectors import plan_progress_subquery, plan_task_count_subquery, tasks_of_plans_q


def plan_list_public() -> QuerySet[Plan]:
    """Published plans, newest first, with their overall progress and task count."""
    return (
        policy.public(Plan.objects.all())
        .select_related("parent", "issuing_agency")
        .prefetch_related(Prefetch("directives", queryset=Directive.objects.order_by("issued_on")))
        .annotate(overall_progress=plan_progress_subquery(), task_count=plan_task_count_subquery())
        .order_by("-issued_on", "symbol")
    )


def plan_public_detail(pk: int) -> Plan:
    """One published plan with its progress, directives, parent and sub-plans, and when one of its
    tasks last changed (``tasks_updated_at``, for the open data); 404 otherwise."""
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
        .annotate(
            overall_progress=plan_progress_subquery(),
            task_count=plan_task_count_subquery(),
            tasks_updated_at=Subquery(
                Task.objects.filter(tasks_of_plans_q(OuterRef("pk"))).order_by("-updated_at").values("updated_at")[:1]
            ),
        )
    )
    return get_object_or_404(plans, pk=pk)
