"""Indicators in a reorganisation: their reporting follows the tasks that move them.

A merger or a renaming needs nothing here: the lineage it records (``AgencyLineage``, main) hands every
indicator of the retired agency to its successor from the effective date (``indicators.selectors``, as tasks'
holders are read). A split or a transfer of functions names, task by task, where the work goes
(``TaskDestination``): an indicator of the source agency goes where the tasks that move it go, when they all go
to one agency; its handover (``IndicatorHandover``) keeps the days before for the agency that reported then.
An indicator whose tasks go several ways, or none, stays with its agency (the coordinator can change it).
"""

import datetime

from indicators.models import Indicator, IndicatorHandover
from plans.choices import ChangeKind
from plans.models import ReorganisationDecision
from tasks.models import TaskDestination

HANDED_BY_TASKS = (ChangeKind.SPLIT, ChangeKind.FUNCTIONS)


def indicators_hand_over(*, decision: ReorganisationDecision, day: datetime.date) -> list[IndicatorHandover]:
    """Hand on the indicators of the agencies split or losing functions to where their tasks go (call inside apply)."""
    changes = [change for change in decision.changes.all() if change.kind in HANDED_BY_TASKS and change.target_id]
    if not changes:
        return []
    by_task: dict[tuple[int, int], set] = {}  # (source agency, task) -> the changes taking it
    for destination in TaskDestination.objects.filter(change__in=changes).select_related("change"):
        by_task.setdefault((destination.change.source_id, destination.task_id), set()).add(destination.change)
    sources = {change.source_id for change in changes}
    handed = []
    for indicator in Indicator.objects.filter(agency_id__in=sources).prefetch_related("tasks").order_by("pk"):
        going = set().union(*(by_task.get((indicator.agency_id, task.pk), set()) for task in indicator.tasks.all()))
        if len({change.target_id for change in going}) != 1:
            continue  # no task of it moves, or they go several ways: it stays
        change = next(iter(going))
        handed.append(
            IndicatorHandover(
                indicator=indicator, from_agency_id=indicator.agency_id, to_agency_id=change.target_id, effective_on=day, change=change
            )
        )
        indicator.agency_id = change.target_id
        indicator.save(update_fields=["agency"])
    return IndicatorHandover.objects.bulk_create(handed)


def indicators_hand_back(*, decision: ReorganisationDecision) -> None:
    """Undo :func:`indicators_hand_over`: each indicator back to the agency it had, its handover deleted."""
    for handover in (
        IndicatorHandover.objects.filter(change__decision=decision).select_related("indicator").order_by("-effective_on", "-pk")
    ):
        Indicator.objects.filter(pk=handover.indicator_id).update(agency_id=handover.from_agency_id)
        handover.delete()
