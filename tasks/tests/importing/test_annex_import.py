import datetime
import unicodedata
from pathlib import Path

import pytest

from plans.models import Agency, AgencyLineage
from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory
from tasks.choices import AssignmentRole, Recurrence
from tasks.importing.agencies import AgencyMatcher
from tasks.importing.service import annex_import
from tasks.models import Task, TaskAssignment

from .annexes import build, first_data_row

pytestmark = pytest.mark.django_db
D = datetime.date
SAMPLE = Path(__file__).resolve().parents[3] / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"


@pytest.fixture(autouse=True)
def registry(db):
    agency_registry_load()


@pytest.fixture
def plan():
    return PlanFactory(symbol="28/KH-UBND", starts_on=D(2017, 8, 23))


def roles(task):
    return {(a.agency.code, a.role) for a in task.assignments.select_related("agency")}


def test_the_sample_annex_imports_with_its_sections_tasks_agencies_and_dates(plan):
    outcome = annex_import(plan=plan, upload=SAMPLE)
    assert outcome.ok, outcome.errors
    assert (outcome.summary.created, outcome.sections) == (7, 3)
    assert list(plan.sections.values_list("number", "title")) == [
        ("I", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"),
        ("II", "HẠ TẦNG, ỨNG DỤNG VÀ NHÂN LỰC CÔNG NGHỆ THÔNG TIN"),
        ("III", "MÔI TRƯỜNG KINH DOANH VÀ QUY HOẠCH"),
    ]
    # numbering restarts in each section, so the number in the plan carries the section
    assert list(plan.tasks.order_by("position").values_list("number", flat=True)) == [
        "I.1",
        "I.2",
        "II.1",
        "II.2",
        "III.1",
        "III.2",
        "III.3",
    ]
    first = plan.tasks.get(number="I.1")
    assert roles(first) == {("STTTT", "lead"), ("DPTTH", "cooperating"), ("BVL", "cooperating")}
    assert (first.recurrence, first.due_date, first.product) == (Recurrence.ONGOING, None, "Tin, bài, chuyên mục")
    quarter = plan.tasks.get(number="I.2")
    assert (quarter.start_date, quarter.due_date) == (D(2017, 7, 1), D(2017, 9, 30))
    assert quarter.assignments.filter(role=AssignmentRole.LEAD).count() == 22  # "Các sở, ban, ngành tỉnh"
    assert plan.tasks.get(number="III.2").due_date == D(2017, 12, 31)
    districts = plan.tasks.get(number="III.3")
    assert {a.agency.code for a in districts.assignments.filter(role=AssignmentRole.LEAD)} == {
        "UBND_TPVL",
        "UBND_TXBM",
        "UBND_LH",
        "UBND_MT",
        "UBND_VL",
        "UBND_TB",
        "UBND_TO",
        "UBND_BT",
    }


def test_reimporting_the_same_file_creates_nothing(plan):
    annex_import(plan=plan, upload=SAMPLE)
    outcome = annex_import(plan=plan, upload=SAMPLE)
    assert (outcome.summary.created, outcome.summary.updated, outcome.summary.unchanged) == (0, 0, 7)
    assert Task.objects.count() == 7


def test_a_changed_file_updates_matched_tasks_and_lists_but_keeps_the_missing_ones(plan):
    annex_import(
        plan=plan,
        upload=build([["1", "Tuyên truyền", "Sở TT&TT", "", "Năm 2018", ""], ["2", "Ứng dụng CNTT", "Sở TT&TT", "", "Năm 2018", ""]]),
    )
    outcome = annex_import(plan=plan, upload=build([["1", "Tuyên truyền sâu rộng", "Sở TT&TT", "", "Năm 2019", ""]]))
    assert (outcome.summary.created, outcome.summary.updated, outcome.summary.missing) == (0, 1, ["2"])
    assert plan.tasks.get(number="1").due_date == D(2019, 12, 31)
    assert plan.tasks.filter(number="2").exists()


def test_a_reimport_that_renames_a_task_refreshes_the_cached_count_of_a_searched_list(plan, django_capture_on_commit_callbacks):
    """The import writes the accent-free search text with ``bulk_update``, which sends no signal: the writer's own
    ``figures_changed()`` is what makes a list's shared count (``cached_count``, keyed on the search's SQL) count again."""
    from core.search import search_filter
    from core.shared_figures import cached_count

    with django_capture_on_commit_callbacks(execute=True):
        annex_import(plan=plan, upload=build([["1", "Tuyên truyền", "Sở TT&TT", "", "Năm 2018", ""]]))
    searched = search_filter(Task.objects.filter(plan=plan), "sau rong")
    assert cached_count(searched) == 0
    with django_capture_on_commit_callbacks(execute=True):
        outcome = annex_import(plan=plan, upload=build([["1", "Tuyên truyền sâu rộng", "Sở TT&TT", "", "Năm 2018", ""]]))
    assert outcome.summary.updated == 1  # written by bulk_update, not by save()
    assert cached_count(search_filter(Task.objects.filter(plan=plan), "sau rong")) == 1


def test_imported_tasks_are_judged_on_working_days_and_leave_one_history_row_each(plan, sysadmin):
    from django.utils.translation import gettext as _

    first = build([["1", "Tuyên truyền", "Sở TT&TT", "", "Trước ngày 30/9/2018", ""], ["2", "Ứng dụng", "Sở TT&TT", "", "Năm 2018", ""]])
    annex_import(plan=plan, upload=first, by=sysadmin)
    sunday = plan.tasks.get(number="1")
    assert (sunday.due_date, sunday.effective_due_date) == (D(2018, 9, 30), D(2018, 10, 1))  # the Monday after
    assert list(sunday.history.values_list("history_type", "history_change_reason", "history_user", "title", "due_date")) == [
        ("+", _("Imported from the Excel annex"), sysadmin.pk, "Tuyên truyền", D(2018, 9, 30))
    ]

    changed = build([["1", "Tuyên truyền sâu rộng", "Sở TT&TT", "", "Quý II/2019", ""], ["2", "Ứng dụng", "Sở TT&TT", "", "Năm 2018", ""]])
    outcome = annex_import(plan=plan, upload=changed, by=sysadmin)
    assert (outcome.summary.updated, outcome.summary.unchanged) == (1, 1)
    sunday.refresh_from_db()
    assert (sunday.due_date, sunday.effective_due_date) == (D(2019, 6, 30), D(2019, 7, 1))
    assert list(sunday.history.order_by("history_id").values_list("history_type", "title")) == [
        ("+", "Tuyên truyền"),
        ("~", "Tuyên truyền sâu rộng"),
    ]
    assert plan.tasks.get(number="2").history.count() == 1


def test_columns_in_any_order_with_office_synonyms_on_a_later_sheet(plan):
    header = ["Thời hạn hoàn thành", "TT", "Nội dung công việc", "Đơn vị phối hợp", "Đơn vị chủ trì", "Kết quả/Sản phẩm"]
    annex = build(
        [["Quý IV/2018", "5.", "Xây dựng kho dữ liệu", "Sở Tài chính", "Sở KH&ĐT", "Kho dữ liệu"]],
        header=header,
        sheets_before=2,
        numbers_row=False,
    )
    outcome = annex_import(plan=plan, upload=annex)
    assert outcome.ok, outcome.errors
    task = plan.tasks.get()
    assert (task.number, task.product, task.due_date) == ("5", "Kho dữ liệu", D(2018, 12, 31))
    assert roles(task) == {("SKHDT", "lead"), ("STC", "cooperating")}


def test_sections_notes_and_spacer_rows_are_read_as_a_clerk_would(plan):
    rows = [
        ["A", "NHIỆM VỤ CHUNG"],
        [],
        ["1", "Nhiệm vụ một", "STTTT", None, "Thường xuyên"],
        ["B", "NHIỆM VỤ CỤ THỂ"],
        ["2", "Nhiệm vụ hai", "stttt", None, "Hằng năm"],
        [],
        ["Ghi chú: Các cơ quan báo cáo định kỳ 6 tháng."],
        ["Nơi nhận:"],
    ]
    outcome = annex_import(plan=plan, upload=build(rows))
    assert outcome.ok, outcome.errors
    assert list(plan.sections.values_list("number", flat=True)) == ["A", "B"]
    assert list(plan.tasks.values_list("number", "section__number")) == [("1", "A"), ("2", "B")]


def test_text_is_stored_clean_nfc_whatever_form_it_arrives_in(plan):
    nfd = unicodedata.normalize("NFD", "Ứng dụng  công nghệ\n thông tin trong văn hoá")
    outcome = annex_import(
        plan=plan, upload=build([["1", nfd, unicodedata.normalize("NFD", "Sở Văn hoá, Thể thao và Du lịch"), None, " Năm   2018 "]])
    )
    assert outcome.ok, outcome.errors
    task = plan.tasks.get()
    assert task.title == "Ứng dụng công nghệ\nthông tin trong văn hóa"
    assert task.timeframe == "Năm 2018"
    assert roles(task) == {("SVHTTDL", "lead")}


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế", {"SVHTTDL", "SYT"}),
        ("SỞ TT&TT; Sở KH&CN", {"STTTT", "SKHCN"}),
        ("Sở Tài chính\nCông an tỉnh", {"STC", "CAT"}),
        (
            "Sở Tư pháp, UBND các huyện, thị xã, thành phố",
            {"STP", "UBND_TPVL", "UBND_TXBM", "UBND_LH", "UBND_MT", "UBND_VL", "UBND_TB", "UBND_TO", "UBND_BT"},
        ),
        ("Uỷ ban nhân dân huyện Long Hồ", {"UBND_LH"}),
    ],
)
def test_agency_cells_are_split_without_breaking_names_that_hold_commas(plan, cell, codes):
    outcome = annex_import(plan=plan, upload=build([["1", "Nhiệm vụ", "Sở Nội vụ", cell, "Năm 2018"]]))
    assert outcome.ok, outcome.errors
    assert {code for code, role in roles(plan.tasks.get()) if role == "cooperating"} == codes


