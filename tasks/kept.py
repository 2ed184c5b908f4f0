"""Kept counts the dashboard reads instead of every task, assignment and report: tasks per section (``TaskCount``)
and lead parts per agency (``LeadPartCount``), and, registered by ``reports``, the lead reports sent per agency
and period (``reports.figures``, a :class:`Keeper`).

Task counts: a row counts one section's tasks that share the columns the rules read (recurrence, due dates,
completion) with the sum of their progress; :func:`task_counts_refresh` counts a section's (or a plan's) rows
again in the transaction of the change, on every save or delete of a task and from the services that write tasks
in bulk.

Lead parts: a row counts one agency's lead parts on one plan's tasks that share every column the rules read (the task's
recurrence, judged due date, completion and start, the part's group and the day it was received); the status
and the obligation to report are worked out on the rows for the day asked (``tasks.status``,
``reports.compliance.obligation``), so nothing goes stale when a date passes without a write.

:func:`lead_parts_refresh` counts an agency's rows again from its assignments (and the keepers' rows), in the
transaction of the change. Every save or delete of a task or an assignment calls it (:func:`connect`); the
services that write tasks or assignments in bulk (imports, reorganisations, the calendar's due dates, progress
from reports) call it themselves, or gather the work in :func:`lead_parts_batch`. :func:`lead_parts_drift` compares
every kept row with the recount (tests, the daily upkeep, ``manage.py kept_figures``).
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from asgiref.local import Local
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from core.locking import locked
from core.shared_figures import figures_changed

from .choices import AssignmentRole
from .models import LeadPartCount, Task, TaskAssignment, TaskCount

# The columns a kept row is grouped by, as read from an assignment.
COLUMNS = {
    "plan_id": "task__plan_id",
    "agency_id": "agency_id",
    "via_group_id": "via_group_id",
    "recurrence": "task__recurrence",
    "effective_due_date": "task__effective_due_date",
    "completed_on": "task__completed_on",
    "start_date": "task__start_date",
    "inherited_on": "inherited_on",
}
# A task's columns that move its rows (a save naming none of them, e.g. progress alone, moves nothing).
TASK_FIELDS = {"plan", "plan_id", "recurrence", "due_date", "extended_due_date", "effective_due_date", "completed_on", "start_date"}
ASSIGNMENT_FIELDS = {"task", "task_id", "agency", "agency_id", "role", "via_group", "via_group_id", "inherited_on"}


def _counted(agencies: Iterable[int] | None) -> QuerySet:
    assignments = TaskAssignment.objects.filter(role=AssignmentRole.LEAD)
    if agencies is not None:
        assignments = assignments.filter(agency_id__in=list(agencies))
    return assignments.order_by().values(*COLUMNS.values()).annotate(parts=Count("id"))


def _rows(agencies: Iterable[int] | None) -> list[LeadPartCount]:
    return [LeadPartCount(**{name: row[path] for name, path in COLUMNS.items()}, parts=row["parts"]) for row in _counted(agencies)]


def lead_parts_refresh(*, agencies: Iterable[int] | None = None) -> None:
    """Count these agencies' kept rows again (every agency's when None) from their lead assignments; in the writing transaction.

    Two transactions refreshing the same agency take turns (a lock per agency on PostgreSQL; SQLite writes one at a time).
    """
    ids = None if agencies is None else sorted(set(agencies))
    if ids == []:
        return
    with transaction.atomic(savepoint=False):
        agencies_lock(ids)
        kept = LeadPartCount.objects.all() if ids is None else LeadPartCount.objects.filter(agency_id__in=ids)
        kept.delete()
        LeadPartCount.objects.bulk_create(_rows(ids), batch_size=2000)
        for keeper in _keepers:
            keeper.refresh(ids)


def agencies_lock(ids: list[int] | None) -> None:
    """Inside a transaction: these agencies' kept rows (every agency's: None) are this transaction's until it ends
    (PostgreSQL; SQLite writes one at a time). Every writer of an agency's kept rows takes it first.

    Every agency's is the lead parts' table locked against writers; some agencies' take the same table's writers' lock
    before their own, so they wait for a recount of every agency to commit, and it for them. A keeper's recount of one
    agency's rows touches no lead part (``agency_rows_moved``): without it, it deleted only the rows it could see while
    the whole recount's went in beside its own (counted twice)."""
    if connection.vendor != "postgresql" or ids == []:
        return
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("LOCK TABLE tasks_leadpartcount IN EXCLUSIVE MODE")
        else:  # the table's writers' lock, then the agencies' in order: one round trip, in that order
            cursor.execute(
                "LOCK TABLE tasks_leadpartcount IN ROW EXCLUSIVE MODE; "
                "SELECT pg_advisory_xact_lock(2029, id) FROM unnest(%s::int[]) AS id ORDER BY id",
                [sorted(set(ids))],
            )


