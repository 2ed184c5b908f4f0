"""Work finds the person who must do it (issue 26): the defects found walking the demo as each role.

Each test failed before its fix: the coordinator's scope in the reassignment queue, extension requests
nobody heard of, landing pages that did not mention the work waiting, and e-mails to the wrong people.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory, UserFactory
from reports.models import Notice
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from tasks.choices import AssignmentRole, ExtensionState
from tasks.models import Extension, TaskAssignment
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` around a step: its e-mail jobs leave through the outbox after the commit, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _with_email(*users):
    for user in users:
        user.email = f"{user.username}@vinhlong.gov.vn"
        user.save()


@pytest.fixture
def coordinated(world, coordinating_agency):
    """The world's plan is coordinated by the coordinator's agency."""
    world.plan.coordinator = coordinating_agency
    world.plan.save()
    return world


@pytest.fixture
def two_queues(coordinated, roles, coordinating_agency):
    """A district dissolved on 01/07/2025 led a task in our plan and one in another coordinator's plan."""
    other_coordinator = AgencyFactory(code="STC", name="Sở Tài chính")
    other_plan = PlanFactory(symbol="1091/KH-UBND", coordinator=other_coordinator, starts_on=D(2017, 6, 21))
    district = AgencyFactory(code="HLH", name="UBND huyện Long Hồ", kind="huyen", active_to=D(2025, 7, 1))
    ours = TaskFactory(plan=coordinated.plan, section=SectionFactory(plan=coordinated.plan, number="9"), number="9")
    theirs = TaskFactory(plan=other_plan, section=SectionFactory(plan=other_plan, number="1"), number="5")
    for task in (ours, theirs):
        TaskAssignmentFactory(task=task, agency=district, role=AssignmentRole.LEAD)
    other = UserFactory(username="daumoi.stc", agency=other_coordinator)
    other.groups.set([roles["coordinator"]])
    return ours, theirs, other


def test_a_coordinator_sees_and_reassigns_only_the_tasks_of_the_plans_its_agency_coordinates(client, two_queues, coordinator):
    ours, theirs, _other = two_queues
    commune = AgencyFactory(code="XLH", name="UBND xã Long Hồ", kind="xa")
    client.force_login(coordinator)
    page = client.get(reverse("reports:reassign_queue")).content.decode()
    assert "28/KH-UBND · 9" in page and "1091/KH-UBND · 5" not in page
    theirs_row = TaskAssignment.objects.get(task=theirs)
    response = client.post(
        reverse("reports:reassign"),
        {"assignment": [theirs_row.pk], "agency": commune.pk, f"to_{theirs_row.pk}": commune.pk, "confirm": "1"},
    )
    assert response.status_code == 302
    assert TaskAssignment.objects.get(task=theirs).agency.code == "HLH"  # another coordinator's plan: untouched


def test_the_reassignment_service_refuses_another_coordinators_tasks(two_queues, coordinator):
    from django.core.exceptions import PermissionDenied

    from reports.reorganisation.services import assignments_reassign

    _ours, theirs, _other = two_queues
    commune = AgencyFactory(code="XLH", name="UBND xã Long Hồ", kind="xa")
    with pytest.raises(PermissionDenied):
        assignments_reassign(assignments=[TaskAssignment.objects.get(task=theirs)], agency=commune, by=coordinator)


def test_the_reassignment_list_offers_communes_and_wards(client, two_queues, coordinator):
    AgencyFactory(code="PLC", name="UBND phường Long Châu", kind="xa")
    client.force_login(coordinator)
    assert "UBND phường Long Châu" in client.get(reverse("reports:reassign_queue")).content.decode()


def test_the_coordinators_landing_page_mentions_the_tasks_waiting_for_reassignment(client, two_queues, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("reports:my_home"), follow=True).content.decode()
    assert reverse("reports:reassign_queue") in page
    assert "1 phần việc chủ trì của 1 nhiệm vụ thuộc 28/KH-UBND" in page  # its own plan's task only


