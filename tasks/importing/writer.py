"""Writing a read annex into a plan: all rows or none, in bulk, with history."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import Plan, Section

from ..models import Task, TaskAssignment
from ..services import assignments_expand, group_members
from .rows import ParsedAnnex, ParsedTask

TASK_FIELDS = ("section_id", "position", "title", "product", "note", "timeframe", "start_date", "due_date", "recurrence")
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
    *, plan: Plan, annex: ParsedAnnex, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Create or update the plan's sections and tasks from ``annex``; roll back when ``dry_run``.

    Tasks are matched by their number in the plan (which carries the section where numbering
    restarts); tasks the file no longer lists are reported in ``missing``, never deleted.
    """
    summary = ImportSummary()
    sections = _sections(plan, annex, summary)
    members = group_members()
    existing = {task.number: task for task in Task.objects.filter(plan=plan)}
    current_assignments: dict[int, set] = {}
    for assignment in TaskAssignment.objects.filter(task__plan=plan).values_list("task_id", "agency_id", "role", "via_group_id"):
        current_assignments.setdefault(assignment[0], set()).add(assignment[1:])

    to_create: list[Task] = []
    to_update: list[Task] = []
    wanted: dict[str, dict] = {}
    total = len(annex.tasks)
    for done, parsed in enumerate(annex.tasks, start=1):
        expanded = assignments_expand(leads=parsed.leads, cooperating=parsed.cooperating, members=members)
        wanted[parsed.number] = expanded
        task = existing.get(parsed.number)
        values = _values(parsed, sections, position=done)
        if task is None:
            task = Task(plan=plan, number=parsed.number, **values)
            task.refresh_search_text()
            to_create.append(task)
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

    bulk_create_with_history(to_create, Task, batch_size=BATCH)
    if to_update:
        bulk_update_with_history(to_update, Task, [name.removesuffix("_id") for name in TASK_FIELDS] + ["search_text"], batch_size=BATCH)
    summary.created, summary.updated = len(to_create), len(to_update)

    changed_tasks = {task.number: task for task in (*to_create, *to_update)}
    if changed_tasks:
        TaskAssignment.objects.filter(task__in=to_update).delete()
        TaskAssignment.objects.bulk_create(
            [
                TaskAssignment(task=task, agency=agency, role=role, via_group=group)
                for number, task in changed_tasks.items()
                for agency, role, group in wanted[number].values()
            ],
            batch_size=BATCH,
        )
    summary.missing = sorted(set(existing) - set(wanted), key=_natural)
    if dry_run:
        transaction.set_rollback(True)
    return summary


def _values(parsed: ParsedTask, sections: dict[str, Section], *, position: int) -> dict:
    return {
        "section_id": sections[parsed.section.number].pk if parsed.section else None,
        "position": position,
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
