"""Apply and undo a reorganisation decision, and reassign the tasks a dissolution left waiting.

Every write is one transaction: a decision is applied entirely or not at all.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import locked
from core.shared_figures import figures_changed
from plans import policy
from plans.choices import ChangeKind
from plans.models import (
    Agency,
    AgencyLineage,
    AgencyMembership,
    Plan,
    ReorganisationChange,
    ReorganisationDecision,
    User,
    UserMove,
)
from tasks.kept import lead_parts_batch, lead_parts_moved, tasks_parts_lock
from tasks.models import LeadPartCount, PastHolding, Task, TaskAssignment, TaskDestination
from tasks.selectors import open_work_q
from tasks.services import lead_or, part_folded, part_handed_on

from ..handoffs import tasks_reassigned
from ..models import SentLeadCount
from ..services.steps import tasks_progress_refresh
from .indicators import indicators_hand_back, indicators_hand_over
from .preview import MAIN_KINDS, Preview, preview
from .selectors import reassign_targets


@transaction.atomic
@lead_parts_batch()  # the kept counts of the agencies whose parts move, once at the end
def decision_apply(*, decision: ReorganisationDecision, by: User | None, none_chosen_confirmed: bool = False) -> Preview:
    """Apply ``decision``: create its new agencies, move open assignments and users, end the retired agencies, record the lineage.

    Applying an applied decision changes nothing. Raises ``ValidationError`` (and writes nothing) on bad input,
    and when a split or a transfer of functions has no task chosen, unless ``none_chosen_confirmed``.
    """
    decision = locked(ReorganisationDecision.objects).get(pk=decision.pk)
    plan = preview(decision)
    if decision.is_applied:
        return plan
    if plan.errors:
        raise ValidationError(plan.errors)
    if plan.unchosen and not none_chosen_confirmed:
        raise ValidationError([*plan.warnings, _("Nothing was applied: confirm that these changes take no task, or choose their tasks.")])
    day = decision.effective_on
    tasks_parts_lock(move.assignment.task_id for move in plan.moves if move.change is not None)  # before any write
    log: dict[str, list] = {"removed": [], "roles": [], "moved": [], "created": []}
    if plan.created:
        # The new agencies come into being now, existing from the effective date; the plan is read again with their ids.
        for agency in plan.created:
            agency.full_clean()
            agency.save()
            log["created"].append(agency.pk)
        for change in decision.changes.filter(target__isnull=True).exclude(new_code=""):
            change.target = Agency.objects.get(code=change.new_code)
            change.save(update_fields=["target"])
        plan = preview(decision)
    for move in plan.moves:
        if move.change is not None and move.change.target is not None:
            _part_move(move.assignment, to=move.change.target, change=move.change, conflict=move.conflict, day=day, log=log)
    indicators_hand_over(handovers=plan.indicators, day=day)  # as their tasks go, as the preview listed them
    for agency in plan.retired:
        agency.active_to = day
        agency.save(update_fields=["active_to"])
    _memberships_end(plan=plan, day=day, log=log)
    for change in decision.changes.exclude(target=None).select_related("source", "target"):
        if change.kind in MAIN_KINDS:
            # The coordinating role passes with the work; who issued a plan stays as it was (history).
            coordinated = list(Plan.objects.filter(coordinator=change.source).values_list("pk", flat=True))
            Plan.objects.filter(pk__in=coordinated).update(coordinator=change.target)
            log.setdefault("coordinator", []).extend([{"plan": pk, "agency": change.source_id} for pk in coordinated])
        AgencyLineage.objects.get_or_create(
            predecessor=change.source,
            successor=change.target,
            defaults={"effective_on": day, "main": change.kind in MAIN_KINDS, "change": change},
        )
    for user, change, destination in plan.users:
        UserMove.objects.create(change=change, user=user, from_agency_id=user.agency_id, deactivated=destination is None)
        if destination is None:
            user.is_active = False
        else:
            user.agency = destination
        user.save(update_fields=["agency", "is_active"])
    decision.applied_at, decision.applied_by, decision.undo_log = timezone.now(), by, log
    decision.save(update_fields=["applied_at", "applied_by", "undo_log"])
    tasks_progress_refresh(task_ids=sorted({move.assignment.task_id for move in plan.moves if move.change is not None}))
    figures_changed()
    return plan


def tasks_to_choose(change: ReorganisationChange) -> QuerySet[Task]:
    """The open tasks ``change``'s agency holds a part of: those a split or a transfer of functions may take."""
    return (
        Task.objects.filter(open_work_q(), assignments__agency_id=change.source_id)
        .select_related("plan")
        .distinct()
        .order_by("plan__symbol", "order_key", "id")
    )


