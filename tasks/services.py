"""Writes of the tasks app: tasks and who is assigned to them."""

from collections.abc import Iterable

from django.db import transaction

from plans.models import Agency, AgencyGroup
from vinhlong_cmcn4.shared_figures import figures_changed

from .choices import AssignmentRole
from .models import Task, TaskAssignment
from .ordering import order_key_expression


def group_members() -> dict[int, list[Agency]]:
    """Active members of every group, by group id, in one query (for bulk work)."""
    members: dict[int, list[Agency]] = {}
    for agency in Agency.objects.active_on().prefetch_related("groups").order_by("name"):
        for group in agency.groups.all():
            members.setdefault(group.pk, []).append(agency)
    return members


def assignments_expand(
    *,
    leads: Iterable[Agency | AgencyGroup],
    cooperating: Iterable[Agency | AgencyGroup],
    members: dict[int, list[Agency]] | None = None,
) -> dict[int, tuple[Agency, str, AgencyGroup | None]]:
    """Expand groups into their active members: a group as lead makes every member a lead.

    An agency named both as lead and as cooperator is a lead. Returns, by agency id,
    the agency, its role and the group it came through (None when named itself).
    ``members`` (from :func:`group_members`) saves a query per group in bulk work.
    """
    result: dict[int, tuple[Agency, str, AgencyGroup | None]] = {}
    for role, entries in ((AssignmentRole.LEAD, leads), (AssignmentRole.COOPERATING, cooperating)):
        for entry in entries:
            if isinstance(entry, AgencyGroup):
                group_agencies = members.get(entry.pk, []) if members is not None else entry.members.active_on().order_by("name")
                members_of: list[tuple[Agency, AgencyGroup | None]] = [(member, entry) for member in group_agencies]
            else:
                members_of = [(entry, None)]
            for agency, group in members_of:
                current = result.get(agency.pk)
                if current is None or (current[1] == role and current[2] is not None and group is None):
                    result[agency.pk] = (agency, role, group)
    return result


@transaction.atomic
def task_assignments_set(
    *, task: Task, leads: Iterable[Agency | AgencyGroup], cooperating: Iterable[Agency | AgencyGroup] = ()
) -> list[TaskAssignment]:
    """Replace a task's assignments with these leads and cooperators (groups expanded)."""
    expanded = assignments_expand(leads=leads, cooperating=cooperating)
    existing = {a.agency_id: a for a in TaskAssignment.objects.filter(task=task)}
    TaskAssignment.objects.filter(task=task).exclude(agency_id__in=expanded).delete()
    result = []
    for agency_id, (agency, role, group) in expanded.items():
        assignment = existing.get(agency_id) or TaskAssignment(task=task, agency=agency)
        if assignment.pk is None or assignment.role != role or assignment.via_group_id != (group.pk if group else None):
            assignment.role, assignment.via_group = role, group
            assignment.save()
        result.append(assignment)
    figures_changed()
    return result


def tasks_order_refresh(*, plan_ids: Iterable[int] | None = None, section_ids: Iterable[int] | None = None) -> int:
    """Store again the list order (``tasks.ordering``) of the tasks of these plans or sections, after
    their sections moved; every task when neither is given. Returns how many tasks changed place."""
    tasks = Task.objects.all()
    if plan_ids is not None:
        tasks = tasks.filter(plan_id__in=list(plan_ids))
    if section_ids is not None:
        tasks = tasks.filter(section_id__in=list(section_ids))
    expression = order_key_expression()
    return tasks.exclude(order_key=expression).update(order_key=expression)
