"""Indicators in a reorganisation: their reporting follows the tasks that move them.

A merger or a renaming needs nothing here: the lineage it records (``AgencyLineage``, main) hands every
indicator of the retired agency to its successor from the effective date (``indicators.selectors``, as tasks'
holders are read). A split or a transfer of functions names, task by task, where the work goes
(``TaskDestination``): an indicator of the source agency goes where the tasks that move it go, when they all go
to one agency; its handover (``IndicatorHandover``) keeps the days before for the agency that reported then.
An indicator whose tasks go several ways, or none, stays with its agency (the coordinator can change it).
"""

import dataclasses
import datetime
from collections.abc import Iterable

from indicators.models import Indicator, IndicatorHandover
from plans.models import ReorganisationChange, ReorganisationDecision
from tasks.models import TaskDestination


@dataclasses.dataclass(frozen=True)
class Handover:
    """An indicator that goes with the change taking its tasks: to ``change.target`` (in a preview, perhaps an agency
    applying will create)."""

    indicator: Indicator
    change: ReorganisationChange


def indicators_to_hand_over(changes: Iterable[ReorganisationChange]) -> list[Handover]:
    """Which indicators of the agencies split or losing functions go where, by the tasks these ``changes`` take
    (``TaskDestination``), without writing: the preview lists them and :func:`indicators_hand_over` records them.

    A change's successor may be a new agency not yet created: changes are told apart by ``successor_key``.
    """
    changes = [change for change in changes if change.chooses_tasks and change.successor_key]
    if not changes:
        return []
    by_pk = {change.pk: change for change in changes}
    by_task: dict[tuple[int, int], list[ReorganisationChange]] = {}  # (source agency, task) -> the changes taking it
    for change_id, task_id in TaskDestination.objects.filter(change_id__in=list(by_pk)).values_list("change_id", "task_id"):
        by_task.setdefault((by_pk[change_id].source_id, task_id), []).append(by_pk[change_id])
    sources = {change.source_id for change in changes}
    handed = []
    for indicator in (
        Indicator.objects.filter(agency_id__in=sources).select_related("agency", "plan").prefetch_related("tasks").order_by("pk")
    ):
        going = [change for task in indicator.tasks.all() for change in by_task.get((indicator.agency_id, task.pk), [])]
        if len({change.successor_key for change in going}) != 1:
            continue  # no task of it moves, or they go several ways: it stays
        handed.append(Handover(indicator=indicator, change=going[0]))
    return handed


def indicators_hand_over(*, handovers: list[Handover], day: datetime.date) -> list[IndicatorHandover]:
    """Record ``handovers`` (:func:`indicators_to_hand_over`, as the preview listed them) from ``day`` (call inside apply,
    once the changes' new agencies exist)."""
    recorded = []
    for handover in handovers:
        indicator, change = handover.indicator, handover.change
        recorded.append(
            IndicatorHandover(
                indicator=indicator, from_agency_id=indicator.agency_id, to_agency_id=change.target_id, effective_on=day, change=change
            )
        )
        indicator.agency_id = change.target_id
        indicator.save(update_fields=["agency"])
    return IndicatorHandover.objects.bulk_create(recorded)


def indicators_hand_back(*, decision: ReorganisationDecision) -> None:
    """Undo :func:`indicators_hand_over`: each indicator back to the agency it had, its handover deleted."""
    for handover in (
        IndicatorHandover.objects.filter(change__decision=decision).select_related("indicator").order_by("-effective_on", "-pk")
    ):
        Indicator.objects.filter(pk=handover.indicator_id).update(agency_id=handover.from_agency_id)
        handover.delete()