@transaction.atomic
def destinations_set(*, change: ReorganisationChange, tasks: list[Task]) -> None:
    """Choose the open tasks that go with a split or a transfer of functions (``TaskDestination``), replacing the earlier choice.

    Refused, in Vietnamese: a decision already applied, a change that takes every task, a task its agency
    has no part in, a task another change of the same agency already takes.
    """
    decision = locked(ReorganisationDecision.objects).get(pk=change.decision_id)
    if decision.is_applied:
        raise ValidationError(
            _("The decision %(decision)s is already applied: its changes can no longer be edited.") % {"decision": decision}
        )
    if not change.chooses_tasks:
        raise ValidationError(
            _("A %(kind)s takes every open task of the agency: there is nothing to choose.") % {"kind": change.get_kind_display()}
        )
    allowed = set(tasks_to_choose(change).values_list("pk", flat=True))
    errors = [
        _("%(agency)s has no part in the open task %(task)s.") % {"agency": change.source.name, "task": task}
        for task in tasks
        if task.pk not in allowed
    ]
    taken = {
        destination.task_id: destination.change
        for destination in TaskDestination.objects.filter(change__decision=decision, change__source_id=change.source_id)
        .exclude(change=change)
        .select_related("change__target")
    }
    errors += [
        _("The task %(task)s already goes to %(other)s by another change of this decision.")
        % {"task": task, "other": taken[task.pk].successor_name}
        for task in tasks
        if task.pk in taken
    ]
    if errors:
        raise ValidationError(errors)
    TaskDestination.objects.filter(change=change).exclude(task__in=tasks).delete()
    for task in tasks:
        TaskDestination.objects.get_or_create(change=change, task=task)


def _part_move(
    assignment: TaskAssignment, *, to: Agency, change: ReorganisationChange | None, conflict: TaskAssignment | None, day, log: dict
) -> None:
    """Hand ``assignment`` to ``to`` from ``day``, or fold it into ``conflict`` (``to``'s own part of the task), keeping the past holder."""
    change_id = change.pk if change is not None else None
    if conflict is not None:
        # Lead and cooperating parts become one agency's: keep one part, with the stronger role.
        kept = conflict
        role = lead_or(kept.role, assignment.role)
        if role != kept.role:
            # The cooperating agency now leads: it inherited the lead part, and owes its reports from the effective date.
            log["roles"].append({"assignment": kept.pk, "role": kept.role, "inherited_on": _day(kept.inherited_on)})
            part_handed_on(part=kept, day=day, change_id=change_id)
            kept.role, kept.inherited_from_id, kept.inherited_on = role, assignment.agency_id, day
            kept.save(update_fields=["role", "inherited_from", "inherited_on"])
        carried = part_folded(part=assignment, into=kept, day=day, change_id=change_id)
        log["removed"].append(
            {
                "task": assignment.task_id,
                "agency": assignment.agency_id,
                "role": assignment.role,
                "via_group": assignment.via_group_id,
                "inherited_from": assignment.inherited_from_id,
                "inherited_on": _day(assignment.inherited_on),
                "inherited_via": assignment.inherited_via_id,
                "past": carried,
            }
        )
        assignment.delete()
        return
    # What an earlier decision or reassignment had given it: undoing this decision gives it back.
    log["moved"].append(
        {
            "assignment": assignment.pk,
            "agency": assignment.agency_id,
            "inherited_from": assignment.inherited_from_id,
            "inherited_on": _day(assignment.inherited_on),
            "inherited_via": assignment.inherited_via_id,
        }
    )
    part_handed_on(part=assignment, day=day, change_id=change_id)
    assignment.inherited_from_id, assignment.inherited_on, assignment.inherited_via = assignment.agency_id, day, change
    assignment.agency = to
    assignment.save(update_fields=["agency", "inherited_from", "inherited_on", "inherited_via"])


