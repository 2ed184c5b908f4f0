"""Reads of tasks that encode rules: status, progress roll-ups, visibility."""

import datetime
from typing import NamedTuple

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.search import phrase_q, search_filter, search_rank
from plans.models import Plan

from .choices import AssignmentRole, Recurrence, TaskStatus
from .models import PastHolding, Task, TaskAssignment, TaskCount
from .status import status_expression, year_window


def task_list(
    *, tasks: QuerySet[Task], today: datetime.date | None = None, query: str = "", machine: bool = False, named: bool | None = None
) -> QuerySet[Task]:
    """Tasks with their derived ``status_code``, section, plan and agencies, in plan order.

    ``tasks`` is an already restricted queryset (``policy.restrict`` or ``policy.public``). With
    ``machine`` (the API, which gives the plan's id and symbol and the agencies' codes): of the plans,
    agencies and tasks only what ``tasks.columns.PUBLIC_TASKS`` reads, so a page builds fewer objects.
    ``named`` (by default with ``machine``): the agencies the plan named are read too (:func:`parts_as_named`),
    for the exports and the API that give them; a page that does not show them skips the query.
    """
    today = today or timezone.localdate()
    named = machine if named is None else named
    # Found by the query's syllables, the tasks holding its whole phrase first.
    tasks = search_filter(tasks, query, ranked=False).alias(search_rank=search_rank(query)) if query else tasks
    assignments = TaskAssignment.objects.select_related("agency").order_by("role", "agency__name")
    if machine:
        # The plan's symbol, not its long texts.
        tasks = tasks.select_related("plan", "section").defer(
            "search_text", "section__search_text", "plan__search_text", "plan__title", "plan__purpose"
        )
        assignments = assignments.only("task_id", "role", "inherited_on", "inherited_from_id", "agency__code", "agency__name")
    else:
        # Not the search index nor the plan's long texts: a page of a hundred rows builds lighter objects.
        tasks = tasks.select_related("plan", "section").defer("search_text", "section__search_text", "plan__search_text", "plan__purpose")
        assignments = assignments.defer("agency__search_text")
    return (
        tasks.annotate(status_code=status_expression(today))
        .prefetch_related(Prefetch("assignments", queryset=assignments), *([named_prefetch()] if named else []))
        .order_by(
            *(["search_rank"] if query else []), "order_key", "id"
        )  # plan, section position, task position (tasks.ordering): a range of an index, not a sort
    )


def task_search(*, tasks: QuerySet[Task], query: str, limit: int) -> list[Task]:
    """The first ``limit`` of ``tasks`` found by ``query`` as :func:`task_list` orders them (the whole phrase first).

    Two reads, each in plan order and stopping at ``limit``: the tasks holding the phrase, then the others.
    One sorted read would rank every task found before keeping ``limit``: all 50,000 when a phrase is common.
    """
    found = task_list(tasks=tasks, query=query).order_by("order_key", "id")
    phrase = phrase_q(query)
    if phrase is None:
        return list(found[:limit])
    first = list(found.filter(phrase)[:limit])
    return first + (list(found.exclude(phrase)[: limit - len(first)]) if len(first) < limit else [])


