"""Summaries for UBND tỉnh: the snapshot, the Word document, the Excel annex, freezing and the command."""

import datetime
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from reports.choices import SummaryState
from reports.models import Summary
from reports.periods import parse_period_code
from reports.summaries.official import date_line, number_line
from reports.summaries.service import summaries_due, summary_compile, summary_issue
from reports.tests.helpers import report_accept
from tasks.choices import TaskStatus

pytestmark = pytest.mark.django_db
D = datetime.date
H2_2018 = parse_period_code("2018-H2")
ON_TIME = datetime.datetime(2018, 12, 18, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Vĩnh Long, before the deadline


def test_the_date_line_pads_days_below_10_and_the_first_two_months():
    assert date_line("Vĩnh Long", D(2018, 1, 5)) == "Vĩnh Long, ngày 05 tháng 01 năm 2018"
    assert date_line("Vĩnh Long", D(2018, 2, 9)) == "Vĩnh Long, ngày 09 tháng 02 năm 2018"
    assert date_line("Vĩnh Long", D(2018, 3, 15)) == "Vĩnh Long, ngày 15 tháng 3 năm 2018"
    assert date_line("Vĩnh Long", D(2018, 12, 31)) == "Vĩnh Long, ngày 31 tháng 12 năm 2018"
    assert number_line("125", "BC-UBND") == "Số: 125/BC-UBND"
    assert number_line("", "BC-UBND").startswith("Số:") and number_line("", "BC-UBND").endswith("/BC-UBND")


def test_the_snapshot_counts_at_the_cut_off_and_names_who_reported_what(filed, agency_a, agency_b):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    data = summary.snapshot
    assert data["totals"]["tasks"] == 2 and data["totals"][TaskStatus.IN_PROGRESS] == 2
    assert data["totals"]["progress"] == 20  # (40 + 0) / 2
    assert data["reports"] == {"accepted": 1, "missing": 1, "late": 0}
    assert data["missing"] == [{"agency": agency_b.name, "task": "2", "title": filed.other_task.title}]
    [section] = data["sections"]
    assert section["results"][0]["agency"] == agency_a.name and "3 hội nghị" in section["results"][0]["text"]
    assert data["difficulties"][0]["text"] == "Thiếu kinh phí cho hạ tầng"
    rows = {row["code"]: row for row in data["agencies"]}
    assert rows[agency_b.code]["missing"] == 1 and rows[agency_a.code]["missing"] == 0


def test_the_snapshot_is_stored_whole_and_never_sent_as_one_query_parameter(filed):
    """At 50,000 tasks the snapshot is ~9 MB of JSON: sent as a query parameter it was held five times over at once
    (issue 29); PostgreSQL now receives it streamed, and the stored row reads back the same."""
    with CaptureQueriesContext(connection) as queries:
        summary = summary_compile(plan=filed.plan, period=H2_2018)
    stored = Summary.objects.get(pk=summary.pk).snapshot
    assert stored == json.loads(json.dumps(summary.snapshot, cls=DjangoJSONEncoder)) and stored["difficulties"]
    if connection.vendor == "postgresql":
        assert not [
            query["sql"][:200] for query in queries.captured_queries if "snapshot" in query["sql"] and "Thiếu kinh phí" in query["sql"]
        ]
    with CaptureQueriesContext(connection) as queries:  # compiled again: the previous snapshot is replaced, never loaded
        again = summary_compile(plan=filed.plan, period=H2_2018)
    assert not [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT") and '"snapshot"' in query["sql"]]
    assert Summary.objects.get(pk=again.pk).snapshot == stored


def test_a_completion_after_the_cut_off_does_not_count_in_that_periods_summary(filed):
    filed.task.completed_on = D(2019, 3, 1)
    filed.task.save()
    data = summary_compile(plan=filed.plan, period=H2_2018).snapshot
    assert data["totals"][TaskStatus.DONE_ON_TIME] == 0 and data["totals"][TaskStatus.IN_PROGRESS] == 2


def test_the_word_document_follows_the_official_format(filed):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    document = Document(summary.document.open("rb"))
    section = document.sections[0]
    mm = [round(length.mm) for length in (section.page_width, section.page_height)]
    assert mm == [210, 297]  # A4
    margins = [round(length.mm) for length in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)]
    assert margins == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0]
    motto = header.cell(0, 1).paragraphs
    assert motto[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto[0].runs[0].bold and motto[0].runs[0].font.size == Pt(12)
    assert motto[1].text == "Độc lập - Tự do - Hạnh phúc" and motto[1].runs[0].bold and motto[1].runs[0].font.size == Pt(13)
    assert [p.text for p in header.cell(0, 0).paragraphs][:2] == ["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"]
    assert re.fullmatch(r"Số: +/BC-UBND", header.cell(1, 0).text)
    assert re.fullmatch(r"Vĩnh Long, ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}", header.cell(1, 1).text)
    assert all(run.font.name in (None, "Times New Roman") for p in document.paragraphs for run in p.runs)  # the style's face
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DỰ THẢO" in text and "BÁO CÁO" in text and "6 tháng cuối năm 2018" in text
    for heading in (
        "I. TÌNH HÌNH TRIỂN KHAI",
        "II. KẾT QUẢ ĐẠT ĐƯỢC",
        "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "IV. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in text
    for section_data in summary.snapshot["sections"]:
        assert section_data["title"] in text
    totals = summary.snapshot["totals"]
    assert f"tổng số {totals['tasks']} nhiệm vụ" in text and f"tiến độ bình quân {totals['progress']}%" in text
    assert "Thiếu kinh phí cho hạ tầng" in text and "Đề nghị bổ sung kinh phí năm 2019" in text
    closing = document.tables[1]
    assert closing.cell(0, 0).paragraphs[0].text == "Nơi nhận:" and "Lưu: VT." in closing.cell(0, 0).text
    assert "TM. ỦY BAN NHÂN DÂN" in closing.cell(0, 1).text


def test_the_excel_annex_lists_every_task_with_the_snapshots_figures(filed, agency_a):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    sheet = load_workbook(io.BytesIO(summary.annex.open("rb").read())).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(rows) == summary.snapshot["totals"]["tasks"]
    assert sheet["A4"].value == "STT" and sheet["A4"].font.bold and sheet["A5"].font.name == "Times New Roman"
    labels = {str(status.label): status.value for status in TaskStatus}
    for status in TaskStatus:
        assert sum(1 for row in rows if labels[row[7]] == status.value) == summary.snapshot["totals"][status.value]
    first = next(row for row in rows if row[2] == "1")
    assert first[4] == agency_a.name and first[8] == 40 and "3 hội nghị" in first[9]
    assert "28/KH-UBND" in sheet["A2"].value and "2018" in sheet["A2"].value


def test_an_issued_summary_never_changes_after_later_reports(filed, agency_b, officer_b, head_b, coordinator, leader):
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    issued = summary_issue(summary=summary, number="125", by=leader)
    assert issued.state == SummaryState.ISSUED and issued.number == "125"
    before = issued.snapshot
    document = Document(issued.document.open("rb"))
    assert document.tables[0].cell(1, 0).text == "Số: 125/BC-UBND"
    assert "DỰ THẢO" not in "\n".join(p.text for p in document.paragraphs)
    report_accept(
        task=filed.other_task, agency=agency_b, period=issued.period, officer=officer_b, head=head_b, coordinator=coordinator, progress=90
    )
    again = summary_compile(plan=filed.plan, period=H2_2018)
    assert again.pk == issued.pk and again.snapshot == before
    with pytest.raises(ValidationError, match="ban hành"):
        summary_issue(summary=again, number="126", by=leader)


def test_a_draft_is_compiled_again_with_the_new_reports_and_stays_one_row(filed, agency_b, officer_b, head_b, coordinator):
    first = summary_compile(plan=filed.plan, period=H2_2018)
    report_accept(
        task=filed.other_task, agency=agency_b, period=first.period, officer=officer_b, head=head_b, coordinator=coordinator, progress=80
    )
    second = summary_compile(plan=filed.plan, period=H2_2018)
    assert second.pk == first.pk and Summary.objects.count() == 1
    assert second.snapshot["totals"]["progress"] == 60 and second.snapshot["reports"]["missing"] == 0


def test_the_summaries_due_are_the_periods_just_closed_and_not_yet_compiled(filed):
    due = {(plan.pk, period.code) for plan, period in summaries_due(today=D(2018, 12, 15))}
    assert due == {(filed.plan.pk, "2018-H2"), (filed.plan.pk, "2018-Y")}
    assert {p.code for _plan, p in summaries_due(today=D(2018, 12, 14))} == {"2018-H1", "2017-Y"}  # cut-off day: not closed yet
    summary_compile(plan=filed.plan, period=H2_2018)
    assert {p.code for _plan, p in summaries_due(today=D(2018, 12, 15))} == {"2018-Y"}


def test_the_command_compiles_a_past_period_and_explains_bad_input(filed, tmp_path, capsys):
    call_command("compile_summary", plan="28/kh-ubnd ", period="2018-H2", output_dir=tmp_path / "out")
    assert "2 nhiệm vụ, tiến độ bình quân 20%, 1 báo cáo chưa gửi" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bao-cao-28-KH-UBND-2018-H2.docx", "phu-luc-28-KH-UBND-2018-H2.xlsx"]
    with pytest.raises(CommandError, match="2018-Q9"):
        call_command("compile_summary", plan="28/KH-UBND", period="2018-Q9")
    with pytest.raises(CommandError, match="28/KH-UBND"):
        call_command("compile_summary", plan="28/KH-UBND", period="2018-Q4")  # the plan reports by half-year
    with pytest.raises(CommandError, match="99/KH-UBND"):
        call_command("compile_summary", plan="99/KH-UBND", period="2018-H2")


@pytest.mark.parametrize("size", [4, 40])
def test_compiling_a_summary_runs_a_fixed_number_of_queries(roles, size, max_queries):
    from reports.tests.test_dashboard import build

    plan, _agencies = build(size)
    # Whatever the plan's size: aggregates in the database, the annex streamed. Among them, the lead parts as held at
    # the cut-off (three), the tasks finished by then (one: their reports are not read), the order of agency names (one:
    # each agency's latest report is chosen in the database), the missing reports of parts handed on since (one), the
    # registry's recipients (two) and the draft's written sections, read and pre-filled (four), the plan's indicators at
    # the cut-off (one). PostgreSQL (31) counts one more than SQLite (29), at both sizes, and streams the snapshot and the
    # sections' text (each: whether the server has lz4, a temporary table copied into, then one statement from it; the
    # copies themselves are not counted here) instead of inserting the sections one by one.
    with max_queries(31 if connection.vendor == "postgresql" else 29):
        summary = summary_compile(plan=plan, period=parse_period_code("2025-Y"))
    assert summary.snapshot["totals"]["tasks"] == size


def test_result_lines_keep_their_line_breaks_and_tabs_and_stay_before_the_page_setup():
    from docx import Document as NewDocument

    from reports.summaries.document import _paragraph

    document = NewDocument()
    text = "- Sở A (nhiệm vụ 1): dòng một\r\ndòng hai\tcột  "
    paragraph = _paragraph(document, text)
    assert paragraph.text == "- Sở A (nhiệm vụ 1): dòng một\ndòng hai\tcột  "
    assert document.paragraphs[-1].text == paragraph.text and document.element.body[-1].tag.endswith("sectPr")


def test_a_tasks_quotes_come_by_role_then_agency_name_each_agency_with_its_latest_report(roles):
    """The reports quoted are each agency's latest of the year, a task's quotes ordered by role, then by the
    agency's name as the database orders names (not by the order the agencies were registered)."""
    from plans.tests.factories import AgencyFactory, PlanFactory
    from reports.choices import ReportState
    from reports.services import reporting_period_get_or_create
    from reports.tests.factories import ReportFactory
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    zeta, alpha, mid = (AgencyFactory(code=code, name=name) for code, name in (("SZ", "Sở Z"), ("SA", "Sở A"), ("SM", "Sở M")))
    plan = PlanFactory(starts_on=D(2017, 8, 23), reporting_kinds=["half_year"])
    task = TaskFactory(plan=plan, number="1", position=1, start_date=D(2018, 1, 1), due_date=D(2018, 12, 31))
    for agency, role in ((zeta, AssignmentRole.LEAD), (alpha, AssignmentRole.LEAD), (mid, AssignmentRole.COOPERATING)):
        TaskAssignmentFactory(task=task, agency=agency, role=role)
    h1, h2 = (reporting_period_get_or_create(period=parse_period_code(code)) for code in ("2018-H1", "2018-H2"))
    for agency, period, role, text in (
        (zeta, h1, AssignmentRole.LEAD, "Z đầu năm"),
        (zeta, h2, AssignmentRole.LEAD, "Z cuối năm"),
        (alpha, h2, AssignmentRole.LEAD, "A cuối năm"),
        (mid, h1, AssignmentRole.COOPERATING, "M phối hợp"),
    ):
        ReportFactory(task=task, agency=agency, period=period, role=role, state=ReportState.ACCEPTED, results=text)
    snapshot = summary_compile(plan=plan, period=parse_period_code("2018-Y")).snapshot
    quotes = [(item["agency"], item["role"], item["text"]) for section in snapshot["sections"] for item in section["results"]]
    assert quotes == [("Sở M", "cooperating", "M phối hợp"), ("Sở A", "lead", "A cuối năm"), ("Sở Z", "lead", "Z cuối năm")]
    assert snapshot["reports"]["accepted"] == 3
