"""A plan's tasks out of the portal: the JSON (the columns of ``tasks.columns.PUBLIC_TASKS``) and the annex layout in Excel.

The Excel file has the province's annex layout (title rows, header, column numbers, section
rows, tasks) with status and progress added; importing it back changes nothing.
"""

import datetime
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from core.columns import CHUNK_ROWS
from core.xlsx_writer import CellStyle, Pipe, SheetWriter
from plans.models import Agency, AgencyGroup, Plan

from .choices import AssignmentRole
from .columns import task_as_dict
from .importing.parts import annex_parts
from .models import Task, TaskAssignment
from .selectors import named_prefetch
from .services import group_members
from .status import status_expression, status_label

HEADERS = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Sản phẩm",
    "Ghi chú",
    "Tình trạng",
    "Tiến độ (%)",
]


def plan_tasks(plan: Plan, *, today: datetime.date | None = None):
    """The plan's tasks in plan order with status, section and assignments (a fixed number of queries)."""
    today = today or timezone.localdate()
    return (
        Task.objects.filter(plan=plan)
        .select_related("section")
        .annotate(status_code=status_expression(today))
        .prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("agency", "via_group").order_by("agency__name")),
            named_prefetch(),
        )
        .order_by("section__position", "position", "id")
    )


def plan_tasks_json(plan: Plan) -> list[dict]:
    return [task_as_dict(task) for task in plan_tasks(plan)]


def _agency_cell(task: Task, role: str, groups: dict[int, set[int]]) -> str:
    """Agencies as the annex wrote them: a whole group by its name, others by official name.

    A group counts as whole when its members are all assigned through it, except those the
    task names itself (a lead that is also a member of the cooperating group, say).
    """
    names: list[str] = []
    via: dict[int, list] = {}
    named_elsewhere = {a.agency_id for a in task.assignments.all() if a.role != role or not a.via_group_id}
    for assignment in task.assignments.all():
        if assignment.role != role:
            continue
        if assignment.via_group_id:
            via.setdefault(assignment.via_group_id, []).append(assignment)
        else:
            names.append(assignment.agency.name)
    for group_id, assignments in via.items():
        if {a.agency_id for a in assignments} | named_elsewhere >= groups.get(group_id, set()):
            names.append(assignments[0].via_group.name)
        else:
            names.extend(a.agency.name for a in assignments)
    return "; ".join(names)


def _local_number(task: Task) -> str | int:
    number = task.number
    if task.section and number.startswith(task.section.number + "."):
        number = number[len(task.section.number) + 1 :]
    return int(number) if number.isdigit() else number


