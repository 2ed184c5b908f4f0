"""A plan's indicators in its Excel annex: imported with the tasks (preview, errors by row and column, all or
nothing, re-import updates), exported back in the layout the import reads (the round trip changes nothing)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.models import Agency
from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.exporting import plan_tasks_xlsx
from tasks.importing.import_jobs import import_job_create
from tasks.importing.parts import annex_parts
from tasks.importing.service import annex_import
from tasks.models import Task
from tasks.tests.importing.annexes import HEADER, NUMBERS, TITLE_ROWS

pytestmark = pytest.mark.django_db
TASKS = [[1, "Tuyên truyền về chuyển đổi số", "Sở TT&TT", "", "Năm 2018", "Tin, bài"]]
INDICATOR_HEADER = ["STT", "Chỉ tiêu", "Đơn vị tính", "Giá trị cơ sở", "Mục tiêu", "Năm đạt"]


@pytest.fixture(autouse=True)
def registry(db):
    agency_registry_load()


@pytest.fixture
def plan():
    coordinator = Agency.objects.get(code="STTTT")
    return PlanFactory(symbol="28/KH-UBND", starts_on=datetime.date(2017, 8, 23), coordinator=coordinator)


def annex(indicator_rows, *, header=INDICATOR_HEADER, sheet="Chỉ tiêu", tasks=TASKS, title=True) -> bytes:
    """The task annex, and a sheet of indicators after it, as an office fills them."""
    workbook = Workbook()
    first = workbook.active
    first.title = "Phụ lục"
    for row in [*TITLE_ROWS, HEADER, NUMBERS, *tasks]:
        first.append(row)
    other = workbook.create_sheet(sheet)
    if title:
        other.append(["PHỤ LỤC"])
        other.append(["CÁC CHỈ TIÊU CỦA KẾ HOẠCH"])
    other.append(header)
    for row in indicator_rows:
        other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_indicators_part_is_registered_by_the_indicators_app():
    assert "indicators" in [part.name for part in annex_parts()]


def test_a_sheet_of_indicators_is_previewed_then_imported_with_the_tasks(plan):
    data = annex(
        [
            [1, "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "40,5", 80, 2025],
            [None, None, None, None, "95", "Năm 2030"],  # a further target of the indicator above
            [2, "Số doanh nghiệp công nghệ số", "doanh nghiệp", 120, 300, 2030],
        ]
    )
    preview = annex_import(plan=plan, upload=data, dry_run=True)
    assert preview.ok, preview.errors
    assert not Indicator.objects.exists() and not Task.objects.exists()  # a dry run writes nothing
    part = preview.parts["indicators"]
    assert (part["sheet"], part["rows"], part["created"]) == ("Chỉ tiêu", 2, 2)
    assert part["preview"][0]["targets"] == "80 (2025); 95 (2030)"
    assert any("2016" in warning for warning in preview.warnings)  # the baseline's year, defaulted and said

    outcome = annex_import(plan=plan, upload=data)
    assert outcome.ok and outcome.summary.created == 1
    share, firms = Indicator.objects.filter(plan=plan).order_by("position")
    assert (share.name, share.unit, share.kind, share.direction) == ("Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "percentage", "higher")
    assert (share.baseline_value, share.baseline_year, share.agency.code) == (D("40.5"), 2016, "STTTT")  # the coordinator by default
    assert [(t.year, t.value, t.due_on) for t in share.targets.all()] == [
        (2025, 80, datetime.date(2025, 12, 31)),
        (2030, 95, datetime.date(2030, 12, 31)),
    ]
    assert (firms.kind, firms.baseline_value, [t.value for t in firms.targets.all()]) == ("number", 120, [300])


def test_every_error_is_given_by_row_and_column_in_vietnamese_and_nothing_is_written(plan):
    header = [*INDICATOR_HEADER, "Loại", "Cơ quan báo cáo"]
    data = annex(
        [
            [1, "Tỷ lệ hồ sơ trực tuyến", "%", 40, 120, 2025, "", ""],  # a percentage over 100
            [2, "Xếp hạng DTI", "", "20/63", "10/63", 2030, "Thứ hạng", ""],  # 2030: among 34
            [3, "Số điểm Wi-Fi công cộng", "điểm", "nhiều", 500, "sau này", "", "Sở Không Có Thật"],
            [4, "", "", "", 5, 2025, "", ""],  # no name
            [5, "Tỷ lệ hồ sơ trực tuyến", "%", 40, 90, 2025, "Phần nghìn", ""],  # twice, and an unknown kind
        ],
        header=header,
    )
    with translation.override("vi"):
        outcome = annex_import(plan=plan, upload=data)
    assert not outcome.ok
    where = {(error.row, error.column) for error in outcome.errors}
    assert {(4, "Mục tiêu"), (5, "Mục tiêu"), (6, "Giá trị cơ sở"), (6, "Năm đạt"), (6, "Cơ quan báo cáo"), (7, "Chỉ tiêu")} <= where
    assert (8, "Loại") in where
    messages = " ".join(error.message for error in outcome.errors)
    assert "Chỉ tiêu" in messages and "từ 0 đến 100" in messages and "34" in messages
    assert not Indicator.objects.exists() and not Task.objects.exists()  # all or nothing: the tasks neither


def test_a_header_without_the_required_columns_is_refused(plan):
    with translation.override("vi"):
        outcome = annex_import(plan=plan, upload=annex([[1, "Tỷ lệ", "%", 40]], header=["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu lạ"]))
    assert not outcome.ok
    assert {error.column for error in outcome.errors} >= {"Mục tiêu", "Năm đạt", "Số liệu lạ"}
    assert not Task.objects.exists()


def test_a_sheet_of_another_name_is_read_by_its_columns_and_a_sheet_named_chi_tieu_without_them_is_refused(plan):
    outcome = annex_import(plan=plan, upload=annex([[1, "Tỷ lệ hồ sơ trực tuyến", "%", 40, 80, 2025]], sheet="Phụ lục 2"))
    assert outcome.ok and Indicator.objects.count() == 1
    refused = annex_import(plan=plan, upload=annex([["Ghi chú"]], header=["Nội dung"], sheet="Chỉ tiêu"))
    assert not refused.ok and "Chỉ tiêu" in str(refused.errors[0])


def test_importing_again_updates_the_indicators_rather_than_adding_them(plan):
    assert annex_import(plan=plan, upload=annex([[1, "Tỷ lệ hồ sơ trực tuyến", "%", 40, 80, 2025]])).ok
    share = Indicator.objects.get()
    indicator_value_record(indicator=share, measured_on=datetime.date(2024, 12, 31), year=2024, value=D(60))
    again = annex_import(
        plan=plan,
        upload=annex([[1, "tỷ lệ hồ sơ trực tuyến", "%", 40, 85, 2025], [None, None, None, None, 95, 2030]]),
    )
    assert again.ok, again.errors
    assert again.parts["indicators"]["updated"] == 1 and again.parts["indicators"]["created"] == 0
    share = Indicator.objects.get()  # the same one, its value kept
    assert [(t.year, t.value) for t in share.targets.all()] == [(2025, 85), (2030, 95)]
    assert share.values.count() == 1
    assert share.name == "tỷ lệ hồ sơ trực tuyến"  # matched by its name whatever the case, and written as the file now has it
    unchanged = annex_import(
        plan=plan, upload=annex([[1, "tỷ lệ hồ sơ trực tuyến", "%", 40, 85, 2025], [None, None, None, None, 95, 2030]])
    )
    assert unchanged.parts["indicators"]["unchanged"] == 1 and unchanged.parts["indicators"]["updated"] == 0


def test_a_kind_its_recorded_values_do_not_fit_is_refused(plan):
    header = [*INDICATOR_HEADER, "Mã", "Loại"]
    assert annex_import(plan=plan, upload=annex([[1, "Số hồ sơ", "hồ sơ", 40, 800, 2025, "CT-01", "Số"]], header=header)).ok
    indicator_value_record(indicator=Indicator.objects.get(), measured_on=datetime.date(2024, 12, 31), year=2024, value=D(450))
    outcome = annex_import(plan=plan, upload=annex([[1, "Số hồ sơ", "%", 40, 80, 2025, "CT-01", "Tỷ lệ (%)"]], header=header))
    assert not outcome.ok and outcome.errors[0].column == "Loại" and "31/12/2024" in outcome.errors[0].message
    assert Indicator.objects.get().kind == "number"


def _exported(plan) -> bytes:
    buffer = io.BytesIO()
    plan_tasks_xlsx(plan, buffer)
    return buffer.getvalue()


def test_the_export_writes_the_indicators_sheet_and_importing_it_back_changes_nothing(plan):
    assert annex_import(plan=plan, upload=annex([])).ok  # the plan's tasks
    lead = Agency.objects.get(code="SNV")
    share = IndicatorFactory(
        plan=plan, code="CT-01", name="Tỷ lệ =hồ sơ trực tuyến", agency=lead, baseline_source="Báo cáo 2020", position=1
    )
    TargetFactory(indicator=share, year=2025, value=D("80.5"))
    TargetFactory(indicator=share, year=2030, value=D(95))
    rank = IndicatorFactory(
        plan=plan, code="DTI-VL", name="Xếp hạng DTI của tỉnh", unit="", kind="rank", direction="lower", agency=lead,
        baseline_value=D(20), baseline_year=2020, position=2,
    )  # fmt: skip
    TargetFactory(indicator=rank, year=2030, value=D(10))
    online = IndicatorFactory(
        plan=plan,
        code="",
        name="Có cổng dữ liệu mở",
        unit="",
        kind="yes_no",
        agency=lead,
        baseline_value=D(0),
        baseline_year=2020,
        position=3,
    )
    TargetFactory(indicator=online, year=2025, value=D(1))
    pci = IndicatorFactory(scope="province", plan=None, code="PCI", name="Chỉ số năng lực cạnh tranh cấp tỉnh", kind="number", unit="điểm")
    TargetFactory(indicator=pci, year=2025, value=D(68))
    pci.named_by.add(plan)

    data = _exported(plan)
    sheet = load_workbook(io.BytesIO(data))["Chỉ tiêu"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[6][:3] == ["STT", "Mã", "Chỉ tiêu"] and ["CT-01" in row for row in values].count(True) == 1
    assert any(row[2] == "Tỷ lệ =hồ sơ trực tuyến" for row in values)  # text that looks like a formula stays text

    def state():
        return sorted(
            (i.code, i.name, i.unit, i.kind, i.direction, i.baseline_value, i.baseline_year, i.baseline_source, i.agency_id, i.description,
             tuple((t.year, t.value, t.due_on) for t in i.targets.all()))
            for i in Indicator.objects.filter(plan=plan)
        )  # fmt: skip

    before = (state(), IndicatorTarget.objects.count(), list(pci.named_by.all()))
    outcome = annex_import(plan=plan, upload=data)
    assert outcome.ok, outcome.errors
    counts = outcome.parts["indicators"]
    assert (counts["created"], counts["updated"], counts["unchanged"], counts["linked"]) == (0, 0, 4, 0)
    assert (state(), IndicatorTarget.objects.count(), list(pci.named_by.all())) == before

    # Into another plan: the same indicators, created, and the province-wide index named, not copied.
    other = PlanFactory(symbol="29/KH-UBND", starts_on=datetime.date(2017, 8, 23), coordinator=plan.coordinator)
    copied = annex_import(plan=other, upload=data)
    assert copied.ok, copied.errors
    assert (copied.parts["indicators"]["created"], copied.parts["indicators"]["linked"]) == (3, 1)
    mine = {i.name: i for i in Indicator.objects.filter(plan=other)}
    assert [(t.year, t.value) for t in mine["Tỷ lệ =hồ sơ trực tuyến"].targets.all()] == [(2025, D("80.5")), (2030, 95)]
    assert (mine["Xếp hạng DTI của tỉnh"].kind, mine["Có cổng dữ liệu mở"].kind) == ("rank", "yes_no")
    assert set(pci.named_by.all()) == {plan, other} and Indicator.objects.filter(code="PCI").count() == 1


def test_a_plan_without_indicators_exports_no_indicators_sheet(plan):
    assert annex_import(plan=plan, upload=annex([])).ok
    assert load_workbook(io.BytesIO(_exported(plan))).sheetnames == ["Phụ lục"]


def test_the_import_job_keeps_the_indicators_preview_for_the_page(plan, sysadmin, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("phu-luc.xlsx", annex([[1, "Tỷ lệ hồ sơ trực tuyến", "%", 40, 80, 2025]]))
    job = import_job_create(plan=plan, upload=upload, by=sysadmin)
    assert job.preview["parts"]["indicators"]["preview"][0]["name"] == "Tỷ lệ hồ sơ trực tuyến"
    client.force_login(sysadmin)
    with translation.override("vi"):
        page = client.get(reverse("admin:plans_plan_import_job", args=[plan.pk, job.pk])).content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến" in page and "80 (2025)" in page
    assert not IndicatorValue.objects.exists()
