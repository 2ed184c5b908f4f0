"""A summary's content is pinned: snapshot, Word text and Excel annex of a varied plan, as recorded.

The recorded content (``data/summary_content.json``) was taken with the summary code before its
compilation was made faster (one pass over the tasks instead of a query per figure): whatever
the code does, a summary must say the same. Record again only for a change of content, with
``RECORD_SUMMARY_CONTENT=1 pytest reports/tests/test_summary_content.py`` on SQLite and on PostgreSQL,
and read the diff. (One recording per database: the sections of child plans are ordered by their
plan's parent, which SQLite and PostgreSQL place differently when missing.)
"""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from django.db import connection
from docx import Document
from openpyxl import load_workbook

from core.tests.tables import shown  # a date cell as Excel shows it
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.choices import ReportState
from reports.periods import parse_period_code
from reports.services import reporting_period_get_or_create
from reports.summaries.service import summary_compile
from reports.tests.factories import ReportFactory
from tasks.choices import AssignmentRole, Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = Path(__file__).parent / "data"
LEAD, COOPERATING = AssignmentRole.LEAD, AssignmentRole.COOPERATING
END_2018 = D(2018, 12, 31)


def varied_plan():
    """A plan and a child plan whose tasks take every status at the cut-off of 2018, some extended,
    some led by several agencies (fractional progress), with accepted, late, later and missing reports."""
    a, b, c = (AgencyFactory(code=code, name=name) for code, name in (("SA", "Sở A"), ("SB", "Sở B"), ("SC", "Sở C")))
    plan = PlanFactory(symbol="28/KH-UBND", starts_on=D(2017, 8, 23), reporting_kinds=["half_year", "year"])
    child = PlanFactory(symbol="5/KH-SKHCN", starts_on=D(2017, 9, 1), reporting_kinds=["half_year"], parent=plan)
    s1, s2 = (
        SectionFactory(plan=plan, number="I", title="Tuyên truyền", position=1),
        SectionFactory(plan=plan, number="II", title="Hạ tầng số", position=2),
    )
    s3 = SectionFactory(plan=child, number="1", title="Dữ liệu", position=1)
    periods = {code: reporting_period_get_or_create(period=parse_period_code(code)) for code in ("2018-H1", "2018-H2", "2019-H1")}
    position = iter(range(1, 100))

    def task(number, plan=plan, section=None, *, due=END_2018, extended=None, completed=None, leads=(), cooperating=(), **extra):
        made = TaskFactory(
            plan=plan,
            section=section,
            number=number,
            position=next(position),
            title=f"Nhiệm vụ {number}: chuyển đổi số",
            timeframe="Năm 2018",
            start_date=D(2018, 1, 1),
            due_date=due,
            extended_due_date=extended,
            completed_on=completed,
            **extra,
        )
        for agency in leads:
            TaskAssignmentFactory(task=made, agency=agency, role=LEAD)
        for agency in cooperating:
            TaskAssignmentFactory(task=made, agency=agency, role=COOPERATING)
        return made

    def report(on, agency, code, progress, role=LEAD, state=ReportState.ACCEPTED, **extra):
        sent = datetime.datetime(2018 if code.startswith("2018") else 2019, 6 if code.endswith("H1") else 12, 10, 3, tzinfo=datetime.UTC)
        ReportFactory(task=on, agency=agency, period=periods[code], role=role, state=state, progress=progress, submitted_at=sent, **extra)

    t1 = task("1", section=s1, due=D(2018, 6, 30), leads=[a], cooperating=[b])
    report(t1, a, "2018-H1", 30, results="Đã ban hành kế hoạch")
    report(t1, a, "2018-H2", 60, results="Đã tổ chức 3 hội nghị\nvà 2 lớp tập huấn", difficulties="Thiếu kinh phí")
    report(t1, b, "2018-H2", 20, role=COOPERATING, results="Phối hợp tuyên truyền")
    t2 = task("2", section=s1, completed=D(2018, 11, 1), leads=[a, b])
    report(t2, a, "2018-H2", 50, results="Hoàn thành")
    report(t2, b, "2018-H1", 20)
    task("3", section=s1, due=D(2018, 9, 30), completed=D(2018, 10, 15), leads=[b])
    task("3a", section=s1, due=D(2018, 6, 30), extended=D(2018, 12, 31), completed=D(2018, 11, 30), leads=[c])
    t4 = task("4", section=s2, due=D(2018, 6, 30), extended=D(2019, 6, 30), leads=[c])
    report(t4, c, "2018-H2", 33, results="Đang triển khai", proposals="Đề nghị gia hạn thêm")
    t5 = task("5", section=s2, due=D(2018, 3, 31), extended=D(2018, 9, 30), leads=[a, b, c])
    report(t5, a, "2018-H2", 10)
    report(t5, b, "2018-H2", 25, is_late=True)
    t6 = task("6", section=s2, due=None, recurrence=Recurrence.ONGOING, leads=[b])
    report(t6, b, "2018-H2", 70, results="Cập nhật thường xuyên")
    report(t6, b, "2019-H1", 90, results="Báo cáo sau kỳ: không tính")
    task("7", completed=D(2019, 2, 1), leads=[a])
    t8 = task("8", child, s3, due=D(2018, 12, 1), leads=[c])
    report(
        t8,
        c,
        "2018-H2",
        45,
        is_late=True,
        results="=SUM(A1) công thức không chạy",
        difficulties="Thiếu nhân lực",
        proposals="Bổ sung biên chế",
    )
    t9 = task("9", child, s3, due=D(2099, 12, 31), leads=[a], cooperating=[b])
    report(t9, b, "2018-H2", 15, role=COOPERATING, results="Phối hợp xây dựng dữ liệu")
    report(t9, a, "2018-H2", 5, state=ReportState.SUBMITTED, is_late=True)
    task("10", child, due=None, leads=[b])
    return plan


