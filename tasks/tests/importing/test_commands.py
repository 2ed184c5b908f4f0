import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from plans.choices import PlanState
from plans.models import Agency, Plan
from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.models import Task
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

from .annexes import build

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"


@pytest.fixture(autouse=True)
def registry(db):
    agency_registry_load()


def run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return str(error), error.returncode
    except SystemExit as error:
        return out.getvalue(), error.code
    return out.getvalue(), 0


def test_import_prints_one_json_object_and_exits_0():
    PlanFactory(symbol="1091/KH-UBND")
    out, code = run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND", "--json")
    assert code == 0
    assert json.loads(out) == {"created": 7, "updated": 0, "unchanged": 0, "missing": [], "errors": [], "warnings": []}


def test_a_rejected_file_exits_1_with_its_errors_as_json(tmp_path):
    PlanFactory(symbol="28/KH-UBND")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(build([["1", "Nhiệm vụ", "Sở Không Có", None, "Quý V/2018"]]))
    out, code = run("import_tasks", str(path), "--plan", "28/KH-UBND", "--json")
    assert code == 1
    errors = json.loads(out)["errors"]
    assert {e["column"] for e in errors} == {"Cơ quan chủ trì", "Thời gian thực hiện"}
    assert all(set(e) == {"row", "column", "value", "message"} for e in errors)
    assert not Task.objects.exists()


def test_an_unknown_plan_is_a_usage_error_unless_create_is_given():
    message, code = run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND")
    assert code == 2 and "--create" in message
    out, code = run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND", "--create", "--json")
    assert code == 0
    plan = Plan.objects.get(symbol="1091/KH-UBND")
    assert plan.state == PlanState.DRAFT
    assert plan.title == "DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 1091/KH-UBND NGÀY 21/6/2017"
    assert str(plan.issued_on) == "2017-06-21"


def test_a_dry_run_writes_nothing_not_even_the_created_plan():
    out, code = run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND", "--create", "--dry-run")
    assert code == 0 and "7" in out
    assert not Plan.objects.exists()


def test_wrong_arguments_exit_2():
    result = subprocess.run([sys.executable, "manage.py", "import_tasks", "--json"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2


def test_export_json_lists_tasks_with_codes_and_dates():
    PlanFactory(symbol="1091/KH-UBND", starts_on=datetime.date(2017, 6, 21))
    run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND")
    out, code = run("export_tasks", "--plan", "1091/KH-UBND", "--format", "json")
    tasks = json.loads(out)
    assert code == 0 and len(tasks) == 7
    assert tasks[0] == {
        "plan_symbol": "1091/KH-UBND",
        "section": "I",
        "number": "I.1",
        "title": "Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ đến cán bộ, công chức, viên chức, doanh nghiệp và người dân",
        "product": "Tin, bài, chuyên mục",
        "timeframe": "Thường xuyên",
        "start_date": "2017-06-21",
        "due_date": None,
        "extended_due_date": None,
        "recurrence": "ongoing",
        "lead_agencies": ["STTTT"],
        "cooperating_agencies": ["BVL", "DPTTH"],
        "status": "ongoing",
        "status_label": "Thường xuyên",
        "progress": 0,
        "lead_as_planned": ["Sở Thông tin và Truyền thông"],  # as the plan named them, with today's holder once that changes
        "cooperating_as_planned": ["Báo Vĩnh Long", "Đài Phát thanh và Truyền hình Vĩnh Long"],
    }


def test_export_xlsx_imports_back_unchanged(tmp_path):
    PlanFactory(symbol="1091/KH-UBND")
    run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND")
    path = tmp_path / "annex.xlsx"
    run("export_tasks", "--plan", "1091/KH-UBND", "--format", "xlsx", "--output", str(path))
    out, code = run("import_tasks", str(path), "--plan", "1091/KH-UBND", "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 7, "missing": [], "errors": [], "warnings": []}


def test_exports_keep_formula_like_text_as_text_cells_without_an_apostrophe_and_imports_read_them_back(tmp_path):
    plan = PlanFactory(symbol="5/KH-UBND")
    agency = Agency.objects.get(code="SNV")
    for number, title, product, note in [("1", '=HYPERLINK("http://x","bấm")', "-Báo cáo", "@ghi chú"), ("2", "+1+1", "", "")]:
        task = TaskFactory(plan=plan, section=None, number=number, title=title, product=product, note=note, timeframe="Năm 2018")
        task.start_date, task.due_date = datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)
        task.save()
        TaskAssignmentFactory(task=task, agency=agency)
    path = tmp_path / "annex.xlsx"
    run("export_tasks", "--plan", "5/KH-UBND", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert '=HYPERLINK("http://x","bấm")' in cells and "+1+1" in cells and "-Báo cáo" in cells and "@ghi chú" in cells
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)  # text cells, never formulas
    out, _code = run("import_tasks", str(path), "--plan", "5/KH-UBND", "--json")
    assert json.loads(out)["errors"] == []
    task = Task.objects.get(number="1")
    assert (task.title, task.product, task.note) == ('=HYPERLINK("http://x","bấm")', "-Báo cáo", "@ghi chú")


def test_the_admins_annex_download_starts_before_the_tasks_are_read(client, sysadmin):
    """Issue 29: the admin's "Xuất Excel" built the whole annex (openpyxl, every task prefetched) before its first byte."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    plan = PlanFactory(symbol="1091/KH-UBND")
    run("import_tasks", str(SAMPLE), "--plan", "1091/KH-UBND")
    client.force_login(sysadmin)
    response = client.get(reverse("admin:plans_plan_export_annex", args=[plan.pk]))
    assert response.status_code == 200 and response.streaming and not response.has_header("Content-Length")
    with CaptureQueriesContext(connection) as queries:
        chunks = iter(response.streaming_content)
        first = next(chunks)
    assert first.startswith(b"PK") and not any("tasks_task" in q["sql"] for q in queries.captured_queries)
    sheet = load_workbook(io.BytesIO(first + b"".join(chunks))).active
    assert sheet["A8"].value == "STT" and sheet["A8"].font.bold and sum(1 for row in sheet.iter_rows() if row[1].value) > 7