def test_timeframes_as_date_cells_and_day_first_text(plan):
    rows = [
        ["1", "Nhiệm vụ một", "Sở Nội vụ", None, datetime.datetime(2018, 9, 30)],
        ["2", "Nhiệm vụ hai", "Sở Nội vụ", None, "03/04/2026"],
    ]
    outcome = annex_import(plan=plan, upload=build(rows))
    assert outcome.ok, outcome.errors
    assert plan.tasks.get(number="1").due_date == D(2018, 9, 30)
    assert plan.tasks.get(number="2").due_date == D(2026, 4, 3)  # 3 April, never 4 March


def test_every_error_is_reported_at_once_with_row_column_and_value_and_nothing_is_written(plan):
    start = first_data_row()
    rows = [
        ["1", "Nhiệm vụ tốt", "Sở Nội vụ", None, "Năm 2018"],
        ["2", "Nhiệm vụ sai thời gian", "Sở Nội vụ", None, "Quý V/2018"],
        ["3", "Nhiệm vụ sai cơ quan", "Sở Thông tin Truyền thông", None, "Năm 2018"],
        ["4", "Nhiệm vụ thiếu chủ trì", None, None, "Năm 2018"],
        ["1", "Nhiệm vụ trùng số", "Sở Nội vụ", None, "Năm 2018"],
    ]
    outcome = annex_import(plan=plan, upload=build(rows))
    assert not outcome.ok
    errors = {(e.row, e.column): e for e in outcome.errors}
    assert errors[(start + 1, "Thời gian thực hiện")].value == "Quý V/2018"
    assert "quý chỉ có thể là I, II, III hoặc IV" in errors[(start + 1, "Thời gian thực hiện")].message
    assert "Có phải là “Sở Thông tin và Truyền thông”" in errors[(start + 2, "Cơ quan chủ trì")].message
    assert "chưa có cơ quan chủ trì" in errors[(start + 3, "Cơ quan chủ trì")].message.lower()
    assert "trùng" in errors[(start + 4, "STT")].message
    assert not Task.objects.exists() and not TaskAssignment.objects.exists()


