""" "Việc cần xử lý": one list per person from policy and the selectors; notices once; e-mail as each person chose."""

import datetime
import itertools

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans import policy
from plans.choices import NoticeEmail
from plans.tests.factories import AgencyFactory, PlanFactory
from reports import worklist
from reports.handoffs import handoff, handoff_email_send, notices_digest_send
from reports.models import Notice
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.withdrawal import report_withdraw
from tasks import policy as tasks_policy
from tasks.choices import AssignmentRole, ExtensionState
from tasks.extensions import extension_decide, extension_request
from tasks.models import Extension
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


def kinds(user) -> list[str]:
    return [item.kind for item in worklist.work_items(user)]


@pytest.fixture
def coordinated(world, coordinating_agency):
    world.plan.coordinator = coordinating_agency
    world.plan.save()
    world.task.due_date = D(2030, 12, 31)
    world.task.save()
    return world


def test_each_step_moves_the_report_from_one_persons_list_to_the_next_and_off_when_done(
    coordinated, agency_a, officer_a, head_a, coordinator
):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    assert worklist.TO_APPROVE in kinds(head_a) and worklist.TO_APPROVE not in kinds(officer_a)
    report = report_transition(report=report, action="submit", by=head_a)
    assert worklist.TO_APPROVE not in kinds(head_a) and kinds(coordinator).count(worklist.TO_REVIEW) == 1
    item = next(i for i in worklist.work_items(coordinator) if i.kind == worklist.TO_REVIEW)
    assert item.url == reverse("reports:report_detail", args=[report.pk]) and item.since_day == timezone.localdate()
    report = report_transition(report=report, action="return", by=coordinator, comment="Bổ sung số liệu")
    assert worklist.TO_REVIEW not in kinds(coordinator)
    returned = next(i for i in worklist.work_items(officer_a) if i.kind == worklist.RETURNED)
    assert "Bổ sung số liệu" in returned.why
    report.refresh_from_db()
    report = report_transition(report=report, action="submit", by=head_a)
    report_transition(report=report, action="accept", by=coordinator)
    assert worklist.RETURNED not in kinds(officer_a) and worklist.TO_REVIEW not in kinds(coordinator)


def test_the_menu_count_and_the_page_read_the_same_list(client, coordinated, head_a, coordinator):
    extension_request(task=coordinated.task, by=head_a, requested_due=D(2031, 6, 30), reason="Chờ kinh phí")
    client.force_login(coordinator)
    items = worklist.work_items(coordinator)
    page = client.get(reverse("reports:work")).content.decode()
    assert worklist.work_count(items) == 1
    assert 'aria-label="1 việc đang chờ"' in page and items[0].url in page


def test_an_extension_waits_only_for_who_decides_it_and_leaves_when_decided(coordinated, head_a, coordinator, leader, roles):
    other = AgencyFactory()
    outsider = policy_user(roles, "daumoi.khac", "coordinator", other)
    asked = extension_request(task=coordinated.task, by=head_a, requested_due=D(2031, 6, 30), reason="Chờ kinh phí")
    assert worklist.EXTENSION in kinds(coordinator)
    assert worklist.EXTENSION not in kinds(outsider) and worklist.EXTENSION not in kinds(leader)
    extension_decide(extension=asked, by=coordinator, approve=True)
    assert worklist.EXTENSION not in kinds(coordinator)


def policy_user(roles, username, role, agency=None):
    from plans.tests.factories import UserFactory

    user = UserFactory(username=username, agency=agency)
    user.groups.set([roles[role]])
    return user