@pytest.fixture
def due_task(coordinated):
    task = coordinated.task
    task.due_date = D(2030, 12, 31)
    task.save()
    return task


def test_an_extension_request_reaches_the_coordinator_as_a_notice_an_email_and_a_count(client, due_task, head_a, coordinator, committed):
    _with_email(coordinator)
    client.force_login(head_a)
    with committed():
        response = client.post(
            reverse("reports:task_extensions", args=[due_task.pk]), {"requested_due": "30/06/2031", "reason": "Chờ kinh phí"}
        )
    assert response.status_code == 302
    notice = Notice.objects.get(user=coordinator)
    assert notice.url == reverse("reports:task_extensions", args=[due_task.pk]) and "30/06/2031" in notice.text
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    client.force_login(coordinator)
    landing = client.get(reverse("reports:my_home"), follow=True).content.decode()
    assert reverse("reports:task_extensions", args=[due_task.pk]) in landing  # the notice and the work item link to it
    work = client.get(reverse("reports:work")).content.decode()
    assert "xin gia hạn" in work.lower() or "gia hạn" in work


def test_the_decision_reaches_the_head_who_asked(client, due_task, head_a, coordinator, committed):
    _with_email(head_a)
    client.force_login(head_a)
    client.post(reverse("reports:task_extensions", args=[due_task.pk]), {"requested_due": "30/06/2031", "reason": "Chờ kinh phí"})
    extension = Extension.objects.get()
    client.force_login(coordinator)
    with committed():
        client.post(reverse("reports:extension_decide", args=[extension.pk, "approve"]), {"approved_due": "", "comment": ""})
    assert Extension.objects.get().state == ExtensionState.APPROVED
    assert Notice.objects.filter(user=head_a, key=f"extension-decided:{extension.pk}").count() == 1
    assert head_a.email in [m.to[0] for m in mail.outbox]


def test_an_overdue_task_says_why_no_extension_can_be_asked(client, coordinated, head_a):
    task = coordinated.task
    task.due_date = D(2020, 12, 31)
    task.save()
    client.force_login(head_a)
    page = client.get(reverse("reports:task_extensions", args=[task.pk])).content.decode()
    assert "31/12/2020" in page and "trước hạn" in page  # the rule's own reason, not an empty column
    form = client.get(reverse("reports:report_edit", args=[task.pk, coordinated.period_code])).content.decode()
    assert "31/12/2020" in form and "extension-refusal" in form


def _submitted(task, agency, officer, head):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=task, agency=agency, period=period, by=officer, data=DATA, version=None)
    report_transition(report=report, action="send_for_approval", by=officer)
    return report_transition(report=report, action="submit", by=head)


def test_leadership_is_told_of_a_report_waiting_for_it(client, coordinated, coordinating_agency, roles, leader, settings, committed):
    """The coordinating agency's own report goes to leadership (SELF_REVIEW_BY): e-mail, notice and the landing page."""
    settings.SELF_REVIEW_BY = "leadership"
    _with_email(leader)
    officer = UserFactory(username="officer_vp", agency=coordinating_agency)
    officer.groups.set([roles["officer"]])
    head = UserFactory(username="head_vp", agency=coordinating_agency)
    head.groups.set([roles["head"]])
    task = TaskFactory(plan=coordinated.plan, section=coordinated.task.section, number="7")
    TaskAssignmentFactory(task=task, agency=coordinating_agency, role=AssignmentRole.LEAD)
    with committed():
        report = _submitted(task, coordinating_agency, officer, head)
    assert leader.email in [m.to[0] for m in mail.outbox]
    assert Notice.objects.filter(user=leader, url=reverse("reports:report_detail", args=[report.pk])).exists()
    client.force_login(leader)
    landing = client.get(reverse("reports:my_home"), follow=True).content.decode()
    assert reverse("reports:report_detail", args=[report.pk]) in landing


