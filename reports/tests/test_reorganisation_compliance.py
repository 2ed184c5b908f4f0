"""Obligations follow the calendar after a reorganisation: one rule (reports.compliance) for every caller."""

import datetime

import pytest
from django.core.cache import cache

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports import compliance
from reports.dashboard import dashboard
from reports.periods import main_kind, period_due, period_of
from reports.reminders import missing_reports_by_agency
from reports.reorganisation.services import decision_apply
from reports.services import reporting_period_get_or_create
from reports.summaries.service import summary_compile, summary_issue
from reports.summaries.snapshot import summary_snapshot
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 22)


def _apply(kind, source, target, effective_on):
    decision = ReorganisationDecision.objects.create(number=f"{source.code}/QĐ", effective_on=effective_on)
    ReorganisationChange.objects.create(decision=decision, kind=kind, source=source, target=target)
    decision_apply(decision=decision, by=None)


@pytest.fixture
def province():
    """Sở TT&TT merged into Sở KH&CN (01/03/2025), a district dissolved (01/07/2025), a merger during this period (01/09/2026)."""
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year", "year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    agencies = {code: AgencyFactory(code=code) for code in ["STTTT", "SKHCN", "HUYEN1", "SOLD", "SNEW"]}
    for n, code in enumerate(["STTTT", "STTTT", "SKHCN", "HUYEN1", "SOLD"]):
        task = TaskFactory(plan=plan, section=section, number=str(n + 1), start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
        TaskAssignmentFactory(task=task, agency=agencies[code], role=AssignmentRole.LEAD)
    _apply(ChangeKind.MERGE, agencies["STTTT"], agencies["SKHCN"], D(2025, 3, 1))
    _apply(ChangeKind.DISSOLVE, agencies["HUYEN1"], None, D(2025, 7, 1))
    _apply(ChangeKind.MERGE, agencies["SOLD"], agencies["SNEW"], D(2026, 9, 1))
    period = period_due(TODAY, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day)
    assert period.first_day < D(2026, 9, 1)  # the third merger falls inside the period due
    return plan, reporting_period_get_or_create(period=period), agencies


def _expected(agencies):
    # Sở KH&CN owes its own task and the two it inherited; the dissolved district owes nothing; the
    # merger inside this period: the successor owes it (its predecessor cannot file once it has ceased).
    return {agencies["SKHCN"].pk: 3, agencies["SNEW"].pk: 1}


def test_the_missing_reports_leave_out_ceased_agencies_and_count_their_successors(province):
    plan, row, agencies = province
    assert compliance.missing_by_agency({plan.pk: row.pk}, as_of=TODAY) == _expected(agencies)


def test_the_dashboard_counts_missing_reports_by_the_calendar(province):
    _plan, _row, agencies = province
    board = dashboard(today=TODAY)
    assert {r["agency_id"]: r["missing"] for r in board.agencies if r["missing"]} == _expected(agencies)
    assert board.totals["missing"] == 4


def test_the_reminders_go_to_the_successor_not_to_ceased_agencies(province):
    plan, row, agencies = province
    assert missing_reports_by_agency(plan=plan, period=row.as_period(), today=TODAY) == _expected(agencies)


def test_the_summary_lists_missing_reports_by_the_calendar(province):
    plan, row, agencies = province
    snapshot = summary_snapshot(plan=plan, period=row.as_period(plan.report_deadline_day))
    assert {a["name"]: a["missing"] for a in snapshot["agencies"] if a["missing"]} == {agencies["SKHCN"].name: 3, agencies["SNEW"].name: 1}


def test_an_issued_2018_summary_is_byte_for_byte_unchanged_after_a_merger(leader):
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    stttt, skhcn = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN")
    task = TaskFactory(plan=plan, section=section, number="1", start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
    TaskAssignmentFactory(task=task, agency=stttt, role=AssignmentRole.LEAD)
    period = period_of("year", 2018, deadline_day=plan.report_deadline_day)
    issued = summary_issue(summary=summary_compile(plan=plan, period=period), number="5", by=leader)
    document, annex, snapshot = issued.document.read(), issued.annex.read(), issued.snapshot

    _apply(ChangeKind.MERGE, stttt, skhcn, D(2025, 3, 1))
    again = summary_compile(plan=plan, period=period)

    again.refresh_from_db()
    assert again.pk == issued.pk
    assert (again.document.read(), again.annex.read(), again.snapshot) == (document, annex, snapshot)
    assert stttt.name in str(snapshot)


@pytest.mark.parametrize("mergers", [1, 3])
def test_the_dashboard_stays_within_its_query_budget_with_lineage_in_place(client, leader, max_queries, mergers):
    from django.urls import reverse

    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    for n in range(mergers):
        old, new = AgencyFactory(), AgencyFactory()
        for k in range(3):
            task = TaskFactory(plan=plan, section=section, number=f"{n}.{k}", start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
            TaskAssignmentFactory(task=task, agency=old, role=AssignmentRole.LEAD)
        _apply(ChangeKind.MERGE, old, new, D(2025, 3, 1))
    client.force_login(leader)
    with max_queries(24):  # +1: the indicators panel; +3: the menu's work waiting (reports.worklist)
        assert client.get(reverse("reports:dashboard")).status_code == 200
    # Computed again (the shared cache emptied), lineage map included: the same count at any number of mergers.
    cache.clear()
    with max_queries(16):  # 13 with the session's reads (reports.tests.test_dashboard), and the menu's 3
        assert client.get(reverse("reports:dashboard")).status_code == 200


def test_the_summary_does_not_urge_a_ceased_agency_to_finish_its_overdue_task(province):
    """Walk: the issued summary 16/BC-UBND (6 tháng đầu năm 2026) read "- Ủy ban nhân dân huyện Long Hồ; …: khẩn trương
    hoàn thành nhiệm vụ 5", seven district committees ended on 01/07/2025. A part still held at the cut-off by an
    agency that had ceased is named as work to give to an agency of today, not as that agency's to finish."""
    from reports.summaries.prose import prefill

    plan, row, agencies = province
    district = agencies["HUYEN1"]
    task = plan.tasks.get(number="4")  # led by the district dissolved on 01/07/2025, its part never given on
    task.due_date = D(2026, 3, 31)
    task.save()
    snapshot = summary_snapshot(plan=plan, period=row.as_period(plan.report_deadline_day))
    overdue = next(item for item in snapshot["overdue"] if item["number"] == "4")
    assert overdue["lead"] == [district.name] and overdue["lead_ceased"] == [district.name]
    next_tasks = prefill(snapshot)["next_tasks"]
    assert f"{district.name}: khẩn trương" not in next_tasks
    assert f"Giao lại phần việc chủ trì của {district.name} (đã thôi hoạt động) cho cơ quan hiện có" in next_tasks