def test_the_sql_twins_of_the_coordinator_scope_and_the_extension_decision_agree_with_python(roles, settings):
    """``policy.coordinated`` = ``policy.coordinates`` and ``decidable_extensions`` = ``may_decide_extension``, over every case."""
    a, b, c = AgencyFactory(), AgencyFactory(), AgencyFactory()
    parent_a = PlanFactory(coordinator=a)
    parent_none = PlanFactory(coordinator=None)
    plans = [
        PlanFactory(coordinator=a),
        PlanFactory(coordinator=b),
        PlanFactory(coordinator=None),
        PlanFactory(coordinator=None, parent=parent_a),
        PlanFactory(coordinator=None, parent=parent_none),
        parent_a,
    ]
    users = [
        policy_user(roles, f"u{n}", role, agency)
        for n, (role, agency) in enumerate(itertools.product(["coordinator", "leadership", "head"], [a, b, None]))
    ]
    for plan in plans:
        for agency in (a, b, c):
            task = TaskFactory(plan=plan, due_date=D(2030, 12, 31))
            TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
            head = policy_user(roles, f"h{task.pk}", "head", agency)
            Extension.objects.create(
                task=task,
                agency=agency,
                due_before=D(2030, 12, 31),
                requested_due=D(2031, 6, 30),
                reason="x",
                requested_by=head,
                requested_at=timezone.now(),
            )
    from plans.models import Plan

    for decided_by in ("coordinator", "leadership"):
        settings.EXTENSION_DECIDED_BY = decided_by
        for user in users:
            in_sql = set(
                tasks_policy.decidable_extensions(Extension.objects.filter(state=ExtensionState.PENDING), user).values_list("pk", flat=True)
            )
            in_python = {e.pk for e in Extension.objects.select_related("task__plan__parent") if tasks_policy.may_decide_extension(user, e)}
            assert in_sql == in_python, (decided_by, user.username)
    for user in users:
        in_sql = set(Plan.objects.filter(policy.coordinated(user)).values_list("pk", flat=True))
        assert in_sql == {p.pk for p in Plan.objects.select_related("parent") if policy.coordinates(user, p)}, user.username


def test_a_notice_is_made_once_per_person_and_event_and_emailed_once(officer_a, head_a, django_capture_on_commit_callbacks):
    officer_a.email, head_a.email = "cv@vinhlong.gov.vn", "ld@vinhlong.gov.vn"
    officer_a.save()
    head_a.notice_email = NoticeEmail.OFF
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        handoff(key="test:1", users=[officer_a, head_a], text="Việc mới", url="/")
        handoff(key="test:1", users=[officer_a, head_a], text="Việc mới", url="/")  # the same event handled twice
    assert Notice.objects.filter(key="test:1").count() == 2
    assert [m.to for m in mail.outbox] == [["cv@vinhlong.gov.vn"]]  # the head chose no e-mail
    assert handoff_email_send(key="test:1") == 0  # a second delivery of the job sends nothing more


def test_the_daily_digest_gathers_a_persons_notices_in_one_email_once(officer_a):
    officer_a.email, officer_a.notice_email = "cv@vinhlong.gov.vn", NoticeEmail.DIGEST
    officer_a.save()
    handoff(key="test:a", users=[officer_a], text="Việc thứ nhất", url="/a/")
    handoff(key="test:b", users=[officer_a], text="Việc thứ hai", url="/b/")
    assert mail.outbox == []  # nothing at once
    assert notices_digest_send() == 1
    assert "Việc thứ nhất" in mail.outbox[0].body and "Việc thứ hai" in mail.outbox[0].body
    assert notices_digest_send() == 0


def test_a_person_chooses_how_notices_are_emailed(client, officer_a):
    client.force_login(officer_a)
    client.post(reverse("reports:notice_email_set"), {"notice_email": "digest"})
    officer_a.refresh_from_db()
    assert officer_a.notice_email == NoticeEmail.DIGEST


def test_a_report_the_head_sent_back_waits_in_the_officers_list_not_the_heads(coordinated, agency_a, officer_a, head_a):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    report_transition(report=report, action="send_back", by=head_a, comment="Bổ sung minh chứng")
    assert worklist.RETURNED in kinds(officer_a)
    assert worklist.RETURNED not in kinds(head_a)  # found by walking: the head was asked to fix what he sent back


