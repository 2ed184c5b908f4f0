"""The summary's Excel annex: every task with its lead agencies, timeframe, status, progress and
the period's report, streamed row by row into the file with six cell styles declared once
(``core.xlsx_writer``), so time and memory stay flat however many tasks the plan has."""

import datetime
import tempfile
from pathlib import Path

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
}


def summary_annex_write(
    *, summary, results: dict[int, str], leads: dict[int, list[str]], path: Path, tasks: list[TaskAtCutoff] | None = None
) -> int:
    """Write the annex of ``summary`` to ``path``; ``results`` maps a task id to its reports' text,
    ``leads`` to its lead agencies' names; ``tasks`` are the rows the snapshot was made from
    (``snapshot.task_rows``; read again when not given).

    Returns the number of task rows. Statuses and progress are those of the snapshot (at the cut-off).
    """
    data = summary.snapshot
    as_of = datetime.date.fromisoformat(data["period"]["last_day"])
    number = f"{summary.number}/" if summary.number else "     /"
    ongoing = _("None (ongoing)")
    labels = {(status, extended): status_label(status, extended=extended) for status in TaskStatus.values for extended in (False, True)}
    rows = tasks if tasks is not None else task_rows(summary.plan, as_of)
    count = 0
    with SheetWriter(path, "Phụ lục", styles=STYLES, widths=[width for _title, width in COLUMNS], freeze_rows=4) as sheet:
        sheet.append([("PHỤ LỤC", "title")])
        plan_line = f"Kết quả thực hiện nhiệm vụ của Kế hoạch số {data['plan']['symbol']} — {data['period']['label']}"
        sheet.append([(plan_line, "subtitle")])
        sheet.append([(f"(Kèm theo Báo cáo số {number}BC-UBND; số liệu đến ngày {as_of:%d/%m/%Y})", "note")])
        sheet.append([(title, "header") for title, _width in COLUMNS])
        for count, task in enumerate(rows, start=1):
            sheet.append(
                [
                    (count, "number"),
                    (task.section_number or "", "text"),
                    (task.number, "text"),
                    (task.title, "text"),
                    ("; ".join(leads.get(task.id, [])), "text"),
                    (task.timeframe, "text"),
                    (task.due_date.strftime("%d/%m/%Y") if task.due_date else ongoing, "text"),
                    (labels[task.status, task.extended], "text"),
                    (round(float(task.progress)), "number"),
                    (results.get(task.id, ""), "text"),
                ]
            )
    return count


def annex_tempfile() -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - closed here, removed by the caller
    handle.close()
    return Path(handle.name)
