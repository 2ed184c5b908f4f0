"""Reads about reorganisation: the coordinator's queue, inherited parts, names "as then (now …)"."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from plans.models import Agency, AgencyLineage
from tasks.choices import AssignmentRole
from tasks.models import TaskAssignment


def waiting_for_reassignment(*, today: datetime.date | None = None) -> QuerySet[TaskAssignment]:
    """Open tasks whose lead agency has ceased with no successor (a dissolution): "Nhiệm vụ cần giao lại"."""
    today = today or timezone.localdate()
    has_successor = AgencyLineage.objects.filter(predecessor=OuterRef("agency_id"))
    return (
        TaskAssignment.objects.filter(role=AssignmentRole.LEAD, task__completed_on__isnull=True, agency__active_to__lte=today)
        .exclude(Exists(has_successor))
        .select_related("task", "task__plan", "agency")
        .order_by("agency__name", "task__plan__symbol", "task__position")
    )


def predecessor_ids(agency_id: int | None, *, main_only: bool = False) -> list[int]:
    """Every agency whose work passed, directly or not, to this one (one query per generation, usually one or two).

    ``main_only``: only those whose work passed whole (mergers, renamings), as ``reports.lineage`` folds them.
    """
    found: list[int] = []
    frontier = [agency_id] if agency_id else []
    links = AgencyLineage.objects.filter(main=True) if main_only else AgencyLineage.objects.all()
    while frontier:
        frontier = [pk for pk in links.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True) if pk not in found]
        found.extend(frontier)
    return found


def names_now(agency_ids: set[int], *, today: datetime.date | None = None) -> dict[int, str]:
    """ "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)" for each agency that has a main successor today."""
    today = today or timezone.localdate()
    return {agency_id: agency.display_name(today) for agency_id, agency in Agency.objects.in_bulk(list(agency_ids)).items()}