def test_reports_waiting_for_review_are_one_line_per_plan_and_period_counted_in_a_fixed_number_of_queries(
    coordinated, agency_a, officer_a, head_a, coordinator, django_assert_max_num_queries
):
    """On a deadline day hundreds of reports wait for the coordinator, and the menu of every page counts them: the
    list groups them by plan and period (a link to the inbox filtered to them), and counting does not read them."""
    plan, sent, tasks = coordinated.plan, [], [coordinated.task]
    for number in range(10, 14):
        tasks.append(
            TaskFactory(plan=plan, section=coordinated.task.section, number=str(number), start_date=D(2017, 1, 1), due_date=D(2030, 12, 31))
        )
        TaskAssignmentFactory(task=tasks[-1], agency=agency_a, role=AssignmentRole.LEAD)
    periods = [reporting_period_get_or_create(period=parse_period_code(code)) for code in ("2018-H1", "2018-H2")]
    for period, task in [(periods[1], task) for task in tasks] + [(periods[0], tasks[0])]:
        report = report_save(task=task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
        sent.append(report_transition(report=report, action="submit", by=head_a, notify=False))
    items = [item for item in worklist.work_items(coordinator) if item.kind == worklist.TO_REVIEW]
    assert {(item.count, item.url) for item in items} == {
        (1, reverse("reports:report_detail", args=[sent[-1].pk])),  # the first half-year's report, alone
        (len(tasks), f"{reverse('reports:inbox')}?plan={plan.pk}&period={periods[1].pk}"),
    }
    grouped = next(item for item in items if item.count == len(tasks))
    assert grouped.url == f"{reverse('reports:inbox')}?plan={plan.pk}&period={periods[1].pk}"
    assert f"{len(tasks)} báo cáo" in grouped.why and plan.symbol in grouped.why and "đang chờ bạn" in grouped.why  # whoever reviews them
    assert worklist.work_count(worklist.work_items(coordinator)) == len(sent)

    with django_assert_max_num_queries(30) as few:
        worklist.work_items(coordinator)
    for task in tasks[1:]:  # more reports waiting: not one query more
        report = report_save(task=task, agency=agency_a, period=periods[0], by=officer_a, data=DATA, version=None)
        report_transition(report=report, action="submit", by=head_a, notify=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert worklist.work_count(worklist.work_items(coordinator)) == len(sent) + len(tasks) - 1


def test_a_returned_report_counts_once_and_each_count_is_the_length_of_the_list(coordinated, agency_a, officer_a, head_a, coordinator):
    """Before: a report the coordinator returned for the period being filed was counted twice in the menu, once as
    returned for a fix and once among "n tasks still need their report" (``compliance.missing`` counts it as not sent)."""
    period = reporting_period_get_or_create(period=parse_period_code(coordinated.period_code))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    report = report_transition(report=report, action="submit", by=head_a)
    report = report_transition(report=report, action="return", by=coordinator, comment="Bổ sung số liệu")
    extension_request(task=coordinated.task, by=head_a, requested_due=D(2031, 6, 30), reason="Chờ kinh phí")
    for user, expected in ((officer_a, [worklist.RETURNED]), (head_a, [worklist.RETURNED]), (coordinator, [worklist.EXTENSION])):
        items = worklist.work_items(user)
        assert kinds(user) == expected, user.username
        assert worklist.work_count(items) == len(items) == 1, user.username
    report_transition(report=report, action="send_for_approval", by=officer_a)  # fixed, back to the head
    items = worklist.work_items(head_a)
    assert kinds(head_a) == [worklist.TO_APPROVE] and worklist.work_count(items) == len(items) == 1


def _unread(user, key_start: str) -> list[str]:
    return list(Notice.objects.filter(user=user, read_at__isnull=True, key__startswith=key_start).values_list("text", flat=True))


@pytest.mark.parametrize("action", ["accept", "return", "recall", "withdraw"])
def test_a_reports_submitted_notice_leaves_every_reviewers_unread_once_one_has_handled_it(
    client, coordinated, agency_a, officer_a, head_a, coordinator, coordinating_agency, sysadmin, roles, action
):
    """Before: "Duyệt và gửi: báo cáo của …" stayed unread on the other coordinator's landing page and work page after
    one coordinator had accepted or returned the report (or the head recalled it, an administrator withdrew it): a
    notice of work that no longer waited. Both read it in their history."""
    other = policy_user(roles, "daumoi.2", "coordinator", coordinating_agency)
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a)
    submitted = f"report-event:{report.events.get(action='submit').pk}"
    assert len(_unread(coordinator, submitted)) == len(_unread(other, submitted)) == 1
    client.force_login(other)
    assert worklist.work_count(worklist.work_items(other)) == 1
    if action == "withdraw":
        report_withdraw(report=report, by=sysadmin, reason="Gửi nhầm kỳ")
    else:
        report_transition(report=report, action=action, by=head_a if action == "recall" else coordinator, comment="Bổ sung số liệu")
    assert _unread(coordinator, submitted) == _unread(other, submitted) == []
    assert Notice.objects.filter(user=other, key=submitted, read_at__isnull=False).count() == 1  # kept, read, in the history
    page = client.get(reverse("reports:work"))
    assert worklist.work_count(page.context["items"]) == 0 and 'aria-label="1 việc' not in page.content.decode()
    assert not [n for n in page.context["unread"] if n.key == submitted]


def test_a_report_sent_for_approval_leaves_every_heads_unread_once_one_head_has_acted(coordinated, agency_a, officer_a, head_a, roles):
    other_head = policy_user(roles, "truongdonvi.2", "head", agency_a)
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    sent = f"report-event:{report.events.get(action='send_for_approval').pk}"
    assert len(_unread(other_head, sent)) == 1
    report_transition(report=report, action="submit", by=head_a)
    assert _unread(other_head, sent) == []


def test_an_extensions_asked_notice_leaves_every_deciders_unread_once_one_has_decided(
    client, coordinated, head_a, coordinator, coordinating_agency, roles
):
    """Before: "… xin gia hạn nhiệm vụ …" stayed unread for the other coordinator after one had decided the request."""
    other = policy_user(roles, "daumoi.2", "coordinator", coordinating_agency)
    client.force_login(head_a)
    url = reverse("reports:task_extensions", args=[coordinated.task.pk])
    assert client.post(url, {"requested_due": "30/06/2031", "reason": "Chờ kinh phí"}).status_code == 302
    asked = Extension.objects.get()
    key = f"extension-asked:{asked.pk}"
    assert len(_unread(coordinator, key)) == len(_unread(other, key)) == 1
    client.force_login(coordinator)
    decide = reverse("reports:extension_decide", kwargs={"pk": asked.pk, "decision": "refuse"})
    assert client.post(decide, {"comment": "Không đủ căn cứ"}).status_code == 302
    assert Extension.objects.get().state == ExtensionState.REFUSED
    assert _unread(coordinator, key) == _unread(other, key) == []
    client.force_login(other)
    page = client.get(reverse("reports:work"))
    assert worklist.work_count(page.context["items"]) == 0 and not [n for n in page.context["unread"] if n.key == key]


def test_the_daily_digest_leaves_out_notices_read_or_whose_work_was_handled_before_it_is_sent(
    coordinated, agency_a, officer_a, head_a, coordinator, coordinating_agency, roles
):
    """Before: the digest listed every notice not e-mailed yet, read or not: a coordinator who chose the digest was told
    in the evening of a report "waiting for review" that another coordinator had accepted in the morning."""
    other = policy_user(roles, "daumoi.2", "coordinator", coordinating_agency)
    other.email, other.notice_email = "daumoi2@vinhlong.gov.vn", NoticeEmail.DIGEST
    other.save()
    handoff(key="test:read", users=[other], text="Đã đọc trên cổng", url="/")
    Notice.objects.filter(key="test:read").update(read_at=timezone.now())
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a)
    report_transition(report=report, action="accept", by=coordinator)
    mail.outbox.clear()
    assert notices_digest_send() == 0 and mail.outbox == []
    handoff(key="test:unread", users=[other], text="Việc còn chờ", url="/")
    assert notices_digest_send() == 1
    assert "Việc còn chờ" in mail.outbox[0].body and "Đã đọc trên cổng" not in mail.outbox[0].body