def test_unknown_and_missing_headers_are_reported_never_ignored(plan):
    header = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trìi", "Thời gian thực hiện", "Ghi chu"]
    outcome = annex_import(plan=plan, upload=build([["1", "Nhiệm vụ", "Sở Nội vụ", "Năm 2018", ""]], header=header))
    messages = {e.column: e.message for e in outcome.errors}
    assert "Không nhận ra tiêu đề cột" in messages["Cơ quan chủ trìi"]
    assert "Cơ quan chủ trì" in messages  # the required column is missing
    assert not Task.objects.exists()


def test_a_dry_run_reports_what_would_change_and_writes_nothing(plan):
    outcome = annex_import(plan=plan, upload=SAMPLE, dry_run=True)
    assert outcome.summary.created == 7
    assert not Task.objects.exists() and not plan.sections.exists()


def test_arabic_section_numbers_with_dotted_task_numbers(plan):
    rows = [
        ["1.", "Tuyên truyền, nâng cao nhận thức"],
        ["1.1", "Tổ chức hội nghị", "Sở TT&TT", None, "Quý IV/2018"],
        ["1.2", "Đăng tải tin bài", "Sở TT&TT", None, "Thường xuyên"],
        ["2.", "Ứng dụng công nghệ thông tin"],
        ["2.1", "Xây dựng cổng dữ liệu", "Sở TT&TT", None, "2019 - 2020"],
    ]
    outcome = annex_import(plan=plan, upload=build(rows))
    assert outcome.ok, outcome.errors
    assert list(plan.sections.values_list("number", "title")) == [
        ("1", "Tuyên truyền, nâng cao nhận thức"),
        ("2", "Ứng dụng công nghệ thông tin"),
    ]
    assert list(plan.tasks.order_by("position").values_list("number", "section__number")) == [("1.1", "1"), ("1.2", "1"), ("2.1", "2")]