@transaction.atomic
@lead_parts_batch()  # the kept counts of the agencies whose parts move, once at the end
def leftover_parts_hand_on(*, today: datetime.date | None = None) -> int:
    """Hand on the parts of open work still held by an agency that has ceased into a successor holding its work whole.

    What a decision applied before ``tasks.selectors.open_work_q`` left behind (a yearly task reported done
    the year before, e.g. Sở TT&TT cooperating on 125/KH-SKHCN #2): each such part goes, lead or cooperating,
    to the main successor from the decision's effective date, as applying the decision does now; the
    ceased agency stays its past holder, so past periods still show it. Closed tasks are left as they are.
    Run by the daily upkeep; returns how many parts moved.
    """
    today = today or timezone.localdate()
    moved = 0
    for _generation in range(10):  # a successor that has itself ceased: its successor takes the part on the next round
        links = {
            link.predecessor_id: link
            for link in AgencyLineage.objects.filter(main=True, effective_on__lte=today).select_related("successor", "change__decision")
        }
        if not links:
            return moved
        leftovers = list(
            TaskAssignment.objects.filter(open_work_q("task__"), agency_id__in=list(links), agency__active_to__lte=today)
            .select_related("task")
            .order_by("task_id", "role", "pk")
        )
        if not leftovers:
            break
        task_ids = sorted({part.task_id for part in leftovers})
        tasks_parts_lock(task_ids)
        decisions: dict[int, ReorganisationDecision] = {}
        for part in leftovers:
            link = links[part.agency_id]
            change = link.change
            # Kept in the decision's record of what it moved (its page lists it).
            log = decisions.setdefault(change.decision_id, change.decision).undo_log if change is not None else {}
            for key in ("removed", "roles", "moved"):
                log.setdefault(key, [])
            conflict = TaskAssignment.objects.filter(task_id=part.task_id, agency_id=link.successor_id).first()
            _part_move(part, to=link.successor, change=change, conflict=conflict, day=link.effective_on, log=log)
            moved += 1
        for decision in decisions.values():
            decision.save(update_fields=["undo_log"])
        tasks_progress_refresh(task_ids=task_ids)
    if moved:
        figures_changed()
    return moved


def _memberships_end(*, plan: Preview, day: datetime.date, log: dict) -> None:
    """Retired agencies leave their groups on the effective date; a merger's or renaming's successor joins them then."""
    ending = AgencyMembership.objects.filter(
        Q(member_to__isnull=True) | Q(member_to__gt=day), Q(member_from__isnull=True) | Q(member_from__lt=day), agency__in=plan.retired
    )
    log["memberships"] = [
        {"membership": pk, "member_to": end.isoformat() if end else None} for pk, end in ending.values_list("pk", "member_to")
    ]
    changes = list(plan.decision.changes.exclude(target=None).prefetch_related("groups_to_join"))
    # The groups each agency the decision touches belonged to the day before (a transfer's source stays in them).
    groups_before: dict[int, set[int]] = {}
    for agency_id, group_id in AgencyMembership.objects.filter(
        Q(member_to__isnull=True) | Q(member_to__gt=day),
        Q(member_from__isnull=True) | Q(member_from__lt=day),
        agency__in=[change.source_id for change in changes],
    ).values_list("agency_id", "group_id"):
        groups_before.setdefault(agency_id, set()).add(group_id)
    ending.update(member_to=day)
    log["joined"] = []
    for change in changes:
        if not successor_joins(change):
            continue
        listed = {group.pk for group in change.groups_to_join.all()}
        for group_id in sorted(listed or groups_before.get(change.source_id, set())):
            joining = AgencyMembership(group_id=group_id, agency_id=change.target_id, member_from=day)
            if not joining.overlapping().exists():  # not already a member from that day
                joining.save()
                log["joined"].append(joining.pk)