class Keeper(NamedTuple):
    """Another table kept per agency from its lead parts (an app above ``tasks``: the sent reports' counts)."""

    refresh: Callable[[list[int] | None], None]  # count these agencies' rows again (all: None), in the writing transaction
    drift: Callable[[], dict]  # the kept counts that differ from the recount


_keepers: list[Keeper] = []


def keeper_register(keeper: Keeper) -> None:
    """From an app's ``ready``: ``keeper`` is refreshed with the lead parts, for the same agencies and in the same transaction."""
    if keeper not in _keepers:
        _keepers.append(keeper)


# Task counts: the columns a kept row is grouped by; a task's fields that move its row.
TASK_COUNT_COLUMNS = ("plan_id", "section_id", "recurrence", "due_date", "effective_due_date", "completed_on")
TASK_COUNT_FIELDS = TASK_FIELDS | {"section", "section_id", "progress"}
WHOLE_PLAN = "*"  # as a key's section: every section of the plan


def _task_keys_q(keys: set[tuple]) -> Q:
    condition = Q(pk__in=[])
    for plan_id, section_id in keys:
        if section_id == WHOLE_PLAN:
            condition |= Q(plan_id=plan_id)
        else:
            condition |= Q(plan_id=plan_id, section_id=section_id)
    return condition


def _task_counted(keys: set[tuple] | None) -> QuerySet:
    tasks = Task.objects.all() if keys is None else Task.objects.filter(_task_keys_q(keys))
    return tasks.order_by().values(*TASK_COUNT_COLUMNS).annotate(n=Count("id"), total=Sum("progress"))


def task_counts_refresh(*, keys: Iterable[tuple] | None = None) -> None:
    """Count these (plan, section) keys' kept rows again (section ``WHOLE_PLAN``: every section of the plan; every row
    when None) from the tasks; in the writing transaction. Two transactions on the same plan take turns (PostgreSQL)."""
    wanted = None if keys is None else set(keys)
    if wanted == set():
        return
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if wanted is None:
                    cursor.execute("LOCK TABLE tasks_taskcount IN EXCLUSIVE MODE")
                else:
                    plans = sorted({plan_id for plan_id, _section in wanted})
                    cursor.execute("SELECT pg_advisory_xact_lock(2030, id) FROM unnest(%s::int[]) AS id ORDER BY id", [plans])
        (TaskCount.objects.all() if wanted is None else TaskCount.objects.filter(_task_keys_q(wanted))).delete()
        TaskCount.objects.bulk_create(
            [
                TaskCount(**{name: row[name] for name in TASK_COUNT_COLUMNS}, tasks=row["n"], progress_sum=row["total"] or 0)
                for row in _task_counted(wanted)
            ],
            batch_size=2000,
        )


def task_counts_drift() -> dict[tuple, tuple]:
    """The kept task counts that differ from the recount: {("tasks", plan, section, …): ((kept n, sum), (recounted n, sum))}."""
    kept: dict[tuple, tuple[int, int]] = {}
    for row in TaskCount.objects.values(*TASK_COUNT_COLUMNS, "tasks", "progress_sum"):
        key = ("tasks", *(row[name] for name in TASK_COUNT_COLUMNS))
        n, total = kept.get(key, (0, 0))
        kept[key] = (n + row["tasks"], total + row["progress_sum"])
    counted = {("tasks", *(row[name] for name in TASK_COUNT_COLUMNS)): (row["n"], row["total"] or 0) for row in _task_counted(None)}
    return {
        key: (kept.get(key, (0, 0)), counted.get(key, (0, 0)))
        for key in set(kept) | set(counted)
        if kept.get(key, (0, 0)) != counted.get(key, (0, 0))
    }


logger = logging.getLogger(__name__)
_batch = Local()
EVERY = -1  # in a batch's set: every agency's rows moved