def test_the_row_limit_counts_tasks_not_section_rows(plan, settings):
    settings.IMPORT_MAX_ROWS = 4
    sections_and_four_tasks = [
        ["I", "NHÓM MỘT"],
        ["1", "Nhiệm vụ một", "Sở Nội vụ", None, "Năm 2018"],
        ["2", "Nhiệm vụ hai", "Sở Nội vụ", None, "Năm 2018"],
        ["II", "NHÓM HAI"],
        ["3", "Nhiệm vụ ba", "Sở Nội vụ", None, "Năm 2018"],
        ["4", "Nhiệm vụ bốn", "Sở Nội vụ", None, "Năm 2018"],
    ]
    outcome = annex_import(plan=plan, upload=build(sections_and_four_tasks))
    assert outcome.ok, outcome.errors
    assert outcome.summary.created == 4
    one_task_more = [*sections_and_four_tasks, ["5", "Nhiệm vụ năm", "Sở Nội vụ", None, "Năm 2018"]]
    outcome = annex_import(plan=plan, upload=build(one_task_more))
    assert [error.message for error in outcome.errors] == ["Phụ lục có hơn 4 dòng nhiệm vụ: hãy tách thành nhiều tệp."]


def _merge_sttt_into_skhcn():
    from plans.models import Agency, AgencyLineage

    stttt, skhcn = Agency.objects.get(code="STTTT"), Agency.objects.get(code="SKHCN")
    stttt.active_to = D(2025, 3, 1)
    stttt.save()
    AgencyLineage.objects.create(predecessor=stttt, successor=skhcn, effective_on=D(2025, 3, 1))


def test_a_name_of_an_agency_retired_before_the_plans_date_goes_to_its_successor_with_a_warning():
    from django.utils import translation

    _merge_sttt_into_skhcn()
    plan = PlanFactory(symbol="05/KH-UBND", issued_on=D(2026, 1, 10), starts_on=D(2026, 1, 10))
    with translation.override("vi"):
        outcome = annex_import(plan=plan, upload=SAMPLE)
    assert outcome.ok, outcome.errors
    assert ("SKHCN", "lead") in roles(plan.tasks.get(number="I.1"))
    assert "Sở TT&TT đã hợp nhất vào Sở KH&CN từ 01/03/2025" in outcome.warnings
    assert outcome.as_dict()["warnings"] == outcome.warnings


def test_a_plan_dated_before_a_merger_names_the_old_agency_and_its_open_tasks_go_to_the_successor(plan):
    """As if the plan had been in the portal when the merger was applied (reports/tests/test_reorganisation_import.py)."""
    _merge_sttt_into_skhcn()
    outcome = annex_import(plan=plan, upload=SAMPLE)
    assert outcome.ok, outcome.errors
    part = plan.tasks.get(number="I.1").assignments.get(role="lead", agency__code="SKHCN")
    assert (part.inherited_from.code, part.inherited_on) == ("STTTT", D(2025, 3, 1))
    assert len(outcome.warnings) == 1 and "STT" not in outcome.warnings[0].replace("Sở TT&TT", "")


def test_an_unknown_agency_is_offered_the_agency_of_today_never_a_ceased_one(db):
    agency_registry_load()
    old, new = Agency.objects.get(code="STTTT"), Agency.objects.get(code="SKHCN")
    old.active_to = datetime.date(2025, 3, 1)
    old.save(update_fields=["active_to"])
    AgencyLineage.objects.create(predecessor=old, successor=new, effective_on=old.active_to, main=True)
    gone = Agency.objects.create(code="XGONE", name="Ban Quản lý dự án đã giải thể", kind=new.kind, active_to=datetime.date(2025, 3, 1))

    for on in (datetime.date(2018, 1, 1), datetime.date(2026, 1, 1)):  # a plan before the change and one after
        matcher = AgencyMatcher(on=on)
        _found, [message] = matcher.parse("Sở Thông tin và Truyền thôn")
        assert "Sở Khoa học và Công nghệ" in message, message
        assert "Thông tin và Truyền thông”?" not in message
        _found, messages = matcher.parse("Ban Quản lý dự án đã giải thẻ")
        assert gone.name not in " ".join(messages)