def successor_joins(change: ReorganisationChange) -> bool:
    """Does the successor join the old agency's groups? As the change says; else yes for a merger or renaming."""
    return change.joins_groups if change.joins_groups is not None else change.kind in MAIN_KINDS


@transaction.atomic
@lead_parts_batch()  # the kept counts of the agencies whose parts move, once at the end
def decision_undo(*, decision: ReorganisationDecision, today: datetime.date | None = None) -> ReorganisationDecision:
    """Undo an applied decision, which is possible until its effective date has passed."""
    decision = locked(ReorganisationDecision.objects).get(pk=decision.pk)
    today = today or timezone.localdate()
    if not decision.is_applied:
        return decision
    if today >= decision.effective_on:
        raise ValidationError(
            _("The decision took effect on %(date)s: it can no longer be undone. Record a new decision instead.")
            % {"date": decision.effective_on.strftime("%d/%m/%Y")}
        )
    changes = decision.changes.all()
    before = {row["assignment"]: row for row in decision.undo_log.get("moved", [])}
    roles = decision.undo_log.get("roles", [])
    undone = set(TaskAssignment.objects.filter(inherited_via__in=changes).values_list("task_id", flat=True))
    undone.update(row["task"] for row in decision.undo_log.get("removed", []))
    undone.update(TaskAssignment.objects.filter(pk__in=[row["assignment"] for row in roles]).values_list("task_id", flat=True))
    tasks_parts_lock(undone)  # every task it gives back, before any write, as every writer of tasks' parts
    for assignment in TaskAssignment.objects.filter(inherited_via__in=changes):
        row = before.get(assignment.pk)
        if row is None:  # applied before the log kept the earlier inheritance
            row = {"agency": assignment.inherited_from_id, "inherited_from": None, "inherited_on": None, "inherited_via": None}
        assignment.agency_id, assignment.inherited_from_id, assignment.inherited_via_id = (
            row["agency"],
            row["inherited_from"],
            row["inherited_via"],
        )
        assignment.inherited_on = datetime.date.fromisoformat(row["inherited_on"]) if row["inherited_on"] else None
        assignment.save(update_fields=["agency", "inherited_from", "inherited_on", "inherited_via"])
    for row in decision.undo_log.get("coordinator", []):
        Plan.objects.filter(pk=row["plan"]).update(coordinator_id=row["agency"])
    for row in roles:
        TaskAssignment.objects.filter(pk=row["assignment"]).update(
            role=row["role"], inherited_from=None, inherited_on=_date(row.get("inherited_on"))
        )
        lead_parts_moved(TaskAssignment.objects.filter(pk=row["assignment"]).values_list("agency_id", flat=True))
    for row in decision.undo_log.get("removed", []):
        restored = TaskAssignment.objects.create(
            task_id=row["task"],
            agency_id=row["agency"],
            role=row["role"],
            via_group_id=row["via_group"],
            inherited_from_id=row.get("inherited_from"),
            inherited_on=_date(row.get("inherited_on")),
            inherited_via_id=row.get("inherited_via"),
        )
        PastHolding.objects.filter(pk__in=row.get("past", [])).update(part=restored)
    PastHolding.objects.filter(change__in=changes).delete()
    indicators_hand_back(decision=decision)
    AgencyMembership.objects.filter(pk__in=decision.undo_log.get("joined", [])).delete()
    for row in decision.undo_log.get("memberships", []):
        end = datetime.date.fromisoformat(row["member_to"]) if row["member_to"] else None
        AgencyMembership.objects.filter(pk=row["membership"]).update(member_to=end)
    for move in UserMove.objects.filter(change__in=changes).select_related("user"):
        move.user.agency_id = move.from_agency_id
        if move.deactivated:
            move.user.is_active = True
        move.user.save(update_fields=["agency", "is_active"])
        move.delete()
    AgencyLineage.objects.filter(change__in=changes).delete()
    retiring = [c.source_id for c in changes if c.kind != ChangeKind.FUNCTIONS]
    Agency.objects.filter(pk__in=retiring, active_to=decision.effective_on).update(active_to=None)
    _created_remove(decision, decision.undo_log.get("created", []))
    decision.applied_at, decision.applied_by, decision.undo_log = None, None, {}
    decision.save(update_fields=["applied_at", "applied_by", "undo_log"])
    tasks_progress_refresh(task_ids=sorted(undone))
    figures_changed()
    return decision