@contextmanager
def lead_parts_batch() -> Iterator[set[int]]:
    """Writes of many tasks or assignments at once: the agencies their saves and deletes move (and those the caller adds
    to the set given) are counted again once, when the block ends (inside the caller's transaction)."""
    if getattr(_batch, "agencies", None) is not None:  # an outer batch counts them
        yield _batch.agencies
        return
    pending: set[int] = set()
    keys: set = set()
    narrow: dict[tuple, Callable[[], None]] = {}
    _batch.agencies, _batch.keys, _batch.narrow = pending, keys, narrow
    try:
        yield pending
    finally:
        _batch.agencies = _batch.keys = _batch.narrow = None
    task_counts_refresh(keys=None if EVERY in keys else keys)  # plans before agencies, as every writer locks them
    whole = None if EVERY in pending else pending
    if whole is None:
        lead_parts_refresh(agencies=None)  # every row: the narrow counts with them
        return
    left = {key: refresh for key, refresh in narrow.items() if key[0] not in whole}
    if not whole and not left:
        return  # a step that moved no agency's rows (most of a deadline day's: saved, sent for approval)
    with transaction.atomic(savepoint=False):
        agencies_lock(sorted(whole | {key[0] for key in left}))  # one lock, in order, for all of them
        lead_parts_refresh(agencies=whole)
        for refresh in left.values():
            refresh()


def agency_rows_moved(agency_id: int, key: tuple, refresh: Callable[[], None]) -> None:
    """Some of an agency's rows of a keeper (``key`` names which, e.g. one period's) moved while its lead parts did not:
    ``refresh`` counts them again now, under the agency's lock, or at the end of the batch being written, after the
    plans' and with the batch's agencies locked in one go (unless the batch counts the agency's rows whole)."""
    narrow = getattr(_batch, "narrow", None)
    if narrow is not None:
        narrow[(agency_id, *key)] = refresh
        return
    with transaction.atomic(savepoint=False):
        agencies_lock([agency_id])
        refresh()


def task_counts_moved(keys: Iterable[tuple] | None) -> None:
    """These (plan, section) keys' kept task counts moved (every key's: None): counted again now, or at the end of the
    batch being written (:func:`lead_parts_batch`)."""
    pending = getattr(_batch, "keys", None)
    if pending is None:
        task_counts_refresh(keys=keys)
    else:
        pending.update([EVERY] if keys is None else keys)


def lead_parts_moved(agencies: Iterable[int] | None) -> None:
    """These agencies' kept rows moved (every agency's: None): counted again now, or at the end of the batch being
    written (:func:`lead_parts_batch`)."""
    pending = getattr(_batch, "agencies", None)
    if pending is None:
        lead_parts_refresh(agencies=agencies)
    else:
        pending.update([EVERY] if agencies is None else agencies)


def lead_agencies_of(task_ids: Iterable[int]) -> set[int]:
    """The agencies leading parts of these tasks (one query): whose kept rows a change of the tasks moves."""
    return set(TaskAssignment.objects.filter(task_id__in=list(task_ids), role=AssignmentRole.LEAD).values_list("agency_id", flat=True))


def _key(row: dict | LeadPartCount) -> tuple:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(get(name) for name in COLUMNS)


def lead_parts_drift() -> dict[tuple, tuple[int, int]]:
    """The kept counts that differ from the recount: {(plan, agency, …columns): (kept, recounted)}, the registered
    keepers' too (:func:`keeper_register`); empty when they agree."""
    kept: Counter = Counter()
    for row in LeadPartCount.objects.values(*COLUMNS, "parts"):
        kept[_key(row)] += row["parts"]
    counted = Counter({tuple(row[path] for path in COLUMNS.values()): row["parts"] for row in _counted(None)})
    drift: dict = {key: (kept[key], counted[key]) for key in set(kept) | set(counted) if kept[key] != counted[key]}
    drift.update(task_counts_drift())
    for keeper in _keepers:
        drift.update(keeper.drift())
    return drift


def lead_parts_rebuild() -> int:
    """Count every kept row again (the daily upkeep, ``manage.py kept_figures``); returns how many counts had drifted
    (written outside the services: ``update()`` or SQL by hand), logged when any did."""
    with transaction.atomic():
        drift = lead_parts_drift()
        if drift:
            logger.warning("kept lead part counts drifted from the recount (%d counts): rebuilt", len(drift))
            task_counts_refresh()
            lead_parts_refresh()
            figures_changed()
    return len(drift)


# Every save or delete of a task or an assignment, the admin's forms included.


def _task_saving(sender, *, instance: Task, update_fields=None, **kwargs) -> None:
    """The plan and section a task had before this save (a form may move it): its old row moves too."""
    before = None
    if instance.pk and (update_fields is None or {"plan", "plan_id", "section", "section_id"} & set(update_fields)):
        before = Task.objects.filter(pk=instance.pk).values_list("plan_id", "section_id").first()
    instance._kept_before = before  # type: ignore[attr-defined]


