"""Who held a part of a task on a day: progress, obligations and summaries read the agencies of the day (issue 25)."""

import datetime

import pytest
from django.db.models import Q

from plans.choices import ChangeKind
from plans.models import AgencyGroup, AgencyMembership, ReorganisationChange, ReorganisationDecision
from plans.selectors import recipients_on
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory, UserFactory
from reports import compliance
from reports.periods import parse_period_code
from reports.reorganisation.services import assignments_reassign, decision_apply, decision_undo
from reports.services import reporting_period_get_or_create
from reports.services.drafts import period_refusal
from reports.services.steps import task_progress_refresh, tasks_progress_refresh
from reports.summaries.service import summary_compile
from reports.tests.helpers import report_accept
from tasks.choices import AssignmentRole
from tasks.models import PastHolding, TaskAssignment
from tasks.selectors import holdings_on
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
LEAD = AssignmentRole.LEAD


def _staff(roles, agency):
    officer, head = UserFactory(agency=agency), UserFactory(agency=agency)
    officer.groups.set([roles["officer"]])
    head.groups.set([roles["head"]])
    return officer, head


def _apply(kind, source, target, effective_on):
    decision = ReorganisationDecision.objects.create(number=f"{source.code}/QĐ", effective_on=effective_on)
    ReorganisationChange.objects.create(decision=decision, kind=kind, source=source, target=target)
    decision_apply(decision=decision, by=None)
    return decision


@pytest.fixture
def plan():
    plan = PlanFactory(symbol="1091/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 6, 21))
    SectionFactory(plan=plan, number="I")
    return plan


def _task(plan, *leads, number="I.2", start=None):
    task = TaskFactory(plan=plan, section=plan.sections.first(), number=number, start_date=start or D(2018, 1, 1), due_date=D(2030, 12, 31))
    for agency in leads:
        TaskAssignmentFactory(task=task, agency=agency, role=LEAD)
    return task


def _accept(roles, coordinator, task, agency, code, progress):
    officer, head = _staff(roles, agency)
    row = reporting_period_get_or_create(period=parse_period_code(code))
    return report_accept(task=task, agency=agency, period=row, officer=officer, head=head, coordinator=coordinator, progress=progress)


def test_inherited_work_keeps_the_progress_its_predecessor_reported(plan, roles, coordinator):
    stttt, skhcn = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN")
    task = _task(plan, stttt)
    _accept(roles, coordinator, task, stttt, "2025-H1", 50)
    assert task_progress_refresh(task=task).progress == 50

    _apply(ChangeKind.MERGE, stttt, skhcn, D(2025, 7, 1))

    assert task_progress_refresh(task=task).progress == 50  # was 0: only Sở KH&CN's own reports counted
    type(task).objects.filter(pk=task.pk).update(progress=0)
    tasks_progress_refresh(plan_ids=[plan.pk])  # the daily upkeep, the same rule
    task.refresh_from_db()
    assert task.progress == 50


def test_a_part_folded_into_the_successors_own_counts_the_folded_agencys_reports(plan, roles, coordinator):
    dptth, skhcn = AgencyFactory(code="DPTTH"), AgencyFactory(code="SKHCN")
    task = _task(plan, dptth, skhcn)
    _accept(roles, coordinator, task, skhcn, "2024-H2", 20)
    _accept(roles, coordinator, task, dptth, "2025-H1", 60)
    assert task_progress_refresh(task=task).progress == 40

    _apply(ChangeKind.MERGE, dptth, skhcn, D(2025, 7, 1))

    (part,) = TaskAssignment.objects.filter(task=task)
    assert part.agency == skhcn
    # The folded agency is kept as the part's past holder, and its later report is the part's latest.
    assert list(PastHolding.objects.filter(part=part).values_list("agency__code", "folded", "held_to")) == [("DPTTH", True, D(2025, 7, 1))]
    task.refresh_from_db()
    assert task.progress == 60  # applying the decision computed it again: no page shows 40 % until the night's upkeep
    assert task_progress_refresh(task=task).progress == 60
    before = {(h.agency_id, h.role) for h in holdings_on(on=D(2025, 6, 30), tasks=Q(task=task))}
    assert before == {(dptth.pk, LEAD), (skhcn.pk, LEAD)}
    (after,) = holdings_on(on=D(2025, 7, 1), tasks=Q(task=task))
    assert (after.agency_id, after.predecessors) == (skhcn.pk, (dptth.pk,))


def test_undoing_a_fold_gives_the_folded_part_back_with_its_own_past(plan):
    a, b, c = AgencyFactory(code="A"), AgencyFactory(code="B"), AgencyFactory(code="C")
    task = _task(plan, a, c)
    _apply(ChangeKind.RENAME, a, b, D(2025, 3, 1))
    decision = _apply(ChangeKind.MERGE, b, c, D(2099, 1, 1))
    assert TaskAssignment.objects.filter(task=task).count() == 1
    assert set(PastHolding.objects.filter(task=task).values_list("agency__code", flat=True)) == {"A", "B"}

    decision_undo(decision=decision, today=D(2098, 1, 1))

    parts = {p.agency.code: p for p in TaskAssignment.objects.filter(task=task)}
    assert set(parts) == {"B", "C"} and parts["B"].inherited_from.code == "A"
    assert list(PastHolding.objects.filter(task=task).values_list("part__agency__code", "agency__code")) == [("B", "A")]


def test_a_closed_periods_summary_reads_the_holders_at_its_cut_off_whatever_happens_later(plan, roles, coordinator):
    district_a, district_b, interior = AgencyFactory(code="HUYEN1"), AgencyFactory(code="HUYEN2"), AgencyFactory(code="SNV")
    task = _task(plan, district_a, district_b, number="III.3")
    _accept(roles, coordinator, task, district_a, "2025-H1", 30)
    for district in (district_a, district_b):
        _apply(ChangeKind.DISSOLVE, district, None, D(2025, 7, 1))
    period = parse_period_code("2025-H1")
    first = summary_compile(plan=plan, period=period).snapshot
    assert sorted(a["code"] for a in first["agencies"]) == ["HUYEN1", "HUYEN2"]
    assert [(m["agency"], m["task"]) for m in first["missing"]] == [(district_b.name, "III.3")]

    assignments_reassign(assignments=list(TaskAssignment.objects.filter(task=task)), agency=interior)

    again = summary_compile(plan=plan, period=period).snapshot
    assert again == first  # Sở Nội vụ received III.3 after the cut-off: the summary of 2025-H1 does not change
    (part,) = TaskAssignment.objects.filter(task=task)
    assert part.agency == interior
    assert set(PastHolding.objects.filter(part=part).values_list("agency__code", flat=True)) == {"HUYEN1", "HUYEN2"}


def test_no_summary_or_list_owes_a_report_the_form_refuses(plan):
    skhcn = AgencyFactory(code="SKHCN")
    task = _task(plan, skhcn, number="7", start=D(2026, 1, 1))
    period = parse_period_code("2025-H2")
    row = reporting_period_get_or_create(period=period)

    assert period_refusal(task=task, period=period, held=None, today=D(2026, 6, 1))  # "Nhiệm vụ bắt đầu từ ngày 01/01/2026 …"
    assert compliance.missing_by_agency({plan.pk: row.pk}, as_of=period.last_day) == {}
    snapshot = summary_compile(plan=plan, period=period).snapshot
    assert snapshot["missing"] == []


def test_a_fold_after_the_cut_off_does_not_complete_the_task_in_the_closed_periods_summary(plan, roles, coordinator):
    """Found by the invariant test: B's part folded into A's, whose report said done, dated the task's completion
    before the cut-off, so the summary compiled again counted it done and owed nothing."""
    a, b = AgencyFactory(code="A"), AgencyFactory(code="B")
    task = _task(plan, a, b, number="5")
    _accept(roles, coordinator, task, a, "2025-H2", 100)
    period = parse_period_code("2025-H2")
    first = summary_compile(plan=plan, period=period).snapshot
    assert first["totals"]["in_progress"] == 1 and [m["agency"] for m in first["missing"]] == [b.name]

    _apply(ChangeKind.MERGE, b, a, D(2026, 3, 1))

    task.refresh_from_db()
    assert task.completed_on == D(2025, 12, 14)  # today A's part (B's folded into it) reports it done
    assert summary_compile(plan=plan, period=period).snapshot == first


def test_the_agencys_list_names_every_predecessor_of_a_part_and_lists_their_reports(plan, roles, coordinator, client):
    """Found in the demo: DPTTH's part of 1091 I.2 folded into Sở KH&CN's own left no "kế thừa từ" and hid DPTTH's report."""
    dptth = AgencyFactory(code="DPTTH", name="Đài Phát thanh và Truyền hình", aliases=["Đài PT-TH"])
    stttt = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"])
    skhcn = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ", aliases=["Sở KH&CN"])
    task = _task(plan, dptth, stttt, skhcn)
    dptth_report = _accept(roles, coordinator, task, dptth, "2025-H1", 60)
    stttt_report = _accept(roles, coordinator, task, stttt, "2024-H2", 30)
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=D(2025, 7, 1))
    for source in (dptth, stttt):
        ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=source, target=skhcn)
    decision_apply(decision=decision, by=None)
    officer, _head = _staff(roles, skhcn)
    client.force_login(officer)

    page = client.get("/don-vi/nhiem-vu/").content.decode()

    assert "kế thừa từ Đài PT-TH, Sở TT&amp;TT (từ 01/07/2025)" in page
    assert f"/bao-cao/{dptth_report.pk}/" in page and f"/bao-cao/{stttt_report.pk}/" in page


