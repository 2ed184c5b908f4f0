"""Writing a read annex into a plan: all rows or none, in bulk, with history."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import bulk_insert_returning, bulk_insert_rows
from core.shared_figures import figures_changed
from core.text import search_keys
from plans.models import Agency, AgencyLineage, Plan, Section
from plans.selectors import holding_links
from plans.workdays import current_calendar

from ..kept import WHOLE_PLAN, lead_parts_batch, task_counts_moved, tasks_parts_lock
from ..models import PastHolding, Task, TaskAssignment
from ..ordering import order_key
from ..services import Carried, assignments_carry, assignments_expand, carried_part, carried_past_holdings, group_members
from ..status import working_due_date
from .parts import annex_parts
from .rows import ParsedAnnex, ParsedTask

TASK_FIELDS = ("section_id", "position", "order_key", "title", "product", "note", "timeframe", "start_date", "due_date", "recurrence")
BATCH = 1000


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sections_created: int = 0
    missing: list[str] = field(default_factory=list)  # task numbers in the plan but no longer in the file
    # Agencies the file names whose work another agency holds now (a merger, a renaming): (as written, the link to the holder).
    handed_over: list[tuple[Agency, AgencyLineage]] = field(default_factory=list)
    # Open parts the task's own history keeps with their holder (a coordinator's reassignment, a split's destination),
    # where the registry alone would give them elsewhere: (task number, agency as written, holder id, since).
    kept_with_holder: list[tuple[str, Agency, int, datetime.date | None]] = field(default_factory=list)
    parts: dict[str, dict] = field(default_factory=dict)  # name -> what each other table's writing did (parts.py)


Link = tuple[int, str, int | None]  # an assignment as the plan writes it: agency id, role, group it came through


def _links(expanded: dict, named: dict[int, Agency]) -> tuple[Link, ...]:
    named.update((agency_id, agency) for agency_id, (agency, _role, _group) in expanded.items())
    return tuple((agency_id, role, group.pk if group else None) for agency_id, (_agency, role, group) in expanded.items())


@transaction.atomic
def annex_write(
    *, plan: Plan, annex: ParsedAnnex, dry_run: bool = False, progress: Callable[[int, int], None] | None = None, by=None
) -> ImportSummary:
    """Create or update the plan's sections and tasks from ``annex``; roll back when ``dry_run``.

    Tasks are matched by their number in the plan (which carries the section where numbering
    restarts); tasks the file no longer lists are reported in ``missing``, never deleted.
    """
    summary = ImportSummary()
    if connection.vendor == "postgresql":
        # An import can simply be run again, so it need not wait for the WAL flush at commit
        # (half a second for 10,000 tasks); a crash in that window loses the import, never consistency.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    sections = _sections(plan, annex, summary)
    members = group_members(on=plan.issued_on)  # a plan of 2017 still names the districts of 2017
    existing = {task.number: task for task in Task.objects.filter(plan=plan)}
    current_assignments: dict[int, set] = {}
    moved: dict[int, dict] = {}  # task id -> retired agency -> (agency, day, change) its part went to
    for task_id, agency_id, role, group_id, *inherited in TaskAssignment.objects.filter(task__plan=plan).values_list(
        "task_id", "agency_id", "role", "via_group_id", "inherited_from_id", "inherited_on", "inherited_via_id"
    ):
        current_assignments.setdefault(task_id, set()).add((agency_id, role, group_id))
        if inherited[0] is not None:
            moved.setdefault(task_id, {})[inherited[0]] = (agency_id, *inherited[1:])
    _moved_before(plan, moved)
    # Open work is held by today's agencies (the portal's "now" is the real calendar): a plan of 2017 names
    # Sở TT&TT, whose open tasks Sở KH&CN has held since 01/03/2025, and writing the plan again must not undo that.
    holding = holding_links(as_of=timezone.localdate())
    named: dict[int, Agency] = {}
    carried: dict[tuple, tuple[Carried, ...]] = {}
    handed: set[int] = set()
    calendar = current_calendar()
    judged: dict = {}  # due date -> the working day it is judged by (Task.save's rule, once per date)
    expansions: dict[tuple, tuple[Link, ...]] = {}  # annexes repeat the same agencies thousands of times

    to_create: list[dict] = []
    to_update: list[Task] = []
    wanted: dict[str, tuple[Carried, ...]] = {}
    written_links: dict[str, tuple[Link, ...]] = {}
    total = len(annex.tasks)
    for done, parsed in enumerate(annex.tasks, start=1):
        key = (tuple(parsed.leads), tuple(parsed.cooperating))
        links = expansions.get(key)
        if links is None:
            links = expansions[key] = _links(assignments_expand(leads=parsed.leads, cooperating=parsed.cooperating, members=members), named)
        task = existing.get(parsed.number)
        if task is not None and task.completed_on is not None:  # completed: it stays with the agencies that did it
            parts = tuple((*link, None, None, None) for link in links)
        elif task is not None and task.pk in moved:
            parts = assignments_carry(links, holding=holding, moved=moved[task.pk])
            handed.update(agency_id for agency_id, _role, _group in links if agency_id in holding)
            summary.kept_with_holder += _kept(parsed.number, links, holding=holding, moved=moved[task.pk], named=named)
        else:
            parts = carried.get(key)
            if parts is None:
                parts = carried[key] = assignments_carry(links, holding=holding)
                handed.update(agency_id for agency_id, _role, _group in links if agency_id in holding)
        wanted[parsed.number] = parts
        written_links[parsed.number] = links if task is None or task.completed_on is None else ()
        values = _values(parsed, sections, plan=plan, position=done)
        if task is None:
            row = {**values, "plan_id": plan.pk, "number": parsed.number}
            row["search_text"] = search_keys(*(row[name] for name in Task.SEARCH_FIELDS))
            due = row["due_date"]
            if due not in judged:
                judged[due] = working_due_date(due, None, calendar)
            row["effective_due_date"] = judged[due]
            to_create.append(row)
        else:
            changed = any(getattr(task, name) != value for name, value in values.items())
            if changed:
                for name, value in values.items():
                    setattr(task, name, value)
                task.refresh_search_text()
                task.effective_due_date = working_due_date(task.due_date, task.extended_due_date, calendar)
                to_update.append(task)
            elif {part[:3] for part in parts} != current_assignments.get(task.pk, set()):
                to_update.append(task)
            else:
                summary.unchanged += 1
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)

    now = timezone.now()
    # The tasks it rewrites, locked first in order (``tasks_parts_lock``): as every other writer of tasks' parts.
    tasks_parts_lock(task.pk for task in to_update)
    with lead_parts_batch() as kept_agencies:  # the kept counts of the agencies whose lead parts these writes move, once
        task_counts_moved([(plan.pk, WHOLE_PLAN)])  # and the plan's task counts, once at the end
        _insert(to_create, now)
        if to_update:
            fields = [name.removesuffix("_id") for name in TASK_FIELDS] + ["search_text", "effective_due_date"]
            Task.objects.bulk_update(to_update, fields, batch_size=BATCH)
        _history([row["id"] for row in to_create], "+", by, now)
        _history([task.pk for task in to_update], "~", by, now)
        summary.created, summary.updated = len(to_create), len(to_update)

        # A task whose parts are as they stand keeps its rows, and with them who held each part when (``PastHolding``).
        rewritten = [task for task in to_update if {part[:3] for part in wanted[task.number]} != current_assignments.get(task.pk, set())]
        changed_ids = {row["number"]: row["id"] for row in to_create} | {task.number: task.pk for task in rewritten}
        # Kept counts: the agencies of every written task (a redated task that keeps its parts moves their counts too).
        kept_agencies.update(part[0] for number in {*changed_ids, *(task.number for task in to_update)} for part in wanted[number])
        if changed_ids:
            TaskAssignment.objects.filter(task__in=rewritten).delete()
            bulk_insert_rows(
                TaskAssignment,
                ["task_id", "agency_id", "role", "via_group_id", "inherited_from_id", "inherited_on", "inherited_via_id"],
                ((task_id, *part) for number, task_id in changed_ids.items() for part in wanted[number]),
            )
            # What the plan named stays readable: the agencies it named hold their parts until the day they passed on.
            carried_past_holdings({task_id: written_links[number] for number, task_id in changed_ids.items()}, holding=holding, moved=moved)
    summary.missing = sorted(set(existing) - set(wanted), key=_natural)
    summary.handed_over = sorted(((named[agency_id], holding[agency_id]) for agency_id in handed), key=lambda pair: pair[0].name)
    parts = {part.name: part for part in annex_parts()}
    for name, read in annex.parts.items():  # the other tables (a plan's indicators…), in the same transaction
        summary.parts[name] = parts[name].write(plan=plan, read=read, by=by)
    if dry_run:
        transaction.set_rollback(True)
    else:
        figures_changed()
    return summary


INSERT_COLUMNS = [
    "plan_id",
    "number",
    *TASK_FIELDS,
    "progress",
    "completed_on",
    "extended_due_date",
    "effective_due_date",
    "created_at",
    "updated_at",
    "search_text",
]


def _insert(rows: list[dict], now) -> None:
    """Insert new tasks as plain rows (no model instances: the cost of a 10,000-task import)."""
    for row in rows:
        row.update(progress=0, completed_on=None, extended_due_date=None, created_at=now, updated_at=now)
    ids = bulk_insert_returning(Task, INSERT_COLUMNS, [[row[column] for column in INSERT_COLUMNS] for row in rows])
    for row, task_id in zip(rows, ids, strict=True):
        row["id"] = task_id


def _history(task_ids: list[int], kind: str, by, now) -> None:
    """One history row per created ("+") or changed ("~") task, as django-simple-history keeps them.

    Copied from the rows just written by the database itself (``INSERT … SELECT``): what the history
    records is what was stored, and no row travels through Python twice.
    """
    if not task_ids:
        return
    history = Task.history.model
    recorded = {field.attname for field in history._meta.concrete_fields}
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in Task._meta.concrete_fields if field.attname in recorded)
    extra = ", ".join(quote(name) for name in ("history_date", "history_type", "history_change_reason", "history_user_id"))
    stamp = [connection.ops.adapt_datetimefield_value(now), kind, _("Imported from the Excel annex"), by.pk if by else None]
    with connection.cursor() as cursor:
        for start in range(0, len(task_ids), BATCH):
            chunk = task_ids[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({names}, {extra}) "  # noqa: S608 - names from the models
                f"SELECT {names}, %s, %s, %s, %s FROM {quote(Task._meta.db_table)} "
                f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {quote('id')}",
                [*stamp, *chunk],
            )


def _values(parsed: ParsedTask, sections: dict[str, Section], *, plan: Plan, position: int) -> dict:
    section = sections[parsed.section.number] if parsed.section else None
    return {
        "section_id": section.pk if section else None,
        "position": position,
        "order_key": order_key(plan_id=plan.pk, section_position=section.position if section else None, position=position),
        "title": parsed.title,
        "product": parsed.product,
        "note": parsed.note,
        "timeframe": parsed.timeframe.text,
        "start_date": parsed.timeframe.start,
        "due_date": parsed.timeframe.due,
        "recurrence": parsed.timeframe.recurrence,
    }


def _sections(plan: Plan, annex: ParsedAnnex, summary: ImportSummary) -> dict[str, Section]:
    existing = {section.number: section for section in Section.objects.filter(plan=plan)}
    for position, parsed in enumerate(annex.sections, start=1):
        section = existing.get(parsed.number)
        if section is None:
            section = Section(plan=plan, number=parsed.number)
            summary.sections_created += 1
        if section.pk is None or (section.title, section.position) != (parsed.title, position):
            section.title, section.position = parsed.title, position
            section.save()
        existing[parsed.number] = section
    return existing


def _natural(number: str) -> list:
    return [int(part) if part.isdigit() else part for part in number.replace(".", " ").split()]


def _moved_before(plan: Plan, moved: dict[int, dict]) -> None:
    """Add to ``moved`` (task id -> agency -> (agency, day, change) its part went to) every earlier hand-over of the
    plan's open parts recorded in their past holders: a part reassigned twice, or reassigned after a decision, is
    followed hop by hop to its holder (``tasks.services.carried_part``)."""
    pasts: dict[int, list] = {}
    holders: dict[int, int] = {}
    for part_id, task_id, agency_id, held_to, change_id, folded, holder_id in (
        PastHolding.objects.filter(task__plan=plan, task__completed_on__isnull=True)
        .order_by("part_id", "held_to", "pk")
        .values_list("part_id", "task_id", "agency_id", "held_to", "change_id", "folded", "part__agency_id")
    ):
        pasts.setdefault(part_id, []).append((task_id, agency_id, held_to, change_id, folded))
        holders[part_id] = holder_id
    for part_id, rows in pasts.items():
        chain = [row for row in rows if not row[4]]  # the part's own holders in turn; folded ones joined it on their day
        for task_id, agency_id, held_to, change_id, _folded in rows:
            after = next((row[1] for row in chain if row[2] > held_to), holders[part_id])
            if after != agency_id:
                moved.setdefault(task_id, {}).setdefault(agency_id, (after, held_to, change_id))


def _kept(number: str, links, *, holding, moved, named: dict[int, Agency]) -> list[tuple]:
    """The parts of an open task that its history keeps with a holder other than the one the registry alone gives."""
    kept = []
    for link in links:
        holder = carried_part(link, holding=holding, moved=moved)
        if holder[0] != carried_part(link, holding=holding)[0]:
            kept.append((number, named[link[0]], holder[0], holder[4]))
    return kept
