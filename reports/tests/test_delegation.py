"""Work inside an agency: the head names who carries a task, an officer finds "Việc của tôi", a stand-in covers an absence."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.tests.factories import UserFactory
from reports import worklist
from reports.models import Notice
from reports.periods import period_due
from reports.reminders import reminders_send
from tasks.delegation import covered_by, owned_by, stand_in_set, task_owners_set
from tasks.models import TaskAssignment, TaskOwner

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def colleague(roles, agency_a):
    user = UserFactory(username="officer_a2", agency=agency_a, email="cv2@vinhlong.gov.vn")
    user.groups.set([roles["officer"]])
    return user


@pytest.fixture
def part(world, agency_a):
    return TaskAssignment.objects.get(task=world.task, agency=agency_a)


def test_the_head_assigns_and_reassigns_with_the_history_kept(part, head_a, officer_a, colleague):
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=D(2026, 3, 1))
    task_owners_set(assignment=part, users=[colleague], by=head_a, day=D(2026, 6, 1))
    rows = list(TaskOwner.objects.filter(assignment=part).order_by("starts_on").values_list("user__username", "starts_on", "ends_on"))
    assert rows == [("officer_a", D(2026, 3, 1), D(2026, 5, 31)), ("officer_a2", D(2026, 6, 1), None)]
    assert TaskAssignment.objects.filter(owned_by(colleague, D(2026, 7, 1))).get() == part
    assert not TaskAssignment.objects.filter(owned_by(officer_a, D(2026, 7, 1))).exists()
    assert TaskAssignment.objects.filter(owned_by(officer_a, D(2026, 4, 1))).get() == part  # as it was on that day


def test_only_the_head_of_the_agency_assigns_and_only_its_own_officers(part, officer_a, head_b, officer_b, head_a):
    for who in (officer_a, head_b):
        with pytest.raises(PermissionDenied):
            task_owners_set(assignment=part, users=[officer_a], by=who)
    with pytest.raises(ValidationError):
        task_owners_set(assignment=part, users=[officer_b], by=head_a)  # another agency's officer
    assert not TaskOwner.objects.exists()


def test_the_head_assigns_from_the_page_and_the_officer_is_told_and_finds_it_in_my_tasks(client, world, part, head_a, officer_a, colleague):
    client.force_login(head_a)
    response = client.post(reverse("reports:task_owners", args=[world.task.pk]), {"users": [colleague.pk]})
    assert response.status_code == 302
    assert Notice.objects.filter(user=colleague, url=reverse("reports:task_owners", args=[world.task.pk])).exists()
    client.force_login(colleague)
    mine = client.get(reverse("reports:agency_tasks"), {"mine": "1"}).content.decode()
    assert "Tuyên truyền về chuyển đổi số" in mine
    client.force_login(officer_a)
    assert "Tuyên truyền về chuyển đổi số" not in client.get(reverse("reports:agency_tasks"), {"mine": "1"}).content.decode()
    page = client.get(reverse("reports:task_owners", args=[world.task.pk])).content.decode()
    assert colleague.display_name in page and 'name="users"' not in page  # an officer reads, the head assigns


def test_a_stand_in_receives_the_absent_persons_tasks_for_the_dated_days_only(part, head_a, officer_a, colleague):
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=D(2026, 1, 1))
    stand_in_set(user=officer_a, stand_in=colleague, starts_on=D(2026, 7, 1), ends_on=D(2026, 7, 15), by=officer_a)
    assert covered_by(colleague, D(2026, 7, 10)) == [colleague.pk, officer_a.pk]
    assert TaskAssignment.objects.filter(owned_by(colleague, D(2026, 7, 10))).get() == part
    assert not TaskAssignment.objects.filter(owned_by(colleague, D(2026, 7, 16))).exists()
    with pytest.raises(ValidationError):
        stand_in_set(user=officer_a, stand_in=officer_a, starts_on=D(2026, 8, 1), ends_on=D(2026, 8, 2), by=officer_a)


def test_reminders_go_to_the_person_in_charge_first_and_their_stand_in(world, part, head_a, officer_a, colleague, agency_a):
    """Before: every officer and head of the agency got every reminder at once."""
    officer_a.email, head_a.email = "cv1@vinhlong.gov.vn", "ld@vinhlong.gov.vn"
    officer_a.save()
    head_a.save()
    period = period_due(D(2026, 12, 16), "half_year", deadline_day=world.plan.report_deadline_day)
    day = period.deadline - datetime.timedelta(days=1)
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=D(2026, 1, 1))
    stand_in_set(user=officer_a, stand_in=colleague, starts_on=day, ends_on=day, by=head_a)
    reminders_send(today=day)
    told = set(Notice.objects.filter(reminder__agency=agency_a).values_list("user__username", flat=True))
    assert told == {"officer_a", "officer_a2"}  # the head is not told first


def test_an_officer_lists_the_reports_of_the_tasks_they_carry_and_those_nobody_carries(world, part, head_a, officer_a, colleague):
    task_owners_set(assignment=part, users=[officer_a], by=head_a)
    day = period_due(D(2026, 12, 16), "half_year", deadline_day=world.plan.report_deadline_day).deadline
    to_file = [i for i in worklist.work_items(officer_a, today=day) if i.kind == worklist.TO_FILE]
    assert sum(i.count for i in to_file) == 1
    assert not [i for i in worklist.work_items(colleague, today=day) if i.kind == worklist.TO_FILE]  # carried by someone else
    assert sum(i.count for i in worklist.work_items(head_a, today=day) if i.kind == worklist.TO_FILE) == 1  # the head sees all
    assert mail.outbox == []


def test_a_stand_in_covers_an_absence_not_a_lifetime(world, officer_a):
    # Found by the attack pass: a stand-in from 01/01/1900 to 31/12/9999 was recorded.
    colleague = UserFactory(agency=officer_a.agency)
    with pytest.raises(ValidationError, match="tối đa một năm"):
        stand_in_set(user=officer_a, stand_in=colleague, starts_on=D(1900, 1, 1), ends_on=D(9999, 12, 31), by=officer_a)


def test_the_reports_of_the_period_being_filed_reach_who_owes_them_before_its_cut_off(world, part, head_a, officer_a, colleague):
    """Walk finding: on 06/12/2026 the half-year due 21/12 was owed (the agency page said "chưa báo cáo") but nobody's
    "Việc cần xử lý" listed it before its cut-off (14/12); it appeared only once the window had closed."""
    day = D(2026, 12, 6)
    period = period_due(day, "half_year", deadline_day=world.plan.report_deadline_day)
    assert period.last_day > day  # the window is still open: the period being filed now
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=D(2026, 1, 1))
    (item,) = [i for i in worklist.work_items(officer_a, today=day) if i.kind == worklist.TO_FILE]
    assert item.count == 1
    assert f"{period.deadline:%d/%m/%Y}" in item.why
    assert worklist.days_left(period.deadline, day) in item.why
    assert not [i for i in worklist.work_items(colleague, today=day) if i.kind == worklist.TO_FILE]  # someone else's
    assert sum(i.count for i in worklist.work_items(head_a, today=day) if i.kind == worklist.TO_FILE) == 1


def test_a_part_nobody_carries_reaches_the_head_who_must_assign_it(world, part, head_a, officer_a):
    (item,) = [i for i in worklist.work_items(head_a, today=D(2026, 12, 6)) if i.kind == worklist.TO_FILE]
    assert item.count == 1
    assert worklist.to_assign(1) in item.why
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=D(2026, 1, 1))
    (item,) = [i for i in worklist.work_items(head_a, today=D(2026, 12, 6)) if i.kind == worklist.TO_FILE]
    assert worklist.to_assign(1) not in item.why


def test_the_head_told_to_assign_finds_each_part_nobody_carries_with_its_way_to_assign_it(client, world, part, head_a, officer_a):
    """Walk finding (hwalk3): "4 nhiệm vụ trong số này chưa giao cho chuyên viên nào: hãy phân công" opened the list of owed
    reports, where no row said who carries it nor led to "Người phụ trách" (only through a report form's own link)."""
    day = timezone.localdate()
    (item,) = [i for i in worklist.work_items(head_a, today=day) if i.kind == worklist.TO_FILE]
    assert worklist.to_assign(1) in item.why
    assign = reverse("reports:task_owners", args=[world.task.pk])
    client.force_login(head_a)
    assert assign in client.get(item.url).content.decode()
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=day)
    assert assign not in client.get(item.url).content.decode()  # carried now: nothing left to assign
    client.force_login(officer_a)
    assert assign not in client.get(item.url).content.decode()  # the head's step, not the officer's


def test_an_officers_item_of_owed_reports_opens_a_list_of_exactly_the_reports_it_counts(client, world, part, head_a, officer_a, colleague):
    """Before: the officer's "n tasks still need their report" opened the whole agency's owed list, the reports a colleague
    carries included: the item said 2 and the list showed 3."""
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    def task_of_a(number):
        task = TaskFactory(plan=world.plan, section=world.task.section, number=number, start_date=D(2017, 1, 1), due_date=D(2030, 12, 31))
        return TaskAssignmentFactory(task=task, agency=part.agency, role=AssignmentRole.LEAD)

    day = timezone.localdate()
    task_owners_set(assignment=part, users=[officer_a], by=head_a, day=day)  # the officer's
    task_owners_set(assignment=task_of_a("3"), users=[colleague], by=head_a, day=day)  # a colleague's
    task_of_a("4")  # nobody's: the officer's to file too
    for user, expected in ((officer_a, 2), (colleague, 2), (head_a, 3)):
        (item,) = [i for i in worklist.work_items(user, today=day) if i.kind == worklist.TO_FILE]
        assert item.count == expected and str(expected) in item.why, user.username
        client.force_login(user)
        assert client.get(item.url).context["total"] == expected, user.username