def annex_rows(plan: Plan) -> Iterator[list]:
    """Rows of the annex layout, title rows first."""
    yield ["ỦY BAN NHÂN DÂN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    yield [f"TỈNH {settings.PORTAL_PROVINCE.upper()}", None, "Độc lập - Tự do - Hạnh phúc"]
    yield []
    yield ["PHỤ LỤC"]
    yield [f"DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ {plan.symbol} NGÀY {plan.issued_on:%d/%m/%Y}".upper()]
    yield [f"(Kèm theo Kế hoạch số {plan.symbol} ngày {plan.issued_on:%d/%m/%Y} của {plan.issuer})"]
    yield []
    yield HEADERS
    yield [f"({index})" for index in range(1, len(HEADERS) + 1)]
    groups = {group_id: {agency.pk for agency in agencies} for group_id, agencies in group_members(on=plan.issued_on).items()}
    section_id = object()
    for task in plan_tasks(plan).iterator(chunk_size=CHUNK_ROWS):
        if task.section_id != section_id:
            section_id = task.section_id
            if task.section:
                yield [task.section.number, task.section.title]
        yield [
            _local_number(task),
            task.title,
            _agency_cell(task, AssignmentRole.LEAD, groups),
            _agency_cell(task, AssignmentRole.COOPERATING, groups),
            task.timeframe,
            task.product,
            task.note,
            status_label(task.status_code, extended=bool(task.extended_due_date)),
            task.progress,
        ]


ANNEX_WIDTHS = [6, 60, 28, 32, 18, 28, 16, 22, 10]
CHUNK_BYTES = 64 * 1024
ANNEX_STYLES = {
    "bold": CellStyle(font="Times New Roman", bold=True, wrap=True),
    "plain": CellStyle(font="Times New Roman", wrap=True),
}


def plan_tasks_xlsx_chunks(plan: Plan) -> Iterator[bytes]:
    """The annex layout as .xlsx bytes, handed out while written: the first before any task is read, then every
    few hundred rows (``core.xlsx_writer``; the tasks are read ``CHUNK_ROWS`` at a time, never all held).

    A plan whose annex carries other tables (its indicators…) needs several sheets: openpyxl writes them to a
    temporary file, in constant memory too, handed out once written."""
    if any(part.exports(plan=plan) for part in annex_parts()):
        with tempfile.TemporaryFile() as file:
            _plan_tasks_workbook(plan, file)
            file.seek(0)
            yield from iter(lambda: file.read(CHUNK_BYTES), b"")
        return
    pipe = Pipe()
    with SheetWriter(pipe, "Phụ lục", styles=ANNEX_STYLES, widths=ANNEX_WIDTHS) as sheet:
        yield pipe.take()
        for index, row in enumerate(annex_rows(plan), start=1):
            style = "bold" if index <= 9 or (len(row) == 2 and row[1]) else "plain"  # title rows, headers, sections
            sheet.append([(value, style) for value in row])
            if index % 500 == 0 and (chunk := pipe.take()):
                yield chunk
    yield pipe.take()


def plan_tasks_xlsx(plan: Plan, output) -> None:
    """Write the annex layout to ``output`` (a path or a binary file) in constant memory."""
    if isinstance(output, str | Path):
        with open(output, "wb") as file:
            plan_tasks_xlsx(plan, file)
        return
    for chunk in plan_tasks_xlsx_chunks(plan):
        output.write(chunk)


def _plan_tasks_workbook(plan: Plan, output) -> None:
    """The annex with every other table it carries (a plan's indicators…), each on its sheet, written by openpyxl."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Phụ lục")
    for column, width in zip("ABCDEFGHI", (6, 60, 28, 32, 18, 28, 16, 22, 10), strict=True):
        sheet.column_dimensions[column].width = width
    bold, wrap = Font(name="Times New Roman", bold=True), Alignment(wrap_text=True, vertical="top")
    plain = Font(name="Times New Roman")
    for index, row in enumerate(annex_rows(plan), start=1):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text as typed, never a formula (core.spreadsheets)
            cell.font = bold if index <= 9 or (len(row) == 2 and row[1]) else plain
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    for part in annex_parts():  # the other tables the annex carries (a plan's indicators…), read back by the import
        part.export(plan=plan, workbook=workbook)
    workbook.save(output)


def annex_template_xlsx(output) -> None:
    """A blank annex for offices to fill: the header row, an example, and the registry's spellings."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    rows = [
        ["ỦY BAN NHÂN DÂN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [f"TỈNH {settings.PORTAL_PROVINCE.upper()}", None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["PHỤ LỤC"],
        ["DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ …/KH-UBND NGÀY …/…/…"],
        [],
        HEADERS[:7],
        [f"({index})" for index in range(1, 8)],
    ]
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFG", (6, 60, 28, 32, 18, 28, 16), strict=True):
        sheet.column_dimensions[column].width = width
    for cell in sheet[7]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Nhóm nhiệm vụ: một dòng có số La Mã (I, II, …) ở cột STT và tên nhóm ở cột Nội dung, ví dụ:"])
    guide.append(["I", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"])
    guide.append(["Nhiệm vụ: số thứ tự, nội dung, cơ quan chủ trì, cơ quan phối hợp, thời gian, sản phẩm, ví dụ:"])
    guide.append([1, "Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg", "Sở TT&TT", "Các sở, ban, ngành tỉnh", "Quý IV/2018", "Tin, bài"])
    guide.append([])
    guide.append(["Thời gian thực hiện: ghi theo một trong các dạng sau"])
    for example in (
        "Thường xuyên",
        "Hằng năm",
        "Năm 2018",
        "Quý IV/2018",
        "Tháng 10/2017",
        "6 tháng đầu năm 2018",
        "2017 - 2020",
        "Trước ngày 30/9/2018",
        "30/9/2018",
    ):
        guide.append([example])
    guide.append([])
    guide.append(["Cơ quan: ghi tên chính thức, tên viết tắt hoặc mã; nhiều cơ quan cách nhau bởi dấu chấm phẩy hoặc xuống dòng"])
    guide.append(["Mã", "Tên chính thức", "Cách viết khác"])
    for entry in [*AgencyGroup.objects.order_by("name"), *Agency.objects.active_on().order_by("name")]:
        guide.append([entry.code, entry.name, "; ".join(entry.aliases)])
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 60
    guide.column_dimensions["C"].width = 50
    workbook.save(output)