def test_a_count_of_reports_to_file_that_leaves_out_a_returned_one_says_so(client, coordinated, agency_a, officer_a, head_a, coordinator):
    # Walk (hwalk7): chuyenvien.skhcn read a badge "3" beside "4 nhiệm vụ của 125/KH-SKHCN chưa gửi báo cáo…": the fourth
    # was the report sent back, listed above and counted there, but the line did not say so.
    second = TaskFactory(
        plan=coordinated.plan, section=coordinated.task.section, number="3", title="Số hóa hồ sơ", due_date=D(2030, 12, 31)
    )
    TaskAssignmentFactory(task=second, agency=agency_a, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code(coordinated.period_code))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="send_for_approval", by=officer_a)
    report = report_transition(report=report, action="submit", by=head_a)
    report_transition(report=report, action="return", by=coordinator, comment="Bổ sung số liệu")
    client.force_login(officer_a)
    page = client.get(reverse("reports:work")).content.decode()
    to_file = page[page.index("work-item work-file") :]
    to_file = to_file[: to_file.index("</li>")]
    assert '<span class="badge text-bg-warning mt-1">1</span>' in to_file
    assert "2 nhiệm vụ của 28/KH-UBND" in to_file
    assert "Trong đó 1 báo cáo bị trả lại, bị rút hoặc đang chờ phê duyệt đã nêu ở trên" in to_file


