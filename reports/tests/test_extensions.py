"""Extensions (gia hạn): asked before the due date by a lead agency's head; approved, shortened or refused."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.tests.factories import UserFactory
from reports.tests.helpers import run_at_once
from tasks import extensions
from tasks.choices import ExtensionState, TaskStatus
from tasks.extensions import extension_decide, extension_request
from tasks.models import Extension

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 3, tzinfo=datetime.UTC)


@pytest.fixture
def task(world):
    world.task.due_date = D(2018, 12, 31)
    world.task.save()
    return world.task


def test_an_approved_extension_keeps_both_dates_and_judges_the_task_by_the_new_one(task, head_a, coordinator):
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ phân bổ kinh phí", at=at(D(2018, 12, 1)))
    decided = extension_decide(extension=asked, by=coordinator, approve=True, comment="Đồng ý")
    task.refresh_from_db()
    assert decided.state == ExtensionState.APPROVED and task.due_date == D(2018, 12, 31) and task.extended_due_date == D(2019, 6, 30)
    assert task.status(D(2019, 3, 1)) == TaskStatus.IN_PROGRESS
    assert task.status(D(2019, 7, 1)) == TaskStatus.IN_PROGRESS  # 30/06/2019 is a Sunday: judged by Monday 01/07
    assert task.status(D(2019, 7, 2)) == TaskStatus.OVERDUE


def test_the_coordinator_may_approve_a_shorter_date(task, head_a, coordinator):
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    decided = extension_decide(extension=asked, by=coordinator, approve=True, approved_due=D(2019, 3, 31))
    task.refresh_from_db()
    assert decided.shortened and task.extended_due_date == D(2019, 3, 31)


def test_a_refusal_needs_a_comment_and_leaves_the_due_date(task, head_a, coordinator):
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    with pytest.raises(ValidationError) as refused:
        extension_decide(extension=asked, by=coordinator, approve=False)
    assert "comment" in refused.value.message_dict
    extension_decide(extension=asked, by=coordinator, approve=False, comment="Đủ thời gian thực hiện")
    task.refresh_from_db()
    assert task.extended_due_date is None and task.extensions.get().state == ExtensionState.REFUSED


def test_a_request_after_the_due_date_is_refused_with_a_message(task, head_a):
    with pytest.raises(ValidationError) as refused:
        extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2019, 1, 2)))
    assert "31/12/2018" in refused.value.message_dict["requested_due"][0]
    assert "trước hạn" in refused.value.message_dict["requested_due"][0]


def test_only_the_head_of_a_lead_agency_asks_and_only_the_coordinator_decides(task, officer_a, head_a, head_b, leader):
    for user in (officer_a, head_b):
        with pytest.raises(PermissionDenied):
            extension_request(task=task, by=user, requested_due=D(2019, 6, 30), reason="x", at=at(D(2018, 12, 1)))
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="x", at=at(D(2018, 12, 1)))
    with pytest.raises(PermissionDenied):
        extension_decide(extension=asked, by=leader, approve=True)


def test_leadership_decides_when_the_setting_says_so(task, head_a, coordinator, leader, settings):
    settings.EXTENSION_DECIDED_BY = "leadership"
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="x", at=at(D(2018, 12, 1)))
    with pytest.raises(PermissionDenied):
        extension_decide(extension=asked, by=coordinator, approve=True)
    assert extension_decide(extension=asked, by=leader, approve=True).state == ExtensionState.APPROVED


def test_the_summary_marks_a_task_judged_against_its_extension(client, task, head_a, coordinator, leader):
    """Issue 13: the annex's status, the document's overdue sentence and the summary page say "(đã gia hạn)";
    the snapshot records it, so the document built from the snapshot alone can say it."""
    from docx import Document
    from openpyxl import load_workbook

    from reports.periods import parse_period_code
    from reports.summaries.service import summary_compile

    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 3, 31), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    extension_decide(extension=asked, by=coordinator, approve=True)
    summary = summary_compile(plan=task.plan, period=parse_period_code("2019-H1"))  # overdue since 31/03/2019
    [overdue] = summary.snapshot["overdue"]
    assert overdue["number"] == task.number and overdue["extended"] is True
    rows = {row[2]: row for row in load_workbook(summary.annex.open("rb")).active.iter_rows(min_row=5, values_only=True)}
    assert rows[task.number][7] == "Chưa hoàn thành, quá hạn (đã gia hạn)"
    assert rows["2"][7] == "Đang thực hiện trong hạn"  # the other task has no extension
    text = [p.text for p in Document(summary.document.open("rb")).paragraphs]
    assert "Còn 1 nhiệm vụ chưa hoàn thành, quá hạn, trong đó 1 nhiệm vụ đã gia hạn (chi tiết tại Phụ lục kèm theo)." in text
    client.force_login(leader)
    assert "(đã gia hạn)" in client.get(summary.get_absolute_url()).content.decode()


def test_a_summary_compiled_before_extensions_were_recorded_still_reads(client, task, leader):
    """Snapshots kept from before: their overdue tasks carry no "extended"; the page and the document read them as not extended."""
    from reports.periods import parse_period_code
    from reports.summaries.document import summary_document
    from reports.summaries.drafting import summary_texts
    from reports.summaries.service import summary_compile

    task.due_date = D(2018, 6, 30)
    task.save()
    summary = summary_compile(plan=task.plan, period=parse_period_code("2018-H2"))
    for item in summary.snapshot["overdue"]:
        del item["extended"]
    summary.save()
    assert summary_document(summary, summary_texts(summary))
    client.force_login(leader)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert task.title in page and "(đã gia hạn)" not in page


def test_the_rule_says_when_a_request_can_never_succeed(world):
    from tasks.extensions import extension_refusal

    task = world.task  # due 31/12/2030
    assert extension_refusal(task, D(2030, 12, 31)) is None
    assert "31/12/2030" in str(extension_refusal(task, D(2031, 1, 1)).messages)
    task.due_date = None
    assert extension_refusal(task, D(2020, 1, 1)) is not None


@pytest.mark.parametrize("due", [None, D(2018, 12, 31)], ids=["no-due-date", "due-date-passed"])
def test_the_link_to_ask_for_more_time_shows_only_where_a_request_can_succeed(client, world, officer_a, leader, due):
    from django.urls import reverse

    link = reverse("reports:task_extensions", args=[world.task.pk])
    pages = {
        officer_a: reverse("reports:report_edit", args=[world.task.pk, world.period_code]),
        leader: reverse("reports:task_page", args=[world.task.pk]),
    }
    for user, url in pages.items():  # due 31/12/2030: offered
        client.force_login(user)
        assert link in client.get(url).content.decode(), url
    world.task.due_date = due
    world.task.save()
    for user, url in pages.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and link not in response.content.decode(), url


def test_the_page_says_a_request_was_sent_once(client, world, head_a):
    """The base page shows the messages; the extensions page showed them a second time (found by walking the portal)."""
    from django.urls import reverse

    client.force_login(head_a)
    url = reverse("reports:task_extensions", args=[world.task.pk])
    page = client.post(url, {"requested_due": "30/06/2031", "reason": "Chờ phân bổ kinh phí"}, follow=True).content.decode()
    assert page.count("Đã gửi đề nghị gia hạn") == 1


def test_a_decision_is_confirmed_once_on_the_extension_page(client, task, head_a, coordinator):
    # Walk: every message on the extension page appeared twice (the page and the layout both listed them).
    from django.urls import reverse

    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    client.force_login(coordinator)
    page = client.post(reverse("reports:extension_decide", args=[asked.pk, "approve"]), {"comment": "Đồng ý"}, follow=True)
    assert page.content.decode().count("Đã ghi nhận quyết định.") == 1


def test_only_the_layout_lists_the_messages_of_a_page():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    listing = sorted(str(path.relative_to(templates)) for path in templates.rglob("*.html") if "in messages %}" in path.read_text())
    assert listing == ["base.html"]


def test_the_dates_of_a_request_and_of_a_decision_are_asked_day_first_as_every_date_of_the_portal(client, world, head_a, coordinator):
    """Walk finding (hwalk3): "Hạn gia hạn đề nghị" and "Hạn được chấp thuận" were empty boxes, the only date fields of the
    portal without "dd/mm/yyyy" (a phone offered the letters keyboard too); a refused request keeps the date as typed."""
    from django.urls import reverse

    client.force_login(head_a)
    url = reverse("reports:task_extensions", args=[world.task.pk])
    form = client.get(url).context["form"]
    assert form["requested_due"].field.widget.attrs["placeholder"] == "dd/mm/yyyy"
    refused = client.post(url, {"requested_due": "30/06/2031", "reason": ""}).content.decode()
    assert 'value="30/06/2031"' in refused
    extension_request(task=world.task, by=head_a, requested_due=D(2031, 6, 30), reason="Chờ kinh phí")
    client.force_login(coordinator)
    decision = client.get(url).context["decision_form"]
    assert decision["approved_due"].field.widget.attrs["placeholder"] == "dd/mm/yyyy"


@pytest.fixture
def second_coordinator(roles, coordinator):
    user = UserFactory(username="daumoi.2", agency=coordinator.agency)
    user.groups.set([roles["coordinator"]])
    return user


def decided_row(extension: Extension) -> tuple:
    extension.refresh_from_db()
    extension.task.refresh_from_db()
    return extension.state, extension.approved_due, extension.decided_by_id, extension.comment, extension.task.extended_due_date


def test_a_second_decision_on_a_decided_request_is_refused_and_writes_nothing(task, head_a, coordinator, second_coordinator):
    """Two coordinators opened the same waiting request: the second, whose page still says "waiting", is told it was
    decided (in Vietnamese) and neither the request, the task's date nor the task's history changes."""
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    stale = Extension.objects.get(pk=asked.pk)  # as the second coordinator's page read it: waiting
    extension_decide(extension=asked, by=coordinator, approve=True, approved_due=D(2019, 3, 31), comment="Đồng ý 3 tháng")
    before, history = decided_row(asked), task.history.count()
    for approve, comment in ((True, ""), (False, "Không đồng ý")):
        with pytest.raises(ValidationError, match="Đề nghị này đã được quyết định"):
            extension_decide(extension=stale, by=second_coordinator, approve=approve, comment=comment)
    assert decided_row(asked) == before == (ExtensionState.APPROVED, D(2019, 3, 31), coordinator.pk, "Đồng ý 3 tháng", D(2019, 3, 31))
    assert task.history.count() == history


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_at_once_on_postgresql_decide_once(task, head_a, coordinator, second_coordinator, monkeypatch):
    """The first decision holds the request's row until it commits; the second waits on the lock, then reads the
    request decided and is refused. Without the lock both read "waiting" and both decisions were written."""
    asked = extension_request(task=task, by=head_a, requested_due=D(2019, 6, 30), reason="Chờ kinh phí", at=at(D(2018, 12, 1)))
    history = task.history.count()
    holding = threading.Event()
    figures_changed = extensions.figures_changed

    def slow_figures_changed(**kwargs):  # the approval's last step inside its transaction: hold the lock a moment
        holding.set()
        time.sleep(1)  # long enough for the other decision to read the row (or wait on its lock)
        figures_changed(**kwargs)

    monkeypatch.setattr(extensions, "figures_changed", slow_figures_changed)

    def approve():
        extension_decide(extension=asked, by=coordinator, approve=True, approved_due=D(2019, 3, 31), comment="Đồng ý 3 tháng")

    def refuse():
        assert holding.wait(10), "the approval never reached its last step"
        extension_decide(extension=asked, by=second_coordinator, approve=False, comment="Không đồng ý")

    errors = run_at_once(approve, refuse)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "Đề nghị này đã được quyết định" in errors[0].messages[0]
    assert decided_row(asked) == (ExtensionState.APPROVED, D(2019, 3, 31), coordinator.pk, "Đồng ý 3 tháng", D(2019, 3, 31))
    assert task.history.count() == history + 1


def test_who_finds_no_form_to_ask_for_more_time_is_told_who_asks(client, world, officer_a, head_b, leader):
    """Walk: the officer's report form links to 'Đề nghị gia hạn'; the page showed no form and no word why.

    The officer of the lead agency is sent to its head; the head of a cooperating agency learns that the lead
    agency asks. The words are the rule's own (tasks.policy.extension_request_refusal), as the service's refusal.
    """
    from django.urls import reverse

    url = reverse("reports:task_extensions", args=[world.task.pk])
    client.force_login(officer_a)
    page = client.get(url).content.decode()
    assert "extension-refusal" in page and "lãnh đạo" in page and world.task.assignments.get(role="lead").agency.name in page
    client.force_login(head_b)
    page = client.get(url).content.decode()
    assert "extension-refusal" in page and "cơ quan chủ trì" in page
    with pytest.raises(PermissionDenied, match="lãnh đạo"):
        extension_request(task=world.task, by=officer_a, requested_due=D(2031, 6, 30), reason="Chờ kinh phí")
    client.force_login(leader)  # leadership decides: it is not told it cannot ask
    assert "extension-refusal" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("own", "decider"), [(False, "cơ quan đầu mối"), (True, "lãnh đạo UBND tỉnh")], ids=["coordinator", "own-agency-to-leadership"]
)
def test_the_head_is_told_who_decides_the_request(client, world, agency_a, head_a, own, decider):
    # Walk (hwalk7): truongdonvi.skhcn asked for more time on a task of 125/KH-SKHCN (coordinated by Sở KH&CN itself, so
    # leadership decides) and read only "Đã gửi đề nghị gia hạn." and "Chờ quyết định · Sở KH&CN": decided by whom?
    from django.urls import reverse

    if own:
        world.plan.coordinator = agency_a
        world.plan.save()
    client.force_login(head_a)
    url = reverse("reports:task_extensions", args=[world.task.pk])
    page = client.post(url, {"requested_due": "30/06/2031", "reason": "Chờ phân bổ kinh phí"}, follow=True).content.decode()
    assert f"Đã gửi đề nghị gia hạn tới {decider}." in page
    assert f"Chờ {decider} quyết định" in page