@transaction.atomic
@lead_parts_batch()  # the kept counts of the agencies whose parts move, once at the end
def assignments_reassign(
    *, assignments: list[TaskAssignment], agency: Agency, today: datetime.date | None = None, by: User | None = None
) -> int:
    """Give the tasks a dissolution left waiting to a current agency, which owes reports from the period containing
    ``today`` on, this one included (``reports.periods.HELD``: ``inherited_on`` is ``today``).

    ``by``: the coordinator who reassigns; only tasks of the plans it coordinates (``policy.coordinated``), else nothing moves.
    """
    today = today or timezone.localdate()
    if not agency.is_active_on(today):
        raise ValidationError({"agency": _("%(agency)s no longer exists: choose a current agency.") % {"agency": agency.name}})
    if not reassign_targets(today=today).filter(pk=agency.pk).exists():
        raise ValidationError(
            {
                "agency": _("%(agency)s does not lead plan tasks: choose a department, a provincial body or a People's Committee.")
                % {"agency": agency.name}
            }
        )
    ids = [a.pk for a in assignments]
    if by is not None and TaskAssignment.objects.filter(pk__in=ids).exclude(policy.coordinated(by, "task__plan__")).exists():
        raise PermissionDenied(_("You may reassign only the tasks of the plans your agency coordinates."))
    # The tasks first, in order, then their parts: as every writer of tasks' parts and of reports (their task first).
    tasks_parts_lock(TaskAssignment.objects.filter(pk__in=ids).values_list("task_id", flat=True))
    moved = 0
    handed = []
    for assignment in locked(TaskAssignment.objects).filter(pk__in=ids).select_related("agency", "task__plan"):
        if assignment.agency_id == agency.pk:
            continue
        existing = TaskAssignment.objects.filter(task_id=assignment.task_id, agency=agency).first()
        if existing is not None:
            if lead_or(existing.role, assignment.role) != existing.role:
                part_handed_on(part=existing, day=today)
                existing.role, existing.inherited_from_id, existing.inherited_on = assignment.role, assignment.agency_id, today
                existing.save(update_fields=["role", "inherited_from", "inherited_on"])
            part_folded(part=assignment, into=existing, day=today)
            assignment.delete()
            assignment = existing  # the part that now carries the task (a deleted row has no id to name it by)
        else:
            part_handed_on(part=assignment, day=today)
            assignment.inherited_from_id, assignment.inherited_on = assignment.agency_id, today
            assignment.agency = agency
            assignment.save(update_fields=["agency", "inherited_from", "inherited_on"])
        moved += 1
        handed.append(assignment)
    tasks_progress_refresh(task_ids=sorted({a.task_id for a in assignments}))
    tasks_reassigned(assignments=handed, agency=agency, by=by)  # the agency that must now act is told
    figures_changed()
    return moved


def _created_remove(decision: ReorganisationDecision, agency_ids: list[int]) -> None:
    """The agencies applying created go with its undo, unless something else now refers to them (then they stay)."""
    for agency in Agency.objects.filter(pk__in=agency_ids):
        decision.changes.filter(target=agency, new_code=agency.code).update(target=None)  # the change names it again
        if _referred(agency):
            decision.changes.filter(new_code=agency.code, target=None).update(target=agency)
            continue
        agency.delete()


def _referred(agency: Agency) -> bool:
    """Does any row refer to ``agency`` (tasks, reports, users, memberships, plans, other decisions…)? The dashboard's kept
    counts do not count: they are recounted from those rows (``tasks.kept``) and go with the agency."""
    for relation in agency._meta.related_objects:
        model = relation.related_model
        if model in (LeadPartCount, SentLeadCount):
            continue
        if isinstance(model, type) and model._base_manager.filter(**{relation.field.name: agency}).exists():
            return True
    return False


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None
