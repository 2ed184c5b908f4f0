"""Findings of the walk hwalk9 (a deadline day: officer, head, coordinator, leadership, administrator, public)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.tests.factories import IndicatorFactory
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.withdrawal import report_withdraw

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.fixture
def withdrawn(world, agency_a, officer_a, head_a, coordinator, sysadmin):
    """Agency A's report on task 1 (2018-H2) with a value of CT-01, accepted, then withdrawn by the administrator."""
    indicator = IndicatorFactory(plan=world.plan, code="CT-01", agency=agency_a, name="Tỷ lệ hồ sơ trực tuyến")
    indicator.tasks.add(world.task)
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None,
        indicator_values={indicator.pk: (D("87.5"), "")},
    )  # fmt: skip
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    report = report_transition(report=report, action="accept", by=coordinator, notify=False)
    return report_withdraw(report=report, by=sysadmin, reason="Số liệu chỉ tiêu CT-01 nhập nhầm, đề nghị báo cáo lại.")


def test_the_work_list_gives_a_withdrawals_reason_without_a_doubled_full_stop(withdrawn, officer_a):
    # Walk: "…đã bị Nguyễn Văn Quản rút: Số liệu … đề nghị đơn vị báo cáo lại.. Hãy lập và gửi lại báo cáo." — the
    # reason's own full stop, then the sentence's.
    from reports.worklist import RETURNED, work_items

    (item,) = [item for item in work_items(officer_a) if item.kind == RETURNED]
    assert "đề nghị báo cáo lại." in item.why and ".." not in item.why, item.why
    assert "hãy lập và gửi lại báo cáo" in item.why.lower()


def test_a_withdrawn_reports_value_is_not_said_to_be_the_indicators_value(client, withdrawn, officer_a):
    # Walk: the withdrawn report's page still said "Đã ghi nhận là số liệu của chỉ tiêu" beside CT-01: the withdrawal had
    # taken the value back from the indicator.
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_detail", args=[withdrawn.pk])).content.decode()
    assert "Đã ghi nhận là số liệu của chỉ tiêu" not in page
    assert "Đã rút cùng báo cáo" in page


def test_my_tasks_in_the_menu_lists_the_tasks_nobody_is_in_charge_of_too(client, world, officer_a):
    # Walk: the demo assigns nobody, so "Việc của tôi" listed 0 tasks ("Không có nhiệm vụ nào phù hợp bộ lọc") while
    # "Việc cần xử lý" said 4 reports of 125/KH-SKHCN were the officer's to send (a part nobody carries is the whole
    # agency's: the officer's too, as the work list counts it).
    import re

    client.force_login(officer_a)
    menu = client.get(reverse("reports:work")).content.decode()
    (href,) = re.findall(r'<a class="nav-link" href="([^"]+)">Việc của tôi</a>', menu)
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    assert "Không có nhiệm vụ nào phù hợp bộ lọc" not in listed
    assert world.task.title in listed


def test_a_count_of_reports_to_file_names_a_withdrawn_one_listed_above_as_withdrawn(
    world, agency_a, officer_a, head_a, coordinator, sysadmin
):
    # Walk: the withdrawn report of task 1, listed first, was counted in the next line as "Trong đó 1 báo cáo bị trả lại
    # hoặc đang chờ phê duyệt đã nêu ở trên": it was neither.
    from reports.worklist import work_items
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    world.task.due_date = world.task.due_date.replace(year=2030)
    world.task.save()
    second = TaskFactory(plan=world.plan, section=world.task.section, number="3", title="Số hóa hồ sơ", due_date=world.task.due_date)
    TaskAssignmentFactory(task=second, agency=agency_a, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    report = report_transition(report=report, action="accept", by=coordinator, notify=False)
    report_withdraw(report=report, by=sysadmin, reason="Nhầm kỳ")
    (owed,) = [item.why for item in work_items(officer_a) if "chưa gửi báo cáo" in item.why]
    assert "Trong đó 1 báo cáo bị trả lại, bị rút hoặc đang chờ phê duyệt đã nêu ở trên" in owed, owed
