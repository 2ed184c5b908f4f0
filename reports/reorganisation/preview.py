"""What a decision would do, computed without writing: the plan that ``apply`` carries out.

Rules (DOMAIN.md, "Agencies"):

- An open task (not completed) of a retired agency goes to its successor: the target of a merger
  or renaming; for a split or a transfer of functions, the change whose ``TaskDestination`` names
  the task. A dissolution leaves the task with the dissolved agency, waiting in the coordinator's
  queue. A transfer of functions does not end its source: unselected tasks stay.
- Completed tasks stay with the agency that completed them; reports, steps and summaries keep
  the agency that acted (history is never rewritten).
- Users of a retired agency move to its main successor, or are deactivated, as the change says.
- Refused, with a Vietnamese message naming the agency: a successor that has ceased by the effective
  date, a cycle, an effective date before the agency existed, an agency already ended, a split that
  leaves an open task without a destination.
"""

import dataclasses

from django.utils.translation import gettext as _

from core.text import search_key
from plans.agency_kinds import kind_by_name
from plans.choices import ChangeKind, UsersFate
from plans.models import Agency, AgencyLineage, ReorganisationChange, ReorganisationDecision, User
from reports import workflow
from reports.choices import ReportState
from reports.models import Report
from tasks.models import TaskAssignment, TaskDestination
from tasks.selectors import open_work_q

from .indicators import Handover, indicators_to_hand_over

MAIN_KINDS = (ChangeKind.MERGE, ChangeKind.RENAME)
# Reports the agency has not sent yet (those it writes, a withdrawn one included, and those waiting for its head's
# approval): they stay its own (history), readable by the successor.
IN_PROGRESS = (*workflow.EDITABLE_STATES, ReportState.PENDING)


@dataclasses.dataclass
class Move:
    assignment: TaskAssignment
    change: ReorganisationChange | None  # None: waits in the coordinator's queue
    conflict: TaskAssignment | None = None  # the destination already has a part in the task

    @property
    def destination(self) -> Agency | None:
        return self.change.target if self.change else None


@dataclasses.dataclass
class Preview:
    decision: ReorganisationDecision
    retired: list[Agency]
    moves: list[Move]
    users: list[tuple[User, ReorganisationChange, Agency | None]]  # None: deactivated
    reports: list[Report]
    errors: list[str]
    created: list[Agency] = dataclasses.field(default_factory=list)  # new agencies applying creates ("sẽ tạo"), not yet saved
    unchosen: list[ReorganisationChange] = dataclasses.field(default_factory=list)  # a split or transfer with no task chosen
    warnings: list[str] = dataclasses.field(default_factory=list)
    indicators: list[Handover] = dataclasses.field(default_factory=list)  # what applying hands on (.indicators)

    @property
    def conflicts(self) -> list[Move]:
        return [move for move in self.moves if move.conflict is not None]

    @property
    def waiting(self) -> list[Move]:
        return [move for move in self.moves if move.change is None]


def _open(assignments):
    return assignments.filter(open_work_q("task__"))


def _check(decision: ReorganisationDecision, changes: list[ReorganisationChange]) -> list[str]:
    errors: list[str] = []
    day = decision.effective_on
    date_text = day.strftime("%d/%m/%Y")
    for change in changes:
        source, target = change.source, change.target
        if source.active_from and day <= source.active_from:
            errors.append(
                _("%(agency)s only exists from %(start)s: the effective date %(date)s comes before it.")
                % {"agency": source.name, "start": source.active_from.strftime("%d/%m/%Y"), "date": date_text}
            )
        if source.active_to and source.active_to < day:
            errors.append(
                _("%(agency)s already ceased on %(end)s.") % {"agency": source.name, "end": source.active_to.strftime("%d/%m/%Y")}
            )
        if target is not None:
            if target.active_to and target.active_to <= day:
                errors.append(
                    _("The successor %(agency)s has itself ceased (on %(end)s): choose the agency that holds its work today.")
                    % {"agency": target.name, "end": target.active_to.strftime("%d/%m/%Y")}
                )
            if target.active_from and target.active_from > day:
                errors.append(
                    _("The successor %(agency)s only exists from %(start)s, after the effective date %(date)s.")
                    % {"agency": target.name, "start": target.active_from.strftime("%d/%m/%Y"), "date": date_text}
                )
    # A cycle: following successors (recorded ones and this decision's) leads back to an agency.
    edges: dict[int, set[int]] = {}
    for pred, succ in AgencyLineage.objects.exclude(change__decision=decision).values_list("predecessor_id", "successor_id"):
        edges.setdefault(pred, set()).add(succ)
    for change in changes:
        if change.target_id:
            edges.setdefault(change.source_id, set()).add(change.target_id)
    names = {change.source_id: change.source.name for change in changes}
    for start in names:
        stack, seen = list(edges.get(start, ())), set()
        while stack:
            node = stack.pop()
            if node == start:
                errors.append(_("%(agency)s would end up succeeding itself (a cycle of successors).") % {"agency": names[start]})
                break
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
    return errors


