"""What a walk through the portal as each role found: an agency is offered only steps that lead somewhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.tests.factories import UserFactory
from reports import worklist
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.fixture
def later_task(world, agency_a):
    """A task of agency A that starts after the period due now has ended (as 125/KH-SKHCN's DTI cấp xã 2027)."""
    start = timezone.localdate() + datetime.timedelta(days=400)
    task = TaskFactory(
        plan=world.plan,
        number="9",
        title="Đánh giá DTI cấp xã",
        timeframe="Năm sau",
        start_date=start,
        due_date=start + datetime.timedelta(days=180),
    )
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    return task


def test_a_task_not_reportable_this_period_offers_no_report_button_and_is_not_counted_as_unreported(client, world, later_task, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("reports:agency_tasks"))
    html = page.content.decode()
    # the button would only bounce back to this list with "Nhiệm vụ bắt đầu từ ngày …"
    assert reverse("reports:report_edit", args=[later_task.pk, world.period_code]) not in html
    assert reverse("reports:report_edit", args=[world.task.pk, world.period_code]) in html
    assert "Chưa đến kỳ báo cáo" in html
    # the count "phải báo cáo, chưa gửi" and the list it opens agree, and leave the task out
    listed = client.get(reverse("reports:agency_tasks"), {"report_state": "missing"})
    assert page.context["owed"] == 1 == len(listed.context["rows"])
    assert later_task.title not in listed.content.decode()


def test_the_head_reads_who_sent_the_report_for_approval_not_who_first_drafted_it(world, agency_a, officer_a, head_a, roles):
    drafter = UserFactory(username="drafter_a", agency=agency_a, full_name="Võ Thị Chuyên")
    drafter.groups.set([roles["officer"]])
    officer_a.full_name = "Huỳnh Thị Học"
    officer_a.save()
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(task=world.task, agency=agency_a, period=period, by=drafter, data=DATA, version=None)
    report = report_save(
        task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA | {"progress": 50}, version=report.version
    )
    report_transition(report=report, action="send_for_approval", by=officer_a)
    item = next(i for i in worklist.work_items(head_a) if i.kind == worklist.TO_APPROVE)
    assert "Huỳnh Thị Học" in item.why and "Võ Thị Chuyên" not in item.why


def test_a_sent_report_leads_the_agency_to_the_tasks_people_in_charge_and_request_for_more_time(client, world, agency_a, officer_a, head_a):
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    report_transition(report=report, action="submit", by=head_a)
    client.force_login(head_a)
    html = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert reverse("reports:task_owners", args=[world.task.pk]) in html
    assert reverse("reports:task_extensions", args=[world.task.pk]) in html
    owners = client.get(reverse("reports:task_owners", args=[world.task.pk])).content.decode()
    assert 'class="breadcrumb' in owners and reverse("reports:agency_tasks") in owners


def test_the_request_for_more_time_leads_back_to_each_persons_own_list(client, world, head_a, leader):
    client.force_login(head_a)
    html = client.get(reverse("reports:task_extensions", args=[world.task.pk])).content.decode()
    assert 'class="breadcrumb' in html and reverse("reports:agency_tasks") in html.split('class="breadcrumb', 1)[1][:600]
    client.force_login(leader)
    html = client.get(reverse("reports:task_extensions", args=[world.task.pk])).content.decode()
    assert 'class="breadcrumb' in html and reverse("reports:work") in html.split('class="breadcrumb', 1)[1][:600]


def test_the_coordinator_reads_how_many_parts_and_how_many_tasks_wait_to_be_reassigned(world, coordinating_agency, coordinator):
    """Seven districts leading one task are seven rows of "Nhiệm vụ cần giao lại" but one task, not "7 nhiệm vụ"."""
    from plans.tests.factories import AgencyFactory

    world.plan.coordinator = coordinating_agency
    world.plan.save()
    ended = timezone.localdate() - datetime.timedelta(days=30)
    for n in range(3):
        district = AgencyFactory(code=f"H{n}", name=f"Ủy ban nhân dân huyện {n}", active_to=ended)
        TaskAssignmentFactory(task=world.task, agency=district, role=AssignmentRole.LEAD)
    item = next(i for i in worklist.work_items(coordinator) if i.kind == worklist.REASSIGN)
    assert item.count == 3
    assert item.why.startswith("3 phần việc chủ trì của 1 nhiệm vụ"), item.why


def test_no_list_has_two_columns_under_the_same_vietnamese_heading():
    # Walk: the coordinator's inbox read "Thời hạn gửi" over the deadline and again over "Đúng hạn / Trễ hạn".
    from django.utils import translation

    from plans import columns as plan_columns
    from reports import columns as report_columns
    from tasks import columns as task_columns

    with translation.override("vi"):
        for module in (report_columns, task_columns, plan_columns):
            for name, spec in vars(module).items():
                if isinstance(spec, list) and spec and all(hasattr(column, "header") for column in spec):
                    headings = [str(column.header) for column in spec]
                    assert len(set(headings)) == len(headings), (module.__name__, name, headings)


@pytest.fixture
def orphaned(world, coordinator):
    """A task led by a district dissolved on 01/07/2025 with no successor: it waits in the coordinator's queue."""
    from plans.tests.factories import AgencyFactory

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    district = AgencyFactory(code="HLH", name="Ủy ban nhân dân huyện Long Hồ", kind="huyen", active_to=datetime.date(2025, 7, 1))
    return TaskAssignmentFactory(task=world.task, agency=district, role=AssignmentRole.LEAD)


def test_the_reassignment_offers_only_agencies_that_can_lead_the_work_today(client, orphaned, coordinator):
    """Walk: the list offered every agency of the registry, mass organisations and associations among them; and the
    server took any agency's number it was sent."""
    from django.core.exceptions import ValidationError

    from plans.tests.factories import AgencyFactory
    from reports.reorganisation.services import assignments_reassign
    from tasks.models import TaskAssignment

    union = AgencyFactory(code="TDTN", name="Tỉnh Đoàn Vĩnh Long", kind="doan_the")
    gone = AgencyFactory(code="SLD", name="Sở Lao động - Thương binh và Xã hội", active_to=datetime.date(2025, 3, 1))
    commune = AgencyFactory(code="XLH", name="Ủy ban nhân dân xã Long Hồ", kind="xa")
    client.force_login(coordinator)
    page = client.get(reverse("reports:reassign_queue")).content.decode()
    offered = page.split('name="agency" id="id_bulk_agency"')[1].split("</select>")[0]  # the list of agencies to give to
    assert commune.name in offered
    assert union.name not in offered
    assert gone.name not in offered
    from reports.reorganisation.selectors import reassign_targets  # the one rule the page and the service ask

    assert union not in reassign_targets() and gone not in reassign_targets() and commune in reassign_targets()
    with pytest.raises(ValidationError):
        assignments_reassign(assignments=[orphaned], agency=union)
    client.post(reverse("reports:reassign"), {"assignment": [orphaned.pk], "agency": union.pk, "confirm": "1"})
    assert TaskAssignment.objects.get(pk=orphaned.pk).agency.code == "HLH"  # refused: nothing moved


def test_reassigning_asks_for_a_ticked_confirmation_checked_by_the_server(client, orphaned, coordinator, agency_b):
    from tasks.models import TaskAssignment

    client.force_login(coordinator)
    assert 'name="confirm"' in client.get(reverse("reports:reassign_queue")).content.decode()
    step = client.post(reverse("reports:reassign"), {"assignment": [orphaned.pk], "agency": agency_b.pk}, follow=True)
    assert TaskAssignment.objects.filter(pk=orphaned.pk, agency__code="HLH").exists()  # not moved without the tick
    assert [m.level_tag for m in step.context["messages"]] == ["error"]
    client.post(reverse("reports:reassign"), {"assignment": [orphaned.pk], "agency": agency_b.pk, "confirm": "1"})
    assert TaskAssignment.objects.filter(task=orphaned.task, agency=agency_b, role=AssignmentRole.LEAD).exists()


def test_the_work_lists_owed_reports_open_exactly_the_tasks_it_counts(client, world, later_task, officer_a):
    """Walk finding (hwalk3): "4 nhiệm vụ của 125/KH-SKHCN chưa gửi báo cáo" opened a list of 6 under "Phải báo cáo,
    chưa gửi", two of them "Chưa đến kỳ báo cáo": the list had its own copy of the rule, without the period's bounds."""
    (item,) = [i for i in worklist.work_items(officer_a) if i.kind == worklist.TO_FILE]
    client.force_login(officer_a)
    listed = client.get(item.url)
    assert [row.pk for row in listed.context["filter"].qs] == [world.task.pk]
    assert item.count == 1
    assert later_task.title not in listed.content.decode()


def test_the_reassignment_promises_the_period_the_rule_makes_the_agency_report_for(client, world, orphaned, coordinator, agency_b):
    """Walk finding (hwalk3): the queue and its confirmation said the chosen agency reports "từ kỳ bắt đầu tiếp theo"; the
    rule (reports.periods.HELD: from the period containing the day it received the part) made it owe this period's report
    at once, and the chase list named it the same minute."""
    from reports.selectors import due_periods, owed_not_sent

    client.force_login(coordinator)
    page = client.get(reverse("reports:reassign_queue")).content.decode()
    client.post(reverse("reports:reassign"), {"assignment": [orphaned.pk], "agency": agency_b.pk, "confirm": "1"})
    today = timezone.localdate()
    owed = owed_not_sent(agency_b.pk, due_periods([world.plan], today), today)
    assert world.task.pk in owed.values_list("task_id", flat=True)  # this period's report is owed by the agency chosen
    assert "kỳ bắt đầu tiếp theo" not in page and "từ kỳ tiếp theo" not in page
    assert page.count("kể cả báo cáo kỳ này") == 2  # the page's words and the confirmation ticked


def test_a_returned_report_is_counted_once_in_the_menu_and_among_the_rows_of_the_list_the_owed_item_opens(
    client, world, agency_a, officer_a, head_a, coordinator
):
    """Walk finding (hwalk3): with a report of the period returned, the head read "3 nhiệm vụ … chưa gửi báo cáo" and the
    list it opened showed 4 (the returned one is owed, not sent). The item says what its list shows; the menu counts
    the returned report once, as its own item."""
    world.plan.coordinator = coordinator.agency
    world.plan.save()
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    for number in ("7", "8"):
        task = TaskFactory(plan=world.plan, number=number, start_date=world.task.start_date, due_date=world.task.due_date)
        TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    report_transition(report=report, action="return", by=coordinator, comment="Bổ sung", notify=False)
    items = worklist.work_items(head_a)
    (owed,) = [item for item in items if item.kind == worklist.TO_FILE]
    client.force_login(head_a)
    rows = client.get(owed.url).context["filter"].qs.count()
    assert rows == 3 and owed.why.startswith(f"{rows} ")  # the returned report's task among them
    assert owed.count == 2 and worklist.work_count(items) == 3  # the returned one counted as its own item only