def plan_left(task: Task) -> int | None:
    """In a task's ``post_save``: the plan it left in this save (a form gave it another), None when it stayed."""
    before = getattr(task, "_kept_before", None)
    return before[0] if before and before[0] != task.plan_id else None


def _task_saved(sender, *, instance: Task, created: bool, update_fields=None, **kwargs) -> None:
    if created or update_fields is None or TASK_COUNT_FIELDS & set(update_fields):
        before = getattr(instance, "_kept_before", None)
        task_counts_moved({(instance.plan_id, instance.section_id), *([before] if before else [])})
    if created or update_fields is None or TASK_FIELDS & set(update_fields):
        lead_parts_moved(lead_agencies_of([instance.pk]))


def _task_deleted(sender, *, instance: Task, **kwargs) -> None:
    task_counts_moved([(instance.plan_id, instance.section_id)])


def task_parts_lock(task_id: int) -> None:
    """Inside a transaction: a write of this task's parts takes the task's row first (FOR NO KEY UPDATE, as a report's
    step does: ``reports.services.steps.report_locked``), so it and a write of the task's columns take turns.

    Each counts again the agencies it sees: a step completing the task counts the leads committed before it, and a
    lead given meanwhile, committed first, had counted its part with the task as it was before the step (not completed);
    neither counted the new lead's part with the task completed (PostgreSQL)."""
    tasks_parts_lock([task_id])


def tasks_parts_lock(task_ids: Iterable[int]) -> None:
    """Inside a transaction: the rows of every task a writer of several tasks is about to write (its parts, its
    columns), locked at once in the order of their ids, before it writes any of them (FOR NO KEY UPDATE).

    A reorganisation applied or undone, a reassignment, an import: two of them over the same tasks, each taking a task
    as it came to it, held one the other waited for (a deadlock on PostgreSQL); and a part written before its task was
    locked went past the lock a report's writer takes (``reports.services.steps.report_locked``: its task, then its
    report). Locking a task again later in the transaction (each part's save does) waits for nobody."""
    ids = sorted(set(task_ids))
    if not connection.in_atomic_block:
        return
    for start in range(0, len(ids), LOCK_BATCH):  # batches in order keep the order (an import locks thousands)
        list(locked(Task.objects.filter(pk__in=ids[start : start + LOCK_BATCH]), no_key=True).values_list("pk", flat=True))


LOCK_BATCH = 5000


def _assignment_saving(sender, *, instance: TaskAssignment, update_fields=None, **kwargs) -> None:
    """The agency a part had before this save (a form may move it to another): its rows move too."""
    before = None
    if instance.pk is None or update_fields is None or ASSIGNMENT_FIELDS & set(update_fields):
        task_parts_lock(instance.task_id)
    if instance.pk and (update_fields is None or ASSIGNMENT_FIELDS & set(update_fields)):
        before = TaskAssignment.objects.filter(pk=instance.pk).values_list("agency_id", flat=True).first()
    instance._kept_before = before  # type: ignore[attr-defined]


def _assignment_saved(sender, *, instance: TaskAssignment, created: bool, update_fields=None, **kwargs) -> None:
    if created or update_fields is None or ASSIGNMENT_FIELDS & set(update_fields):
        before = getattr(instance, "_kept_before", None)
        lead_parts_moved({instance.agency_id, *([before] if before else [])})


def _assignment_deleted(sender, *, instance: TaskAssignment, **kwargs) -> None:
    if instance.role == AssignmentRole.LEAD:
        task_parts_lock(instance.task_id)
        lead_parts_moved([instance.agency_id])


def connect() -> None:
    """From ``TasksConfig.ready``."""
    pre_save.connect(_task_saving, sender=Task, dispatch_uid="kept_task_counts_task_before")
    post_save.connect(_task_saved, sender=Task, dispatch_uid="kept_lead_parts_task")
    post_delete.connect(_task_deleted, sender=Task, dispatch_uid="kept_task_counts_task_deleted")
    pre_save.connect(_assignment_saving, sender=TaskAssignment, dispatch_uid="kept_lead_parts_assignment_before")
    post_save.connect(_assignment_saved, sender=TaskAssignment, dispatch_uid="kept_lead_parts_assignment")
    post_delete.connect(_assignment_deleted, sender=TaskAssignment, dispatch_uid="kept_lead_parts_assignment_deleted")
