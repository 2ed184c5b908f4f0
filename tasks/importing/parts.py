"""Tables an annex may carry besides the tasks (a plan's indicators, …), read, written and exported with them.

The layers run one way (core ← plans ← tasks ← indicators ← reports): the importer knows nothing of the apps
above it. Such an app registers an :class:`AnnexPart` when it starts (``AppConfig.ready``), and the importer
calls every registered part:

- reading: after the task table, each part looks for its own sheet in the same workbook; its errors (row,
  column, value, message, as the tasks') join the file's, so one error anywhere rejects the whole file;
- writing: in the transaction that writes the tasks (a dry run rolls both back);
- exporting: the plan's annex in Excel gets each part's sheet, in the layout its reading takes back.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

from .agencies import AgencyMatcher
from .errors import RowError


@dataclass
class PartRead:
    """What a part read from the workbook: its rows (the part's own objects), errors, warnings and a preview."""

    sheet: str
    items: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)


class AnnexPart(Protocol):
    name: str  # the key of its counts and preview in the import's outcome ("indicators")

    def read(self, *, workbook, task_sheet: str, plan, matcher: AgencyMatcher, on: datetime.date) -> PartRead | None:
        """Find the part's sheet in ``workbook`` (not ``task_sheet``) and read it; None when the file has none."""

    def write(self, *, plan, read: PartRead, by) -> dict:
        """Create or update the plan's rows from ``read`` (inside the import's transaction); the counts to show."""

    def exports(self, *, plan) -> bool:
        """Whether the plan has rows of this part, so that its annex needs the part's sheet."""

    def export(self, *, plan, workbook) -> None:
        """Add the part's sheet (when the plan has rows of it) to a write-only ``workbook``."""


_PARTS: dict[str, AnnexPart] = {}


def annex_part_register(part: AnnexPart) -> None:
    """Make the importer and the export call ``part`` (once per name: registering again replaces it)."""
    _PARTS[part.name] = part


def annex_parts() -> list[AnnexPart]:
    return list(_PARTS.values())