def test_a_recall_is_emailed_to_the_coordinator_already_told(coordinated, agency_a, officer_a, head_a, coordinator, committed):
    _with_email(coordinator, officer_a)
    with committed():
        report = _submitted(coordinated.task, agency_a, officer_a, head_a)
    assert coordinator.email in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    with committed():
        report_transition(report=report, action="recall", by=head_a)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, officer_a.email])


def test_a_return_goes_to_the_officer_who_resent_it_not_to_the_first_author(
    coordinated, agency_a, roles, officer_a, head_a, coordinator, committed
):
    second = UserFactory(username="officer_a2", agency=agency_a)
    second.groups.set([roles["officer"]])
    _with_email(officer_a, second, head_a)
    report = _submitted(coordinated.task, agency_a, officer_a, head_a)  # officer_a wrote it first
    report_transition(report=report, action="return", by=coordinator, comment="Bổ sung số liệu")
    report.refresh_from_db()
    report_save(task=report.task, agency=agency_a, period=report.period, by=second, data={**DATA, "progress": 50}, version=report.version)
    report.refresh_from_db()
    report_transition(report=report, action="send_for_approval", by=second)
    report_transition(report=report, action="submit", by=head_a)
    mail.outbox.clear()
    with committed():
        report_transition(report=report, action="return", by=coordinator, comment="Vẫn thiếu minh chứng")
    told = sorted(m.to[0] for m in mail.outbox)
    assert second.email in told and officer_a.email not in told


def test_the_reassignment_queue_has_the_list_filters_and_an_export_of_the_rows_it_shows(client, two_queues, coordinator):
    # Walk (issue 30, point 7): /dau-moi/giao-lai/ had neither filters nor an export, unlike every other list.
    from core.tests.tables import xlsx_table

    ours, _theirs, _other = two_queues
    town = AgencyFactory(code="HVL", name="UBND huyện Vũng Liêm", kind="huyen", active_to=D(2025, 7, 1))
    second = TaskFactory(plan=ours.plan, section=ours.section, number="10", title="Chuyển đổi số nông nghiệp")
    TaskAssignmentFactory(task=second, agency=town, role=AssignmentRole.LEAD)
    client.force_login(coordinator)
    url = reverse("reports:reassign_queue")
    page = client.get(url).content.decode()
    assert 'id="list-filters"' in page and "format=xlsx" in page
    assert "28/KH-UBND · 9" in page and "28/KH-UBND · 10" in page
    filtered = client.get(url, {"agency": town.pk}).content.decode()
    assert "28/KH-UBND · 10" in filtered and "28/KH-UBND · 9<" not in filtered
    assert "28/KH-UBND · 10" in client.get(url, {"q": "chuyen doi so"}).content.decode()
    headers, rows = xlsx_table(client.get(url, {"agency": town.pk, "format": "xlsx"}))
    assert len(rows) == 1 and "Chuyển đổi số nông nghiệp" in rows[0] and town.name in rows[0]
    _headers, every = xlsx_table(client.get(url, {"format": "xlsx"}))
    assert len(every) == 2  # another coordinator's row is no more exported than shown


def test_withdrawing_an_accepted_report_tells_the_agency_that_sent_it_and_the_coordinator_who_accepted_it(
    coordinated, agency_a, officer_a, head_a, coordinator, sysadmin, leader, committed
):
    from reports.services.withdrawal import report_withdraw

    _with_email(officer_a, head_a, coordinator, leader, sysadmin)
    report = _submitted(coordinated.task, agency_a, officer_a, head_a)
    report_transition(report=report, action="accept", by=coordinator)
    mail.outbox.clear()
    with committed():
        report_withdraw(report=report, by=sysadmin, reason="Báo cáo nhầm nhiệm vụ")
    url = reverse("reports:report_detail", args=[report.pk])
    told = Notice.objects.filter(url=url, key__startswith="report-event:", text__startswith="Quản trị viên rút báo cáo")
    assert sorted(told.values_list("user__username", flat=True)) == sorted([officer_a.username, head_a.username, coordinator.username])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, head_a.email, coordinator.email])
    assert all("Báo cáo nhầm nhiệm vụ" in m.body for m in mail.outbox)  # the reason travels with it
