"""The summary's Excel annex: every task with its lead agencies, timeframe, status, progress and
the period's report, streamed row by row into the file with six cell styles declared once
(``core.xlsx_writer``), so time and memory stay flat however many tasks the plan has."""

import datetime
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from core.xlsx_writer import CellStyle, SheetWriter
from tasks.choices import TaskStatus
from tasks.status import status_label

from .snapshot import TaskAtCutoff, task_rows

FONT = "Times New Roman"
BORDER = "999999"
COLUMNS = [
    ("STT", 6),
    ("Nhóm nhiệm vụ", 12),
    ("Số TT", 8),
    ("Nhiệm vụ", 50),
    ("Cơ quan chủ trì", 28),
    ("Thời gian thực hiện", 18),
    ("Hạn hoàn thành", 14),
    ("Tình trạng", 22),
    ("Tiến độ (%)", 10),
    ("Kết quả trong kỳ", 60),
]
STYLES = {
    "title": CellStyle(font=FONT, size=14, bold=True),
    "subtitle": CellStyle(font=FONT, size=13, bold=True),
    "note": CellStyle(font=FONT, size=12),
    "header": CellStyle(font=FONT, size=12, bold=True, wrap=True, border=BORDER, horizontal="center"),
    "text": CellStyle(font=FONT, size=12, wrap=True, border=BORDER),
    "number": CellStyle(font=FONT, size=12, wrap=True, border=BORDER, horizontal="center"),
    "date": CellStyle(font=FONT, size=12, border=BORDER, horizontal="center", number_format="dd/mm/yyyy"),
}


def summary_annex_write(*, summary, leads: dict[int, list[str]], path: Path, tasks: Iterable[TaskAtCutoff] | None = None) -> int:
    """Write the annex of ``summary`` to ``path``: each task with its reports' results quoted in the snapshot,
    ``leads`` maps a task id to its lead agencies' names; ``tasks`` are the rows the snapshot was made from
    (``snapshot.task_rows``; read again when not given).

    Returns the number of task rows. Statuses and progress are those of the snapshot (at the cut-off).
    """
    data = summary.snapshot
    as_of = datetime.date.fromisoformat(data["period"]["last_day"])
    ongoing = _("None (ongoing)")
    labels = {(status, extended): status_label(status, extended=extended) for status in TaskStatus.values for extended in (False, True)}
    rows = tasks if tasks is not None else task_rows(summary.plan, as_of)
    results = _results_of(data["sections"])
    count = 0
    with SheetWriter(path, "Phụ lục", styles=STYLES, widths=[width for _title, width in COLUMNS], freeze_rows=4) as sheet:
        sheet.append([("PHỤ LỤC", "title")])
        plan_line = f"Kết quả thực hiện nhiệm vụ của Kế hoạch số {data['plan']['symbol']} — {data['period']['label']}"
        sheet.append([(plan_line, "subtitle")])
        sheet.append([(annex_note(summary.number, as_of), "note")])
        sheet.append([(title, "header") for title, _width in COLUMNS])
        dated = ("number", "text", "text", "text", "text", "text", "date", "text", "number", "text")
        undated = (*dated[:6], "text", *dated[7:])
        for count, task in enumerate(rows, start=1):
            sheet.append_values(
                [
                    count,
                    task.section_number or "",
                    task.number,
                    task.title,
                    "; ".join(leads.get(task.id, [])),
                    task.timeframe,
                    task.due_date or ongoing,
                    labels[task.status, task.extended],
                    round(float(task.progress)),
                    results(task),
                ],
                dated if task.due_date else undated,
            )
    return count


def _results_of(sections: list[dict]) -> Callable[[TaskAtCutoff], str]:
    """A task's results as its annex row gives them, one line "agency: text" per report the snapshot quotes.

    A task's quotes stand together in its section's list (the snapshot takes the reports in task order): where each
    task's first one is, not its text, is all that is kept while the annex is written (at 50,000 tasks the texts
    joined beforehand held ~10 MB).
    """
    quotes = {section["id"]: section["results"] for section in sections}
    first: dict[int, int] = {}
    for items in quotes.values():
        for index, item in enumerate(items):
            first.setdefault(item["task_id"], index)

    def results(task: TaskAtCutoff) -> str:
        index = first.get(task.id)
        if index is None:
            return ""
        items, lines = quotes[task.section_id], []
        while index < len(items) and items[index]["task_id"] == task.id:
            lines.append(f"{items[index]['agency']}: {items[index]['text']}")
            index += 1
        return "\n".join(lines)

    return results


def annex_note(number: str, as_of: datetime.date) -> str:
    """The line under the annex's title naming the báo cáo it goes with (its number blank before issue)."""
    return f"(Kèm theo Báo cáo số {number or '     '}/BC-UBND; số liệu đến ngày {as_of:%d/%m/%Y})"


def annex_number_write(content: bytes, *, number: str, as_of: datetime.date) -> bytes:
    """The compiled annex with the number written into its note, every other byte of its sheet unchanged:
    issuing freezes the draft's annex (its rows are the draft's figures) instead of computing it again."""
    old, new = escape(annex_note("", as_of)), escape(annex_note(number, as_of))
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as reading, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as writing:
        for item in reading.infolist():
            data = reading.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                if old.encode() not in data[:10_000]:
                    raise ValueError("the annex has no blank number to fill in")
                data = data.replace(old.encode(), new.encode(), 1)
            writing.writestr(item, data)
    return target.getvalue()


def annex_tempfile() -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - closed here, removed by the caller
    handle.close()
    return Path(handle.name)
