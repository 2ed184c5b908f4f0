"""Writes of the tasks app: tasks and who is assigned to them."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.shared_figures import figures_changed
from plans.models import Agency, AgencyGroup, AgencyLineage, AgencyMembership
from plans.workdays import WorkCalendar, current_calendar

from .choices import AssignmentRole
from .kept import LOCK_BATCH, lead_agencies_of, lead_parts_batch, lead_parts_moved, task_counts_moved, task_parts_lock, tasks_parts_lock
from .models import PastHolding, Task, TaskAssignment
from .ordering import order_key_expression
from .selectors import plan_with_parent
from .status import working_due_date


def group_members(*, on: datetime.date | None = None) -> dict[int, list[Agency]]:
    """Members of every group on ``on`` (today by default: a plan's date for its tasks), by group id, in one query."""
    on = on or timezone.localdate()
    members: dict[int, list[Agency]] = {}
    memberships = (
        AgencyMembership.objects.filter(
            AgencyMembership.running_on(on),
            agency__in=Agency.objects.active_on(on),
        )
        .select_related("agency")
        .order_by("agency__name")
    )
    for membership in memberships:
        members.setdefault(membership.group_id, []).append(membership.agency)
    return members


def assignments_expand(
    *,
    leads: Iterable[Agency | AgencyGroup],
    cooperating: Iterable[Agency | AgencyGroup],
    members: dict[int, list[Agency]] | None = None,
    on: datetime.date | None = None,
) -> dict[int, tuple[Agency, str, AgencyGroup | None]]:
    """Expand groups into their members on ``on`` (the plan's date; today by default): a group as lead makes every member a lead.

    An agency named both as lead and as cooperator is a lead. Returns, by agency id,
    the agency, its role and the group it came through (None when named itself).
    ``members`` (from :func:`group_members`) saves a query per group in bulk work.
    """
    result: dict[int, tuple[Agency, str, AgencyGroup | None]] = {}
    for role, entries in ((AssignmentRole.LEAD, leads), (AssignmentRole.COOPERATING, cooperating)):
        for entry in entries:
            if isinstance(entry, AgencyGroup):
                group_agencies = members.get(entry.pk, []) if members is not None else entry.members_on(on).order_by("name")
                members_of: list[tuple[Agency, AgencyGroup | None]] = [(member, entry) for member in group_agencies]
            else:
                members_of = [(entry, None)]
            for agency, group in members_of:
                current = result.get(agency.pk)
                if current is None or (current[1] == role and current[2] is not None and group is None):
                    result[agency.pk] = (agency, role, group)
    return result


def lead_or(role_a: str, role_b: str) -> str:
    """The stronger of two roles: an agency given a lead part and a cooperating part leads."""
    return AssignmentRole.LEAD if AssignmentRole.LEAD in (role_a, role_b) else AssignmentRole.COOPERATING


# An assignment as written into the table: agency, role, group it came through, and where it was inherited from
# (retired agency, from which day, by which reorganisation change), or None three times when it is the agency's own.
Carried = tuple[int, str, int | None, int | None, datetime.date | None, int | None]


def carried_part(
    link: tuple[int, str, int | None],
    *,
    holding: dict[int, AgencyLineage],
    moved: dict[int, tuple[int, datetime.date | None, int | None]] | None = None,
) -> Carried:
    """One part as the plan wrote it (agency id, role, group id), given to the agency holding it now (:func:`assignments_carry`)."""
    agency_id, role, group_id = link
    carried: Carried = (agency_id, role, group_id, None, None, None)
    seen = {agency_id}
    # Hop by hop: a decision's lineage, then where this task's part went from there (a reassignment, a split's
    # destination, a later decision), until the agency that holds it now: a coordinator's reassignment is never undone.
    while True:
        lineage = holding.get(carried[0])
        if lineage is not None and lineage.successor_id not in seen:
            carried = (lineage.successor_id, role, group_id, lineage.predecessor_id, lineage.effective_on, lineage.change_id)
        elif moved and carried[0] in moved and moved[carried[0]][0] not in seen:
            carried = (moved[carried[0]][0], role, group_id, carried[0], *moved[carried[0]][1:])
        else:
            return carried
        seen.add(carried[0])


def carried_past_holdings(
    task_links: dict[int, tuple[tuple[int, str, int | None], ...]],
    *,
    holding: dict[int, AgencyLineage],
    moved: dict[int, dict[int, tuple[int, datetime.date | None, int | None]]],
) -> int:
    """Keep the agencies a plan named as the past holders of the parts now held by their successors (one query, one insert).

    ``task_links``: each written task's parts as the plan wrote them; ``moved``: per task, what :func:`assignments_carry`
    was given. A named agency whose part went to another agency held it until the day it passed on; where the
    holder had a part of its own (or took several), the named agency's part was folded into it.
    """
    parts = {
        (task_id, agency_id): pk
        for pk, task_id, agency_id in TaskAssignment.objects.filter(task_id__in=list(task_links)).values_list("pk", "task_id", "agency_id")
    }
    rows = []
    for task_id, links in task_links.items():
        named = {agency_id for agency_id, _role, _group in links}
        final = {part[0]: part for part in assignments_carry(links, holding=holding, moved=moved.get(task_id))}
        carried_links = [carried_part(other, holding=holding, moved=moved.get(task_id)) for other in links]
        for link in links:
            holder, role, group_id, _from, day, change_id = carried_part(link, holding=holding, moved=moved.get(task_id))
            if holder == link[0] and holder in final and final[holder][1] != role and final[holder][4] is not None:
                # The holder's own part took a stronger role on the day it inherited another's: it held its own role until then.
                day, change_id = final[holder][4], None
            elif holder == link[0]:
                continue
            if day is None or (task_id, holder) not in parts:
                continue
            rows.append(
                PastHolding(
                    part_id=parts[task_id, holder],
                    task_id=task_id,
                    agency_id=link[0],
                    role=role,
                    via_group_id=group_id,
                    held_to=day,
                    change_id=change_id,
                    folded=holder != link[0] and (holder in named or sum(carried[0] == holder for carried in carried_links) > 1),
                )
            )
    PastHolding.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def assignments_carry(
    links: Iterable[tuple[int, str, int | None]],
    *,
    holding: dict[int, AgencyLineage],
    moved: dict[int, tuple[int, datetime.date | None, int | None]] | None = None,
) -> tuple[Carried, ...]:
    """An open task's parts as the plan wrote them (agency id, role, group id), given to the agencies that hold the work now.

    What applying the reorganisation decisions does to an open task's assignments (DOMAIN.md, "Agencies"),
    for a task that was not in the portal when they were applied, or is written again from its plan:
    a part of an agency whose work passed whole to another (``plans.selectors.holding_links``) goes to
    the holder, inherited from the last predecessor on the day and by the change of the last link; a part
    that a split gave to one of several successors goes where this task's part went (``moved``:
    retired agency id → the agency, day and change on the task's current row). Where the holder has
    a part of its own, it keeps its own with the stronger role (a decision's conflict rule).
    """
    parts: dict[int, Carried] = {}
    for link_parts in links:
        part = carried_part(link_parts, holding=holding, moved=moved)
        kept = parts.get(part[0])
        if kept is None:
            parts[part[0]] = part
            continue
        own, other = (kept, part) if kept[3] is None or part[3] is not None else (part, kept)
        role = lead_or(own[1], other[1])
        if role != own[1]:  # the holder now leads: it inherited the lead part, from the day it took it over
            own = (own[0], role, own[2], other[3], other[4], own[5])
        parts[part[0]] = own
    return tuple(parts.values())


def part_handed_on(*, part: TaskAssignment, day: datetime.date, change_id: int | None = None) -> PastHolding:
    """Keep ``part``'s holder, role and days as a past holder before the caller gives the part to another agency
    (or another role) from ``day`` (``tasks.selectors.holdings_on`` reads it back)."""
    held_from = part.inherited_on if part.inherited_on is None or part.inherited_on <= day else day
    return PastHolding.objects.create(
        part=part,
        task_id=part.task_id,
        agency_id=part.agency_id,
        role=part.role,
        via_group_id=part.via_group_id,
        held_from=held_from,
        held_to=day,
        change_id=change_id,
    )


def part_folded(*, part: TaskAssignment, into: TaskAssignment, day: datetime.date, change_id: int | None = None) -> list[int]:
    """``part``'s agency hands its part on ``day`` to ``into``'s agency, which has a part of its own in the task.

    The folded agency and every past holder of its part become past holders of ``into`` (what the plan
    named stays readable, and their reports count for the part); the caller then deletes ``part``.
    Returns the ids of the past holders that moved with it (an undo gives them back).
    """
    carried = list(PastHolding.objects.filter(part=part).values_list("pk", flat=True))
    PastHolding.objects.filter(pk__in=carried).update(part=into)
    folded = part_handed_on(part=part, day=day, change_id=change_id)
    folded.part = into
    folded.folded = True
    folded.save(update_fields=["part", "folded"])
    return carried


@transaction.atomic
@lead_parts_batch()  # the agencies' kept counts once at the end, in order: two edits at once never wait on each other's
def task_assignments_set(
    *, task: Task, leads: Iterable[Agency | AgencyGroup], cooperating: Iterable[Agency | AgencyGroup] = ()
) -> list[TaskAssignment]:
    """Replace a task's assignments with these leads and cooperators (groups expanded to their members on the plan's date)."""
    expanded = assignments_expand(leads=leads, cooperating=cooperating, on=task.plan.issued_on)
    task_parts_lock(task.pk)  # the task first, before its parts are deleted or written (as every writer of its parts)
    existing = {a.agency_id: a for a in TaskAssignment.objects.filter(task=task)}
    TaskAssignment.objects.filter(task=task).exclude(agency_id__in=expanded).delete()
    result = []
    for agency_id, (agency, role, group) in expanded.items():
        assignment = existing.get(agency_id) or TaskAssignment(task=task, agency=agency)
        if assignment.pk is None or assignment.role != role or assignment.via_group_id != (group.pk if group else None):
            assignment.role, assignment.via_group = role, group
            assignment.save()
        result.append(assignment)
    figures_changed(plans=plan_with_parent(task.plan), agencies={*existing, *expanded})
    return result


@transaction.atomic
def tasks_order_refresh(*, plan_ids: Iterable[int] | None = None, section_ids: Iterable[int] | None = None) -> int:
    """Store again the list order (``tasks.ordering``) of the tasks of these plans or sections, after
    their sections moved; every task when neither is given. Returns how many tasks changed place.

    The tasks that move are locked first, in the order of their ids (``tasks_parts_lock``), as every writer of several
    tasks: one UPDATE took them in the order it found them (a deadlock with a decision applied meanwhile)."""
    tasks = Task.objects.all()
    if plan_ids is not None:
        tasks = tasks.filter(plan_id__in=list(plan_ids))
    if section_ids is not None:
        tasks = tasks.filter(section_id__in=list(section_ids))
    expression = order_key_expression()
    moved = list(tasks.exclude(order_key=expression).values_list("pk", flat=True))
    tasks_parts_lock(moved)
    changed = 0
    for start in range(0, len(moved), LOCK_BATCH):
        batch = tasks.filter(pk__in=moved[start : start + LOCK_BATCH])
        changed += batch.exclude(order_key=expression).update(order_key=expression)
    return changed


@transaction.atomic
def task_due_dates_refresh(*, tasks: QuerySet[Task] | None = None, calendar: WorkCalendar | None = None) -> int:
    """Store again each task's working-day due date (``Task.effective_due_date``, ``tasks.status``) after the
    calendar changed or rows were written in bulk; every task when ``tasks`` is not given. Returns how many changed.

    One UPDATE per distinct judged date (a plan has a few dozen), each through the due-date index; the plan's
    dates and the change history stay as they were.
    """
    calendar = calendar or current_calendar()
    tasks_given = tasks is not None
    tasks = tasks if tasks is not None else Task.objects.all()
    judged: set[datetime.date] = set()
    for column, others in (("extended_due_date", Q()), ("due_date", Q(extended_due_date=None))):
        judged.update(day for day in tasks.filter(others).exclude(**{column: None}).values_list(column, flat=True).distinct() if day)
    # Each judged date's tasks whose stored date is not its working day (undated ones under None), read first; then every one
    # of them locked at once in the order of their ids, as every writer of several tasks (tasks_parts_lock), before any is
    # written: an UPDATE per date locked them in the order of their dates, and a decision applied meanwhile, holding the
    # smaller id, waited for a task this refresh held while it waited for that one (a deadlock on PostgreSQL).
    undated = Q(due_date=None, extended_due_date=None)
    writes: list[tuple[Q, datetime.date | None, list[int]]] = [
        (undated, None, list(tasks.filter(undated).exclude(effective_due_date=None).values_list("pk", flat=True)))
    ]
    for day in sorted(judged):
        on_day = Q(extended_due_date=day) | Q(extended_due_date=None, due_date=day)
        moved = working_due_date(day, None, calendar)
        writes.append((on_day, moved, list(tasks.filter(on_day).exclude(effective_due_date=moved).values_list("pk", flat=True))))
    tasks_parts_lock(pk for _rows, _moved, ids in writes for pk in ids)
    changed = 0
    for rows, moved, ids in writes:
        for start in range(0, len(ids), LOCK_BATCH):  # the rows locked, still on that date (a writer may have moved it meanwhile)
            batch = tasks.filter(rows, pk__in=ids[start : start + LOCK_BATCH]).exclude(effective_due_date=moved)
            changed += batch.update(effective_due_date=moved)
    if changed:
        task_counts_moved(set(tasks.values_list("plan_id", "section_id")) if tasks_given else None)
        lead_parts_moved(lead_agencies_of(tasks.values_list("pk", flat=True)) if tasks_given else None)
        figures_changed()  # the tasks are judged against other dates: cached figures are computed again
    return changed


def _calendar_edited(**kwargs) -> None:
    """``plans.workdays.calendar_edited``: an announced day was added, changed or removed; re-judge every task."""
    task_due_dates_refresh()
