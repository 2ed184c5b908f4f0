"""Reads about reorganisation: the coordinator's queue, inherited parts, names "as then (now …)"."""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from plans import policy
from plans.agency_kinds import LEADING_KINDS
from plans.models import Agency, AgencyLineage, AgencyMembership, Plan, ReorganisationDecision, UserMove
from tasks.choices import AssignmentRole
from tasks.models import TaskAssignment
from tasks.selectors import open_work_q


def waiting_for_reassignment(*, today: datetime.date | None = None, user=None) -> QuerySet[TaskAssignment]:
    """Open tasks whose lead agency has ceased with no agency holding its work: "Nhiệm vụ cần giao lại".

    A dissolution's tasks; and a split agency's tasks that reached the portal after the split (an annex
    imported since): the decision gave each task it saw a destination, one it never saw has none.
    With ``user``: only the tasks of the plans the user coordinates (``policy.coordinated``).
    """
    today = today or timezone.localdate()
    has_successor = AgencyLineage.objects.filter(predecessor=OuterRef("agency_id"), main=True)
    waiting = TaskAssignment.objects.filter(open_work_q("task__"), role=AssignmentRole.LEAD, agency__active_to__lte=today)
    if user is not None:
        waiting = waiting.filter(policy.coordinated(user, "task__plan__"))
    return (
        waiting.exclude(Exists(has_successor))
        .select_related("task", "task__plan", "agency")
        .order_by("agency__name", "task__plan__symbol", "task__position")
    )


def reassign_plans(*, user) -> QuerySet[Plan]:
    """The plans the queue's filter offers: those ``user`` coordinates (``policy.coordinated``, the queue's rule)."""
    return Plan.objects.filter(policy.coordinated(user)).order_by("-issued_on")


def reassign_targets(*, today: datetime.date | None = None) -> QuerySet[Agency]:
    """The agencies a lead part waiting for reassignment may be given to: those existing ``today`` of a kind that
    leads plan tasks (``plans.agency_kinds.LEADING_KINDS``). The page offers these; the service accepts only these."""
    return Agency.objects.active_on(today).filter(kind__in=LEADING_KINDS).order_by("name")


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


@dataclasses.dataclass
class DecisionRecord:
    """What an applied decision did, read from what it wrote: the preview's counterpart once nothing is left to move."""

    retired: list[Agency]
    moved: list[TaskAssignment]  # now held by the successor: ``inherited_from`` → ``agency``
    merged: list[TaskAssignment]  # the successor's own part, into which the retired agency's part was folded
    waiting: list[TaskAssignment]  # open tasks its dissolutions left with no successor: the coordinator's queue, now
    users: list[UserMove]
    memberships_ended: int
    memberships_joined: list[AgencyMembership]

    @property
    def waiting_tasks(self) -> int:
        """How many tasks the waiting parts belong to (a task led by seven districts waits as seven parts)."""
        return len({assignment.task_id for assignment in self.waiting})


def decision_record(decision: ReorganisationDecision) -> DecisionRecord:
    """The parts, users and group memberships an applied decision moved (a few queries, whatever its size)."""
    changes = list(decision.changes.all())
    log = decision.undo_log or {}
    retired_ids = [change.source_id for change in changes if change.retires_source]
    targets = {change.source_id: change.target_id for change in changes if change.target_id}
    merged_into = {(row["task"], targets[row["agency"]]) for row in log.get("removed", []) if row["agency"] in targets}
    return DecisionRecord(
        retired=list(Agency.objects.filter(pk__in=retired_ids).order_by("name")),
        moved=list(
            TaskAssignment.objects.filter(inherited_via__in=changes)
            .select_related("task", "task__plan", "agency", "inherited_from")
            .order_by("inherited_from__name", "task__plan__symbol", "task__position")
        ),
        merged=[
            assignment
            for assignment in TaskAssignment.objects.filter(task_id__in={task for task, _agency in merged_into})
            .select_related("task", "task__plan", "agency")
            .order_by("task__plan__symbol", "task__position")
            if (assignment.task_id, assignment.agency_id) in merged_into
        ],
        waiting=list(waiting_for_reassignment().filter(agency_id__in=retired_ids)),
        users=list(
            UserMove.objects.filter(change__in=changes).select_related("user", "from_agency", "change__target").order_by("user__username")
        ),
        memberships_ended=len(log.get("memberships", [])),
        memberships_joined=list(
            AgencyMembership.objects.filter(pk__in=log.get("joined", [])).select_related("group", "agency").order_by("group__name")
        ),
    )
