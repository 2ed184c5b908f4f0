"""Every database constraint, proven to reject bad data."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from plans.choices import PlanState
from plans.models import AgencyLineage
from plans.tests.factories import AgencyFactory, DirectiveFactory, PlanFactory, SectionFactory
from reports.choices import WorkState
from reports.models import ReportingPeriod
from reports.tests.factories import ReportFactory, ReportingPeriodFactory
from tasks.choices import Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def rejects(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_directive_symbol_is_unique_per_issuer_and_year():
    DirectiveFactory(symbol="16/CT-TTg")
    rejects(lambda: DirectiveFactory(symbol="16/CT-TTg"))
    DirectiveFactory(symbol="16/CT-TTg", issued_on=D(2018, 5, 4))  # another year: allowed
    DirectiveFactory(symbol="16/CT-TTg", issuer="Bộ Thông tin và Truyền thông")  # another issuer: allowed


def test_plan_symbol_is_unique_per_issuer_and_year():
    PlanFactory(symbol="28/KH-UBND")
    rejects(lambda: PlanFactory(symbol="28/KH-UBND"))


def test_plan_cannot_end_before_it_starts():
    rejects(lambda: PlanFactory(ends_on=D(2017, 1, 1)))


def test_draft_plan_cannot_be_published():
    rejects(lambda: PlanFactory(state=PlanState.DRAFT, is_published=True))


def test_plan_report_deadline_day_is_between_16_and_28():
    rejects(lambda: PlanFactory(report_deadline_day=14))
    rejects(lambda: PlanFactory(report_deadline_day=29))


def test_plan_cannot_be_its_own_parent():
    plan = PlanFactory()
    plan.parent_id = plan.pk
    rejects(lambda: plan.save())


def test_section_number_is_unique_per_plan():
    section = SectionFactory(number="I")
    rejects(lambda: SectionFactory(plan=section.plan, number="I"))
    SectionFactory(number="I")  # another plan: allowed


def test_task_number_is_unique_per_plan():
    task = TaskFactory(number="5")
    rejects(lambda: TaskFactory(plan=task.plan, section=task.section, number="5"))


def test_task_due_date_cannot_precede_its_start():
    rejects(lambda: TaskFactory(start_date=D(2019, 1, 1), due_date=D(2018, 1, 1)))


def test_task_progress_stays_between_0_and_100():
    rejects(lambda: TaskFactory(progress=101))


def test_recurring_task_has_no_single_due_date():
    rejects(lambda: TaskFactory(recurrence=Recurrence.ONGOING, due_date=D(2018, 12, 31)))


def test_agency_is_assigned_to_a_task_once():
    assignment = TaskAssignmentFactory()
    rejects(lambda: TaskAssignmentFactory(task=assignment.task, agency=assignment.agency))


def test_one_report_per_task_agency_and_period():
    report = ReportFactory()
    rejects(lambda: ReportFactory(task=report.task, agency=report.agency, period=report.period))


def test_report_progress_stays_between_0_and_100():
    rejects(lambda: ReportFactory(progress=150))


def test_completed_report_needs_completion_date_and_full_progress():
    rejects(lambda: ReportFactory(work_state=WorkState.COMPLETED, progress=100, completed_on=None))
    rejects(lambda: ReportFactory(work_state=WorkState.COMPLETED, progress=80, completed_on=D(2018, 12, 1)))
    rejects(lambda: ReportFactory(work_state=WorkState.IN_PROGRESS, progress=80, completed_on=D(2018, 12, 1)))


def test_reporting_period_is_unique_and_runs_forward():
    ReportingPeriodFactory(year=2018, number=4)
    rejects(lambda: ReportingPeriod.objects.create(kind="quarter", year=2018, number=4, first_day=D(2018, 9, 15), last_day=D(2018, 12, 14)))
    rejects(lambda: ReportingPeriod.objects.create(kind="month", year=2018, number=1, first_day=D(2018, 1, 14), last_day=D(2018, 1, 1)))


def test_agency_cannot_succeed_itself_nor_cease_before_it_exists():
    agency = AgencyFactory()
    rejects(lambda: AgencyLineage.objects.create(predecessor=agency, successor=agency, effective_on=D(2025, 3, 1)))
    rejects(lambda: AgencyFactory(active_from=D(2025, 7, 1), active_to=D(2025, 3, 1)))


def test_agency_name_is_unique_whatever_the_spelling():
    AgencyFactory(code="SVHTTDL", name="Sở Văn hóa, Thể thao và Du lịch")
    rejects(lambda: AgencyFactory(code="SVH2", name="Sở Văn hoá, Thể thao và Du lịch"))


def test_task_with_reports_cannot_be_deleted():
    report = ReportFactory()
    with pytest.raises(ProtectedError):
        report.task.delete()


def test_agency_with_assignments_cannot_be_deleted_only_retired():
    assignment = TaskAssignmentFactory()
    with pytest.raises(ProtectedError):
        assignment.agency.delete()
    successor = AgencyFactory()
    assignment.agency.active_to = D(2025, 3, 1)
    assignment.agency.full_clean()
    assignment.agency.save()
    AgencyLineage.objects.create(predecessor=assignment.agency, successor=successor, effective_on=D(2025, 3, 1))
    assert not assignment.agency.is_active
    assert assignment.agency.current() == successor