def status_counts(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> dict[str, int]:
    """How many of ``tasks`` are in each status, in one query."""
    today = today or timezone.localdate()
    rows = tasks.order_by().annotate(status_code=status_expression(today)).values("status_code").annotate(n=Count("id"))
    counts = {status.value: 0 for status in TaskStatus}
    counts.update({row["status_code"]: row["n"] for row in rows})
    return counts


def status_counts_kept(counts: QuerySet[TaskCount], *, today: datetime.date | None = None) -> dict[str, int]:
    """:func:`status_counts` of the tasks these kept task counts count (``tasks.kept``: a few rows per section instead
    of every task; equal by ``assert_kept_figures_true``), in one query."""
    today = today or timezone.localdate()
    rows = counts.annotate(status_code=status_expression(today, window=year_window(today))).order_by().values("status_code")
    tallies = {status.value: 0 for status in TaskStatus}
    tallies.update({row["status_code"]: row["n"] for row in rows.annotate(n=Sum("tasks"))})
    return tallies


def family_figures_kept(plans: QuerySet[Plan]) -> dict[int, tuple[float | None, int]]:
    """Each of these plans' overall progress and number of tasks by the roll-up rule (:func:`tasks_of_plans_q`: its
    tasks and those of the plans carrying it out, each once), from the kept task counts, in one query:
    ``{plan id: (progress, tasks)}``, a plan without tasks left out. The figures of :func:`plan_progress_subquery`
    and :func:`plan_task_count_subquery`, read off every task."""
    chosen = plans.order_by().values("pk")
    rows = (
        TaskCount.objects.filter(tasks_of_plans_q(chosen))
        .order_by()
        .values("plan_id", "plan__parent_id")
        .annotate(
            own=Exists(chosen.filter(pk=OuterRef("plan_id"))),
            carried=Exists(chosen.filter(pk=OuterRef("plan__parent_id"))),
            n=Sum("tasks"),
            total=Sum("progress_sum"),
        )
    )
    sums: dict[int, list[int]] = {}
    for row in rows:
        for plan_id, counts in ((row["plan_id"], row["own"]), (row["plan__parent_id"], row["carried"])):
            if counts:
                tally = sums.setdefault(plan_id, [0, 0])
                tally[0] += row["n"]
                tally[1] += row["total"]
    return {plan_id: (total / n if n else None, n) for plan_id, (n, total) in sums.items()}


def plan_families(plan_ids, plans) -> dict[int, set[int]]:
    """Each of ``plan_ids`` with the plans that carry it out, among ``plans`` (rows with ``pk`` and ``parent_id``).

    The roll-up rule of every figure shown for a plan (its progress, status counts, lists): a plan
    carried out through agencies' own plans (``Plan.parent``) counts their tasks too; one level,
    as a child plan's own children report to it, not to its parent. A task belongs to one plan,
    so each task counts once for a plan; sum over ``set().union(*families.values())`` for totals
    across plans, never over the families (a parent and its child would count the child's tasks twice).
    """
    families = {plan_id: {plan_id} for plan_id in plan_ids}
    for plan in plans:
        if plan.parent_id in families:
            families[plan.parent_id].add(plan.pk)
    return families


def plan_family_ids(plan_ids) -> dict[int, set[int]]:
    """:func:`plan_families` of these plans, their children read in one query: ``{plan_id: {plan_id, child ids…}}``."""
    plan_ids = list(plan_ids)
    return plan_families(plan_ids, Plan.objects.filter(parent_id__in=plan_ids).only("pk", "parent_id"))


def tasks_of_plans_q(plan_ids, prefix: str = "") -> Q:
    """On ``Task`` (or through ``prefix``, e.g. ``"task__"``): the tasks of these plans and of the plans carrying them out.

    The condition form of :func:`plan_family_ids`; ``plan_ids`` is a list, a ``values("pk")`` queryset
    of plans, or an ``OuterRef`` of one plan.
    """
    if isinstance(plan_ids, OuterRef):
        # The family's plan ids first (a few rows), so the tasks are read through their plan's index.
        family = Plan.objects.filter(Q(pk=OuterRef(plan_ids)) | Q(parent_id=OuterRef(plan_ids))).values("pk")
        return Q(**{f"{prefix}plan_id__in": family})
    plan_ids = plan_ids if isinstance(plan_ids, QuerySet) else list(plan_ids)
    return Q(**{f"{prefix}plan_id__in": plan_ids}) | Q(**{f"{prefix}plan_id__in": Plan.objects.filter(parent_id__in=plan_ids).values("pk")})


def plan_progress_subquery(outer: str = "pk") -> Subquery:
    """Mean progress of a plan's tasks and of the tasks of the plans that carry it out (:func:`tasks_of_plans_q`).

    The roll-up rule shown on every page: each task counts once, whatever its weight;
    a plan carried out through agencies' own plans takes their tasks' progress too.
    """
    tasks = (
        Task.objects.filter(tasks_of_plans_q(OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(mean=Avg("progress"))
        .values("mean")
    )
    return Subquery(tasks)


def plan_task_count_subquery(outer: str = "pk") -> Coalesce:
    tasks = (
        Task.objects.filter(tasks_of_plans_q(OuterRef(outer)))
        .order_by()
        .annotate(group=Value(1, output_field=IntegerField()))
        .values("group")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(tasks), 0)


def lead_agencies(task: Task) -> list:
    """Lead agencies of a task whose assignments were prefetched by :func:`task_list`."""
    return [a.agency for a in task.assignments.all() if a.role == AssignmentRole.LEAD]


def cooperating_agencies(task: Task) -> list:
    return [a.agency for a in task.assignments.all() if a.role == AssignmentRole.COOPERATING]


# The agencies a plan named, kept on the parts they were handed to: read with ``task_list`` (``named``) or one query.
NAMED_ATTR = "named_before"


def named_prefetch() -> Prefetch:
    """The past holders that held a part from the plan's start (``held_from`` empty): the agencies the plan named."""
    return Prefetch(
        "past_holdings",
        queryset=PastHolding.objects.filter(held_from__isnull=True).select_related("agency").order_by("held_to", "pk"),
        to_attr=NAMED_ATTR,
    )


def parts_as_named(task: Task, role: str) -> list[tuple]:
    """The agencies the plan (its annex) named in ``role``, each with the agency holding that part now: ``(named, holder)``.

    An agency a part was handed on from (a decision, a reassignment, an annex carried to today's holders) or
    folded from (its successor already had a part) is kept as a past holder from the plan's start; it is named
    here with the part's holder, so what the plan said stays readable. A part held from the start names its
    holder twice. Reads the task's prefetched assignments and :func:`named_prefetch` (or one query without it).
    """
    assignments = list(task.assignments.all())
    holders = {a.pk: a.agency for a in assignments}
    named_before = getattr(task, NAMED_ATTR, None)
    if named_before is None:
        named_before = list(
            PastHolding.objects.filter(task=task, held_from__isnull=True).select_related("agency").order_by("held_to", "pk")
        )
    earlier: dict[int, list[PastHolding]] = {}
    for past in named_before:
        if past.part_id in holders:
            earlier.setdefault(past.part_id, []).append(past)
    named: list[tuple] = []
    for part in assignments:
        pasts = earlier.get(part.pk, [])
        for past in pasts:
            if past.role == role:
                named.append((past.agency, part.agency))
        if part.role != role:
            continue
        if part.inherited_on is None:
            named.append((part.agency, part.agency))
        elif not any(past.role == role for past in pasts):  # handed on before past holders were kept
            named.append((part.inherited_from or part.agency, part.agency))
    return list(dict.fromkeys(named))


def figures_moved_by_tasks(task_ids: list[int]) -> tuple[set[int], set[int]]:
    """The plans and agencies whose cached figures a change of these tasks moves (``shared_figures.figures_changed``):
    each task's plan and the plan it carries out (whose figures take its tasks, ``plan_families``), and every
    agency assigned to it (one query)."""
    plans, agencies = set(), set()
    for plan_id, parent_id, agency_id in Task.objects.filter(pk__in=task_ids).values_list(
        "plan_id", "plan__parent_id", "assignments__agency_id"
    ):
        plans.add(plan_id)
        if parent_id is not None:
            plans.add(parent_id)
        if agency_id is not None:
            agencies.add(agency_id)
    return plans, agencies


def plan_with_parent(plan: Plan) -> set[int]:
    """A loaded plan and the plan it carries out, if any: the plans whose figures take its tasks."""
    return {plan.pk} if plan.parent_id is None else {plan.pk, plan.parent_id}


def plan_and_parent(plan_id: int) -> set[int]:
    """A plan and the plan it carries out, if any: the plans whose figures take its tasks (one query)."""
    return {plan_id, *Plan.objects.filter(pk=plan_id).exclude(parent=None).values_list("parent_id", flat=True)}


def task_moved(task, *, created: bool, update_fields, deleted: bool):
    """A task saved or deleted moves its plan's figures (its assignments name their agencies when they change);
    a task saved whole again (the admin's form) may have left another plan, which the signal does not say: everything."""
    if not (created or deleted) and (update_fields is None or {"plan", "plan_id"} & set(update_fields)):
        return None
    if created or deleted:
        return plan_and_parent(task.plan_id), set()
    return figures_moved_by_tasks([task.pk])


def assignment_moved(row, *, created: bool, update_fields, deleted: bool):
    """An assignment moves its task's plan and agencies; one saved whole again may have left another agency or task: everything."""
    if not (created or deleted) and (update_fields is None or {"agency", "agency_id", "task", "task_id"} & set(update_fields)):
        return None
    return extension_moved(row, created=created, update_fields=update_fields, deleted=deleted)


def extension_moved(row, **kwargs):
    """An extension (asked, decided) moves its task's plan and agencies: the task is judged against another date."""
    plans, agencies = figures_moved_by_tasks([row.task_id])
    if not plans:  # its task is gone already
        return None
    return plans, agencies | {row.agency_id}


class Holding(NamedTuple):
    """One part of a task as held on a day (a row of :func:`holdings_on`)."""

    task_id: int
    part_id: int  # the assignment that carries the part today
    agency_id: int  # who held it on the day
    role: str
    via_group_id: int | None
    held_from: datetime.date | None  # None: from the plan's start
    past_id: int | None  # the ``PastHolding`` row; None when the part's holder on the day holds it today
    predecessors: tuple[int, ...]  # the agencies that held this part before it, by the day (oldest first)


def open_work_q(prefix: str = "") -> Q:
    """On ``Task`` (or through ``prefix``): work still owed, which a reorganisation hands on to the successor.

    A one-off task is closed once completed; a recurring task ("Hằng năm", "Thường xuyên") owes again each
    year or period, so a completion (last year's work) does not close it. What is closed stays with the
    agencies that did it (history).
    """
    return Q(**{f"{prefix}completed_on__isnull": True}) | ~Q(**{f"{prefix}recurrence": Recurrence.NONE})


def held_on_q(on: datetime.date, *, past: bool = False, prefix: str = "") -> Q:
    """On ``TaskAssignment`` (``past``: on ``PastHolding``), or through ``prefix``: the row's agency held the part on ``on``.

    A part passes on the day a decision takes effect (or a reassignment is made): from that day the new
    holder holds it, up to the day before its predecessor did. The one condition of :func:`holdings_on`,
    also read by ``reports.compliance.obligation``.
    """
    since = f"{prefix}held_from" if past else f"{prefix}inherited_on"
    held = Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lte": on})
    return held & Q(**{f"{prefix}held_to__gt": on}) if past else held


def holdings_on(*, on: datetime.date, tasks: Q | None = None, role: str | None = None, agency_id: int | None = None) -> list[Holding]:
    """Who held each part of the tasks matching ``tasks`` (a condition through ``task__``) on ``on`` (three queries).

    The one answer to "who held this part of this task on day D": a part's holder today from the day it
    received it (``TaskAssignment.inherited_on``), and before that the agencies recorded as its past
    holders (``PastHolding``), a part folded into another agency's part included. Each holding carries
    its predecessors for that part: for today's holder every agency that held the part (or a part folded
    into it) before ``on``; for a past holder those that handed it on by the day it received it.
    ``role`` and ``agency_id`` narrow the answer (one plan and one agency for a kept figure).
    """
    tasks = tasks if tasks is not None else Q()
    narrow = Q()
    if role is not None:
        narrow &= Q(role=role)
    if agency_id is not None:
        narrow &= Q(agency_id=agency_id)
    fields = ("task_id", "agency_id", "role", "via_group_id")
    current = TaskAssignment.objects.filter(tasks, narrow, held_on_q(on)).values_list("pk", *fields, "inherited_on")
    past = PastHolding.objects.filter(tasks, narrow, held_on_q(on, past=True)).values_list("part_id", *fields, "held_from", "pk")
    rows = [(*row, None) for row in current.order_by("task_id", "pk")] + list(past.order_by("task_id", "part_id", "pk"))
    before: dict[int, list[tuple[datetime.date, int]]] = {}
    parts = {row[0] for row in rows}
    if parts:
        ended = PastHolding.objects.filter(tasks, held_to__lte=on).order_by("held_to", "pk").values_list("part_id", "held_to", "agency_id")
        for part_id, held_to, agency in ended:
            if part_id in parts:
                before.setdefault(part_id, []).append((held_to, agency))
    holdings = []
    # A plan's tens of thousands of parts repeat a few hundred agencies and a role or two: each value is held once.
    agency_values: dict[int, int] = {}
    role_values: dict[str, str] = {}
    agencies, roles = agency_values.setdefault, role_values.setdefault
    for part_id, task_id, agency, part_role, group_id, held_from, past_id in rows:
        earlier = before.get(part_id)
        predecessors: tuple[int, ...] = ()
        if earlier:
            if past_id is not None:
                earlier = [item for item in earlier if held_from is not None and item[0] <= held_from]
            predecessors = tuple(dict.fromkeys(a for _day, a in earlier if a != agency))
        holdings.append(
            Holding(task_id, part_id, agencies(agency, agency), roles(part_role, part_role), group_id, held_from, past_id, predecessors)
        )
    return holdings
