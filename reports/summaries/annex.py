"""The summary's Excel annex: every task with its lead agencies, timeframe, status, progress and
the period's report, written row by row (openpyxl write-only mode) so memory stays flat."""

import datetime
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

from tasks.choices import TaskStatus
from vinhlong_cmcn4.spreadsheets import neutralise

from .snapshot import tasks_at_cutoff

FONT = "Times New Roman"
THIN = Side(style="thin", color="999999")
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


def _styles(workbook: Workbook) -> None:
    """Named styles, registered once: a style object per cell costs openpyxl a lookup each time."""
    border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    for name, size, bold, wrap, framed, align in [
        ("annex-title", 14, True, False, False, "left"),
        ("annex-subtitle", 13, True, False, False, "left"),
        ("annex-note", 12, False, False, False, "left"),
        ("annex-header", 12, True, True, True, "center"),
        ("annex-text", 12, False, True, True, "left"),
        ("annex-number", 12, False, True, True, "center"),
    ]:
        style = NamedStyle(name=name)
        style.font = Font(name=FONT, size=size, bold=bold)
        style.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=align)
        if framed:
            style.border = border
        workbook.add_named_style(style)


def _cell(sheet, value, style: str = "annex-text"):
    cell = WriteOnlyCell(sheet, value=neutralise(value) if isinstance(value, str) else value)
    cell.style = style
    return cell


def summary_annex_write(*, summary, results: dict[int, str], leads: dict[int, list[str]], path: Path) -> int:
    """Write the annex of ``summary`` to ``path``; ``results`` maps a task id to its reports' text,
    ``leads`` to its lead agencies' names.

    Returns the number of task rows. Statuses and progress are those of the snapshot (at the cut-off).
    """
    data = summary.snapshot
    as_of = datetime.date.fromisoformat(data["period"]["last_day"])
    workbook = Workbook(write_only=True)
    _styles(workbook)
    sheet = workbook.create_sheet(title="Phụ lục")
    for index, (_title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A5"
    number = f"{summary.number}/" if summary.number else "     /"
    sheet.append([_cell(sheet, "PHỤ LỤC", "annex-title")])
    sheet.append(
        [_cell(sheet, f"Kết quả thực hiện nhiệm vụ của Kế hoạch số {data['plan']['symbol']} — {data['period']['label']}", "annex-subtitle")]
    )
    sheet.append([_cell(sheet, f"(Kèm theo Báo cáo số {number}BC-UBND; số liệu đến ngày {as_of:%d/%m/%Y})", "annex-note")])
    sheet.append([_cell(sheet, title, "annex-header") for title, _width in COLUMNS])
    labels = {status.value: str(status.label) for status in TaskStatus}
    rows = (
        tasks_at_cutoff(summary.plan, as_of)
        .order_by("position", "pk")
        .values("id", "section__number", "number", "title", "timeframe", "due_date", "status_code", "progress_at_cutoff")
    )
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=1000), start=1):
        sheet.append(
            [
                _cell(sheet, count, "annex-number"),
                _cell(sheet, row["section__number"] or ""),
                _cell(sheet, row["number"]),
                _cell(sheet, row["title"]),
                _cell(sheet, "; ".join(leads.get(row["id"], []))),
                _cell(sheet, row["timeframe"]),
                _cell(sheet, row["due_date"].strftime("%d/%m/%Y") if row["due_date"] else _("None (ongoing)")),
                _cell(sheet, labels[row["status_code"]]),
                _cell(sheet, round(row["progress_at_cutoff"]), "annex-number"),
                _cell(sheet, results.get(row["id"], "")),
            ]
        )
    workbook.save(path)
    return count


def annex_tempfile() -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - closed here, removed by the caller
    handle.close()
    return Path(handle.name)