def test_the_summarys_recipients_are_the_registrys_on_the_documents_date(plan):
    """The 2026 summary no longer sends to "UBND các huyện, thị xã, thành phố": the districts ended on 01/07/2025."""
    districts = AgencyGroup.objects.create(
        code="HUYEN", name="Ủy ban nhân dân các huyện, thị xã, thành phố", aliases=["UBND các huyện, thị xã, thành phố"]
    )
    district = AgencyFactory(code="HUYEN1", active_to=D(2025, 7, 1))
    AgencyMembership.objects.create(group=districts, agency=district, member_to=D(2025, 7, 1))
    lines = ["CT, các PCT UBND tỉnh;", "UBND các huyện, thị xã, thành phố;", "Lưu: VT."]

    assert recipients_on(lines, day=D(2025, 6, 30)) == lines
    assert recipients_on(lines, day=D(2026, 12, 6)) == ["CT, các PCT UBND tỉnh;", "Lưu: VT."]


def test_for_the_same_period_a_part_counts_its_holders_own_report_before_a_folded_predecessors(plan, roles, coordinator):
    a, b = AgencyFactory(code="A"), AgencyFactory(code="B")
    task = _task(plan, a, b)
    _accept(roles, coordinator, task, a, "2025-H1", 50)
    _accept(roles, coordinator, task, b, "2025-H1", 30)  # accepted after A's

    _apply(ChangeKind.MERGE, b, a, D(2025, 7, 1))

    task.refresh_from_db()
    assert task.progress == 50