def test_a_report_sent_for_the_heads_approval_is_not_counted_as_the_officers_to_file(client, coordinated, agency_a, officer_a):
    # Walk (hwalk7): chuyenvien.skhcn sent the report of task 1 for approval and still read "Việc cần xử lý 8" and
    # "4 nhiệm vụ của 125/KH-SKHCN chưa gửi báo cáo": the fourth waited for the head, not for the officer.
    second = TaskFactory(
        plan=coordinated.plan, section=coordinated.task.section, number="3", title="Số hóa hồ sơ", due_date=D(2030, 12, 31)
    )
    TaskAssignmentFactory(task=second, agency=agency_a, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code(coordinated.period_code))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report_transition(report=report, action="send_for_approval", by=officer_a)
    items = worklist.work_items(officer_a)
    assert [(item.kind, item.count) for item in items] == [(worklist.TO_FILE, 1)]
    assert worklist.work_count(items) == 1
    client.force_login(officer_a)
    page = client.get(reverse("reports:work")).content.decode()
    assert "2 nhiệm vụ của 28/KH-UBND" in page
    assert "Trong đó 1 báo cáo đang chờ lãnh đạo đơn vị duyệt." in page


def _statements_of_work(user) -> tuple[int, list]:
    """The statements ``work_items`` runs for ``user`` read afresh, as each request reads them (its groups included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.models import User

    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        items = worklist.work_items(fresh)
    return len(captured), items


def test_a_leaders_and_a_coordinators_empty_list_costs_one_statement_besides_their_role(coordinated, leader, coordinator):
    """Before: 4 statements for a leader (the inbox, the extensions, the summaries, each built and compiled on every
    page) and 4 for a coordinator, though nothing waited: the menu of every page they open counts them."""
    assert _statements_of_work(leader) == (2, [])  # the role (groups), then whether anything of any kind waits
    assert _statements_of_work(coordinator) == (2, [])


def test_a_coordinators_reports_waiting_cost_two_statements_besides_their_role(coordinated, agency_a, officer_a, head_a, coordinator):
    """Before: 5 (the inbox, its periods, the extensions, the queue to reassign). Now: whether anything waits, the inbox by
    plan and period (its period named from the same row); the kinds with nothing waiting are not read."""
    second = TaskFactory(plan=coordinated.plan, section=coordinated.task.section, number="3", due_date=D(2030, 12, 31))
    TaskAssignmentFactory(task=second, agency=agency_a, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    for task in (coordinated.task, second):
        report = report_save(task=task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
        report_transition(report=report, action="submit", by=head_a, notify=False)
    statements, items = _statements_of_work(coordinator)
    assert [(item.kind, item.count) for item in items] == [(worklist.TO_REVIEW, 2)] and "6 tháng cuối năm 2018" in items[0].why
    assert statements == 3


def test_the_statements_kept_for_one_person_are_never_anothers(
    coordinated, agency_a, officer_a, head_a, coordinator, leader, roles, settings
):
    """The SQL of the work waiting is kept per role and agency (and the settings its rules read), never per person: a
    coordinator of another agency, the same coordinator moved to it, leadership under either setting each read their own."""
    other = policy_user(roles, "daumoi.khac", "coordinator", AgencyFactory())
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=coordinated.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report_transition(report=report, action="submit", by=head_a, notify=False)
    assert kinds(coordinator) == [worklist.TO_REVIEW] and kinds(other) == []  # the plan is coordinated by the first's agency
    coordinator.agency = other.agency
    coordinator.save()
    assert kinds(coordinator) == []  # moved: the other agency's statement
    from reports.tests.factories import ReportFactory

    ReportFactory(task=coordinated.other_task, agency=coordinated.plan.coordinator, period=period, state="submitted")
    assert kinds(leader) == [worklist.TO_REVIEW]  # the coordinating agency's own report: leadership reviews it
    settings.SELF_REVIEW_BY = "coordinator"
    assert kinds(leader) == [] and worklist.TO_REVIEW in kinds(other)
