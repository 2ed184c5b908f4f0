"""What the plan said stays readable (issue 25, point 4): every part keeps the agency the plan named, and every
surface that names a task's agencies writes it the same way, "Sở TT&TT (nay là Sở KH&CN)" (``plans.models.agencies.then_now``)."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.reorganisation.services import decision_apply
from tasks.choices import AssignmentRole
from tasks.models import PastHolding
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
STTTT = "Sở Thông tin và Truyền thông"
SKHCN = "Sở Khoa học và Công nghệ"
DPTTH = "Đài Phát thanh và Truyền hình"
LEAD_NAMED = f"{STTTT} (nay là {SKHCN})"
COOPERATING_NAMED = {f"{DPTTH} (nay là {SKHCN})", SKHCN}


@pytest.fixture
def task():
    """1091/KH-UBND I.2 as the demo has it: Sở TT&TT leads, Sở KH&CN and the broadcaster cooperate; both merge into Sở KH&CN."""
    stttt = AgencyFactory(code="STTTT", name=STTTT)
    skhcn = AgencyFactory(code="SKHCN", name=SKHCN)
    dptth = AgencyFactory(code="DPTTH", name=DPTTH)
    plan = PlanFactory(symbol="1091/KH-UBND", reporting_kinds=["half_year"])
    task = TaskFactory(plan=plan, section=SectionFactory(plan=plan, number="I"), number="I.2", due_date=D(2030, 12, 31))
    TaskAssignmentFactory(task=task, agency=stttt, role=AssignmentRole.LEAD)
    TaskAssignmentFactory(task=task, agency=skhcn, role=AssignmentRole.COOPERATING)
    TaskAssignmentFactory(task=task, agency=dptth, role=AssignmentRole.COOPERATING)
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=D(2025, 3, 1))
    for source in (stttt, dptth):
        ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=source, target=skhcn)
    decision_apply(decision=decision, by=None)
    return task


def test_the_named_agencies_are_kept_on_the_part_of_the_successor_that_already_held_one(task):
    [part] = task.assignments.all()  # one part left: Sở KH&CN's own, now leading
    assert (part.agency.code, part.role) == ("SKHCN", AssignmentRole.LEAD)
    kept = {(p.agency.code, p.role) for p in PastHolding.objects.filter(part=part, held_from__isnull=True)}
    assert kept == {("STTTT", AssignmentRole.LEAD), ("DPTTH", AssignmentRole.COOPERATING), ("SKHCN", AssignmentRole.COOPERATING)}


def test_the_task_pages_write_the_agencies_as_the_plan_named_them(task, client, leader):
    public = client.get(reverse("public:task", args=[task.plan_id, task.pk])).content.decode()
    client.force_login(leader)
    leadership = client.get(reverse("reports:task_page", args=[task.pk])).content.decode()
    for page in (public, leadership):
        assert LEAD_NAMED in page  # was "Sở Khoa học và Công nghệ" alone: the plan's Sở TT&TT had vanished
        assert all(name in page for name in COOPERATING_NAMED)


def test_the_api_the_open_data_and_the_exports_give_the_same_names(task, client, leader):
    api = client.get("/api/v1/tasks/", {"plan": task.plan_id}).json()["results"][0]
    opened = client.get(reverse("public:open_data", args=[task.plan_id, "json"]))
    open_json = json.loads(b"".join(opened.streaming_content) if opened.streaming else opened.content)["tasks"][0]
    opened = client.get(reverse("public:open_data", args=[task.plan_id, "csv"]))
    text = (b"".join(opened.streaming_content) if opened.streaming else opened.content).decode("utf-8-sig")
    [open_csv] = list(csv.DictReader(io.StringIO(text)))
    client.force_login(leader)
    export = client.get(reverse("reports:dashboard_tasks"), {"plan": task.plan_id, "format": "xlsx"})
    sheet = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    header = list(sheet[1])
    excel = dict(zip(header, sheet[2], strict=True))

    for row in (api, open_json):
        assert row["lead_as_planned"] == [LEAD_NAMED]
        assert set(row["cooperating_as_planned"]) == COOPERATING_NAMED
        assert row["lead_agencies"] == ["SKHCN"]  # who holds it today, as before
    assert open_csv["lead_as_planned"] == LEAD_NAMED
    assert set(open_csv["cooperating_as_planned"].split("; ")) == COOPERATING_NAMED
    assert excel["Cơ quan chủ trì theo kế hoạch"] == LEAD_NAMED
    assert set(excel["Cơ quan phối hợp theo kế hoạch"].split("; ")) == COOPERATING_NAMED
