"""Writing a read annex into a plan: all rows or none, in bulk, with history."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Plan, Section
from vinhlong_cmcn4.bulk import bulk_insert_returning, bulk_insert_rows
from vinhlong_cmcn4.shared_figures import figures_changed
from vinhlong_cmcn4.text import search_keys

from ..models import Task, TaskAssignment
from ..ordering import order_key
from ..services import assignments_expand, group_members
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


def _assignment_keys(expanded: dict) -> set[tuple[int, str, int | None]]:
    return {(agency_id, role, group.pk if group else None) for agency_id, (_agency, role, group) in expanded.items()}


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
    members = group_members()
    existing = {task.number: task for task in Task.objects.filter(plan=plan)}
    current_assignments: dict[int, set] = {}
    for assignment in TaskAssignment.objects.filter(task__plan=plan).values_list("task_id", "agency_id", "role", "via_group_id"):
        current_assignments.setdefault(assignment[0], set()).add(assignment[1:])

    to_create: list[dict] = []
    to_update: list[Task] = []
    wanted: dict[str, dict] = {}
    total = len(annex.tasks)
    for done, parsed in enumerate(annex.tasks, start=1):
        expanded = assignments_expand(leads=parsed.leads, cooperating=parsed.cooperating, members=members)
        wanted[parsed.number] = expanded
        task = existing.get(parsed.number)
        values = _values(parsed, sections, plan=plan, position=done)
        if task is None:
            row = {**values, "plan_id": plan.pk, "number": parsed.number}
            row["search_text"] = search_keys(*(row[name] for name in Task.SEARCH_FIELDS))
            to_create.append(row)
        else:
            changed = any(getattr(task, name) != value for name, value in values.items())
            if changed:
                for name, value in values.items():
                    setattr(task, name, value)
                task.refresh_search_text()
                to_update.append(task)
            elif _assignment_keys(expanded) != current_assignments.get(task.pk, set()):
                to_update.append(task)
            else:
                summary.unchanged += 1
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)

    now = timezone.now()
    _insert(to_create, now)
    if to_update:
        Task.objects.bulk_update(to_update, [name.removesuffix("_id") for name in TASK_FIELDS] + ["search_text"], batch_size=BATCH)
    recorded = _history_columns()
    _history(to_create, "+", by, now)
    _history([{column: getattr(task, column) for column in recorded} for task in to_update], "~", by, now)
    summary.created, summary.updated = len(to_create), len(to_update)

    changed_ids = {row["number"]: row["id"] for row in to_create} | {task.number: task.pk for task in to_update}
    if changed_ids:
        TaskAssignment.objects.filter(task__in=to_update).delete()
        bulk_insert_rows(
            TaskAssignment,
            ["task_id", "agency_id", "role", "via_group_id"],
            (
                (task_id, agency.pk, role, group.pk if group else None)
                for number, task_id in changed_ids.items()
                for agency, role, group in wanted[number].values()
            ),
        )
    summary.missing = sorted(set(existing) - set(wanted), key=_natural)
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


def _history_columns() -> list[str]:
    recorded = {field.attname for field in Task.history.model._meta.concrete_fields}
    return [field.attname for field in Task._meta.concrete_fields if field.attname in recorded]


def _history(rows: list[dict], kind: str, by, now) -> None:
    """One history row per created ("+") or changed ("~") task, as django-simple-history keeps them."""
    if not rows:
        return
    columns = _history_columns()
    reason = _("Imported from the Excel annex")
    bulk_insert_rows(
        Task.history.model,
        [*columns, "history_date", "history_type", "history_change_reason", "history_user_id"],
        ([*(row[column] for column in columns), now, kind, reason, by.pk if by else None] for row in rows),
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