def content(summary) -> dict:
    """What a reader sees: the snapshot (ids by their task or section number), the document's text, the annex's cells."""
    tasks = dict(summary.plan.tasks.values_list("pk", "number")) | {
        pk: number for child in summary.plan.children.all() for pk, number in child.tasks.values_list("pk", "number")
    }
    sections = {s["id"]: s["number"] for s in summary.snapshot["sections"]}
    snapshot = json.loads(json.dumps(summary.snapshot))
    snapshot["plan"]["id"] = "plan"
    for section in snapshot["sections"]:
        section["id"] = sections[section["id"]]
        for item in section["results"]:
            item["task_id"] = tasks[item["task_id"]]
    for item in snapshot["difficulties"] + snapshot["proposals"]:
        item["task_id"] = tasks[item["task_id"]]
    document = Document(summary.document.open("rb"))
    text = [p.text for p in document.paragraphs] + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = [re.sub(r"ngày \d\d tháng \d+ năm \d{4}", "ngày … tháng … năm …", line) for line in text]
    sheet = load_workbook(summary.annex.open("rb")).active
    return {"snapshot": snapshot, "document": text, "annex": [[shown(cell) for cell in row] for row in sheet.iter_rows()]}


def test_the_summary_of_a_varied_plan_says_what_it_said(roles):
    plan = varied_plan()
    summary = summary_compile(plan=plan, period=parse_period_code("2018-Y"))
    seen = content(summary)
    recorded_file = DATA / f"summary_content.{connection.vendor}.json"
    if os.environ.get("RECORD_SUMMARY_CONTENT"):
        recorded_file.write_text(json.dumps(seen, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    recorded = json.loads(recorded_file.read_text(encoding="utf-8"))
    seen = json.loads(json.dumps(seen, default=str))
    for part in ("snapshot", "document", "annex"):
        assert seen[part] == recorded[part], part