def preview(decision: ReorganisationDecision) -> Preview:
    """Every open assignment of every agency the decision touches, where it goes, the indicators that go with their
    tasks, the users, the reports in progress, conflicts and errors."""
    changes = list(decision.changes.select_related("source", "target").order_by("id"))
    change: ReorganisationChange | None  # a task's change, none when it stays (a transfer) or has no destination
    created = planned_agencies(decision, changes)
    errors = _check(decision, changes)
    planned_names: dict[str, Agency] = {}
    for agency in created:
        twin = planned_names.setdefault(search_key(agency.name), agency)
        if twin is not agency:
            errors.append(
                _("The new agencies %(code)s and %(other)s would bear one name, %(name)s: give them different names or one code.")
                % {"code": agency.code, "other": twin.code, "name": agency.name}
            )
        namesake = Agency.objects.filter(name_key=search_key(agency.name)).first()
        if namesake is not None:
            errors.append(
                _("The new agency %(code)s would bear the name of %(name)s (%(other)s), already in the registry: name its code instead.")
                % {"code": agency.code, "name": namesake.name, "other": namesake.code}
            )
    by_source: dict[int, list[ReorganisationChange]] = {}
    for change in changes:
        by_source.setdefault(change.source_id, []).append(change)
    chosen: dict[tuple[int, int], ReorganisationChange] = {}
    by_id = {change.pk: change for change in changes}
    destinations = list(TaskDestination.objects.filter(change__decision=decision))
    for destination in destinations:
        chosen[(by_id[destination.change_id].source_id, destination.task_id)] = by_id[destination.change_id]
    assignments = list(
        _open(TaskAssignment.objects.filter(agency_id__in=list(by_source)))
        .select_related("task", "task__plan", "agency")
        .order_by("agency__name", "task__plan__symbol", "task__position")
    )
    held: dict[tuple[int, int | str], int] = {
        (task_id, agency_id): pk
        for pk, task_id, agency_id in TaskAssignment.objects.filter(task_id__in={a.task_id for a in assignments}).values_list(
            "pk", "task_id", "agency_id"
        )
    }
    by_pk = TaskAssignment.objects.in_bulk(list(held.values()))
    moves: list[Move] = []
    incoming: dict[tuple[int, int | str], TaskAssignment] = {}
    retired: list[Agency] = []
    for source_id, source_changes in by_source.items():
        source = source_changes[0].source
        retires = any(change.retires_source for change in source_changes)
        if retires:
            retired.append(source)
        main = next((change for change in source_changes if change.kind in MAIN_KINDS), None)
        splits = [change for change in source_changes if change.kind == ChangeKind.SPLIT]
        for assignment in (a for a in assignments if a.agency_id == source_id):
            change = chosen.get((source_id, assignment.task_id)) or main
            if change is None and not retires:
                continue  # a transfer of functions leaves unselected tasks where they are
            if change is None and splits:
                errors.append(
                    _("The split of %(agency)s leaves the open task %(task)s (%(plan)s) without a destination.")
                    % {"agency": source.name, "task": assignment.task.number or assignment.task_id, "plan": assignment.task.plan.symbol}
                )
            conflict = None
            if change is not None:
                key = (assignment.task_id, change.successor_key)
                # Already the destination's, or sent there by an earlier change of this decision (two agencies merging).
                conflict = by_pk.get(held.get(key)) or incoming.get(key)
                incoming.setdefault(key, assignment)
            moves.append(Move(assignment=assignment, change=change, conflict=conflict))
    users: list[tuple[User, ReorganisationChange, Agency | None]] = []
    for source in retired:
        source_changes = by_source[source.pk]
        main = next((c for c in source_changes if c.kind in MAIN_KINDS), None) or next(
            (c for c in source_changes if c.target is not None), source_changes[0]
        )
        for user in User.objects.filter(agency=source, is_active=True).order_by("username"):
            moved = main.target if main.target is not None and main.users == UsersFate.MOVE else None
            users.append((user, main, moved))
    reports = list(
        Report.objects.filter(open_work_q("task__"), agency__in=retired, state__in=IN_PROGRESS)
        .select_related("task", "period", "agency")
        .order_by("agency__name", "task__position")
    )
    chose = {change.pk for change in changes if change.chooses_tasks and any(dest.change_id == change.pk for dest in destinations)}
    holders = {a.agency_id for a in assignments}
    unchosen = [change for change in changes if change.chooses_tasks and change.pk not in chose and change.source_id in holders]
    warnings = [_unchosen_warning(change, by_source[change.source_id]) for change in unchosen]
    return Preview(
        decision=decision,
        retired=retired,
        moves=moves,
        users=users,
        reports=reports,
        errors=errors,
        created=created,
        unchosen=unchosen,
        warnings=warnings,
        indicators=indicators_to_hand_over(changes),
    )


def _unchosen_warning(change: ReorganisationChange, source_changes: list[ReorganisationChange]) -> str:
    main = next((c for c in source_changes if c.kind in MAIN_KINDS), None)
    if change.kind == ChangeKind.SPLIT:
        fate = _("the open tasks of %(source)s go only where the other parts of the split take them") % {"source": change.source.name}
    elif main is not None:
        fate = _("every open task of %(source)s goes to %(main)s") % {"source": change.source.name, "main": main.successor_name}
    else:
        fate = _("every open task stays with %(source)s") % {"source": change.source.name}
    return _(
        "No task is chosen to go with “%(change)s”: applied as it is, no task goes to %(target)s and %(fate)s. "
        "Choose its tasks, or confirm that none goes."
    ) % {"change": f"{change.source.name} → {change.successor_name}", "target": change.successor_name, "fate": fate}


def planned_agencies(decision: ReorganisationDecision, changes: list[ReorganisationChange]) -> list[Agency]:
    """The new agencies the decision creates when applied, unsaved, set as their changes' ``target`` (in memory only).

    A code already in the registry (created since the file was loaded) is that agency.
    """
    pending = [change for change in changes if change.creates_successor]
    existing = {agency.code: agency for agency in Agency.objects.filter(code__in={change.new_code for change in pending})}
    created: dict[str, Agency] = {}
    for change in pending:
        agency = existing.get(change.new_code) or created.get(change.new_code)
        if agency is None:
            agency = created[change.new_code] = Agency(
                code=change.new_code,
                name=change.new_name,
                kind=change.new_kind or kind_by_name(change.new_name),
                active_from=decision.effective_on,
            )
        change.target = agency
    return list(created.values())
