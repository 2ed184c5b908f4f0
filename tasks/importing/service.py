"""The one way an annex gets into the portal: read everything, report every error, write all or nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from core.text import search_key
from plans.models import Agency, Plan

from .agencies import AgencyMatcher
from .errors import AnnexRejected, RowError
from .headers import map_columns
from .parts import annex_parts
from .reader import open_annex, read_bytes
from .rows import ParsedAnnex, RowReader
from .writer import ImportSummary, annex_write

Progress = Callable[[str, int, int], None]


@dataclass
class ImportOutcome:
    """What an import did (or, for a dry run or a rejected file, would do)."""

    errors: list[RowError] = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)
    sheet: str = ""
    title_lines: list[str] = field(default_factory=list)
    sections: int = 0
    tasks: int = 0
    dry_run: bool = False
    preview: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # name -> {"sheet", "rows", "preview"} of each other table read, and what writing it did (parts.py)
    parts: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        # The other tables of the annex (parts.py), when it has any: their sheet, rows, first rows and what writing did.
        return ({"parts": self.parts} if self.parts else {}) | {
            "created": self.summary.created,
            "updated": self.summary.updated,
            "unchanged": self.summary.unchanged,
            "missing": self.summary.missing,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": self.warnings,
        }


def annex_read(*, data: bytes, plan_start, progress: Progress | None = None, plan_date=None, plan: Plan | None = None) -> ParsedAnnex:
    """Parse an annex into sections and tasks, and the other tables the registered parts read (``parts``),
    collecting every error (raises only for unreadable files)."""
    sheet = open_annex(data)
    try:
        columns, problems = map_columns(sheet.header)
        errors = [
            RowError(sheet.header_row if index >= 0 else None, header, header if index >= 0 else "", message)
            for index, header, message in problems
        ]
        if errors:
            raise AnnexRejected(errors)
        matcher = AgencyMatcher(on=plan_date or plan_start)
        reader = RowReader(header=sheet.header, columns=columns, plan_start=plan_start, matcher=matcher, title_lines=sheet.title_lines)
        # The limit counts tasks: section titles, notes and blank rows between them do not use it up.
        max_tasks = int(getattr(settings, "IMPORT_MAX_ROWS", 20000))
        for count, (row, values) in enumerate(sheet.rows, start=1):
            reader.read(row, values)
            if len(reader.result.tasks) > max_tasks:
                message = _("The annex has more than %(limit)d task rows: split it into several files.") % {"limit": max_tasks}
                raise AnnexRejected([RowError(row, "", "", message)])
            if progress and count % 500 == 0:
                progress("read", count, 0)
        annex = reader.finish()
        annex.sheet_name = sheet.name
        if plan is not None:
            for part in annex_parts():
                read = part.read(workbook=sheet.workbook, task_sheet=sheet.name, plan=plan, matcher=matcher, on=plan_date or plan_start)
                if read is not None:
                    annex.parts[part.name] = read
                    annex.errors.extend(read.errors)
        annex.warnings = matcher.warnings + [warning for read in annex.parts.values() for warning in read.warnings]
        return annex
    finally:
        sheet.close()


def annex_import(
    *, plan: Plan, upload, dry_run: bool = False, progress: Progress | None = None, preview_rows: int = 20, by=None
) -> ImportOutcome:
    """Import a plan's task annex. Any error rejects the whole file and writes nothing."""
    outcome = ImportOutcome(dry_run=dry_run)
    try:
        data = read_bytes(upload)
        annex = annex_read(data=data, plan_start=plan.starts_on, progress=progress, plan_date=plan.issued_on, plan=plan)
    except AnnexRejected as rejected:
        outcome.errors = rejected.errors
        return outcome
    outcome.sheet, outcome.title_lines = annex.sheet_name, annex.title_lines
    outcome.sections, outcome.tasks = len(annex.sections), len(annex.tasks)
    outcome.preview = [_preview(task) for task in annex.tasks[:preview_rows]]
    outcome.errors, outcome.warnings = annex.errors, annex.warnings
    outcome.parts = {
        name: {"sheet": read.sheet, "rows": len(read.items), "preview": read.preview[:preview_rows]} for name, read in annex.parts.items()
    }
    if annex.errors:
        return outcome
    outcome.summary = annex_write(
        plan=plan,
        annex=annex,
        dry_run=dry_run,
        progress=(lambda done, total: progress("write", done, total)) if progress else None,
        by=by,
    )
    for name, counts in outcome.summary.parts.items():
        outcome.parts[name].update(counts)
    outcome.warnings += [
        _("%(old)s has handed its work to %(new)s since %(date)s: its open tasks go to %(new)s, its completed ones stay its own.")
        % {"old": agency.short_name, "new": link.successor.short_name, "date": link.effective_on.strftime("%d/%m/%Y")}
        for agency, link in outcome.summary.handed_over
    ]
    holders = Agency.objects.in_bulk({holder for _number, _agency, holder, _day in outcome.summary.kept_with_holder})
    outcome.warnings += [
        _(
            "Task %(number)s: the part the plan gives to %(named)s has been held by %(holder)s since %(date)s "
            "(reassigned by the coordinator or moved by a decision); importing the annex again keeps it there."
        )
        % {"number": number, "named": agency.short_name, "holder": holders[holder].name, "date": day.strftime("%d/%m/%Y") if day else "—"}
        for number, agency, holder, day in outcome.summary.kept_with_holder
    ]
    return outcome


def _preview(task) -> dict:
    return {
        "row": task.row,
        "section": task.section.number if task.section else "",
        "number": task.number,
        "title": task.title,
        "leads": [entry.name for entry in task.leads],
        "cooperating": [entry.name for entry in task.cooperating],
        "timeframe": task.timeframe.text,
        "start_date": task.timeframe.start,
        "due_date": task.timeframe.due,
    }


def annex_title_lines(data: bytes) -> list[str]:
    """The text above the task table (national header, "PHỤ LỤC", the annex title)."""
    sheet = open_annex(data)
    sheet.close()
    return sheet.title_lines


def annex_title(title_lines: list[str]) -> str:
    """The title an annex gives itself: the line after "PHỤ LỤC" (not the "(Kèm theo …)" line)."""

    keys = [search_key(line) for line in title_lines]
    if "phu luc" in keys:
        for line in title_lines[keys.index("phu luc") + 1 :]:
            if not line.startswith("("):
                return line
    candidates = [line for line, key in zip(title_lines, keys, strict=True) if "doc lap" not in key and "cong hoa" not in key]
    return max(candidates, key=len) if candidates else ""
