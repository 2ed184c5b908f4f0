"""Every link built to a list (reminder e-mails and notices, the dashboard's numbers and bars, the overdue flag)
opens a list showing exactly the rows it counted."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone

from plans.choices import PlanState
from plans.tests.factories import PlanFactory, SectionFactory
from reports.choices import ReminderKind, ReportState
from reports.models import Notice, Reminder
from reports.periods import period_due
from reports.reminders import reminders_send
from reports.services import reporting_period_get_or_create
from reports.tests.factories import ReportFactory
from tasks.choices import AssignmentRole, Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
LEAD, COOPERATING = AssignmentRole.LEAD, AssignmentRole.COOPERATING


@pytest.fixture
def today(monkeypatch):
    """A day two days before the sending deadline of the half-year due (reminders go out), as the pages' today."""
    plan_deadline_day = PlanFactory.build().report_deadline_day
    day = period_due(D(2026, 12, 16), "half_year", deadline_day=plan_deadline_day).deadline - datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


@pytest.fixture
def plan(today, agency_a, agency_b, officer_a):
    """Tasks of every kind the counts tell apart: led, cooperated, two leads, finished, reported, sent, without section."""
    plan = PlanFactory(symbol="28/KH-UBND", starts_on=D(2017, 8, 23), reporting_kinds=["half_year", "year"])
    closed = PlanFactory(symbol="9/KH-UBND", starts_on=D(2017, 1, 1), reporting_kinds=["year"], state=PlanState.CLOSED)
    sections = [SectionFactory(plan=plan, number=str(n), position=n, title=f"Nhóm {n}") for n in (1, 2)]
    due_row = reporting_period_get_or_create(period=period_due(today, "half_year", deadline_day=plan.report_deadline_day))

    def task(number, agencies, *, section=sections[0], due=None, done=None, in_plan=plan, ongoing=False):
        made = TaskFactory(
            plan=in_plan,
            section=section if in_plan == plan else None,
            number=number,
            start_date=D(2017, 1, 1),
            due_date=None if ongoing else (due or D(2030, 12, 31)),
            recurrence=Recurrence.ONGOING if ongoing else Recurrence.NONE,
            completed_on=done,
        )
        for agency, role in agencies:
            TaskAssignmentFactory(task=made, agency=agency, role=role)
        return made

    a, b = agency_a, agency_b
    task("1", [(a, LEAD), (b, COOPERATING)])  # A owes
    task("2", [(a, LEAD), (b, LEAD)], due=D(2026, 6, 30))  # overdue, A and B owe
    task("3", [(a, LEAD)], due=D(2026, 6, 30), done=D(2026, 6, 1))  # finished: owes nothing
    task("4", [(b, LEAD), (a, COOPERATING)], section=sections[1])  # B owes; A only cooperates
    drafted = task("5", [(a, LEAD)], ongoing=True)  # a draft is not sent: A owes
    sent = task("6", [(a, LEAD)], section=sections[1])  # sent: nothing owed
    task("7", [(b, LEAD)], section=None, due=D(2026, 6, 30))  # overdue, no section
    task("8", [(a, LEAD)], in_plan=closed, due=D(2026, 6, 30))  # a closed plan: not on the dashboard
    ReportFactory(task=drafted, agency=a, period=due_row, created_by=officer_a, state=ReportState.DRAFT)
    ReportFactory(task=sent, agency=a, period=due_row, created_by=officer_a, state=ReportState.SUBMITTED)
    return plan


def shown(client, url: str) -> int:
    """How many rows the list at ``url`` shows (every page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    return context["page"].paginator.count if "page" in context else context["total"]


def test_reminders_link_to_the_tasks_they_count(client, plan, today, officer_a, officer_b, head_a, django_capture_on_commit_callbacks):
    officer_a.email = "a@example.vn"
    officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send(today=today)
    assert sent[ReminderKind.MISSING_REPORT] == 2
    for reminder in Reminder.objects.filter(kind=ReminderKind.MISSING_REPORT):
        officer = officer_a if reminder.agency == officer_a.agency else officer_b
        notice = Notice.objects.get(reminder=reminder, user=officer)
        assert reminder.items == 3
        client.force_login(officer)
        assert shown(client, notice.url) == reminder.items, notice.url
    assert any(Notice.objects.get(user=officer_a, reminder__kind=ReminderKind.MISSING_REPORT).url in m.body for m in mail.outbox)


def test_the_overdue_flag_links_to_the_tasks_it_names(client, plan, today, coordinator):
    reminders_send(today=today)
    notice = Notice.objects.get(user=coordinator, reminder__kind=ReminderKind.OVERDUE_TASKS)
    counted = int(re.search(r": (\d+) nhiệm vụ", notice.text).group(1))
    client.force_login(coordinator)
    assert counted == 2 and shown(client, notice.url) == counted  # task 2 has two lead agencies: one task


def test_every_number_and_bar_of_the_dashboard_opens_the_tasks_it_counts(client, plan, leader):
    client.force_login(leader)
    response = client.get("/dieu-hanh/")
    page = response.content.decode()
    board, charts = response.context["board"], {**response.context["charts"], "agencies": response.context["agencies_chart"]}
    links = []
    # Numbers that are links: the figure is the anchor's text.
    for href, text in re.findall(r'<a [^>]*href="(/dieu-hanh/nhiem-vu/[^"]*)"[^>]*>(.*?)</a>', page, flags=re.S):
        words = re.sub(r"<[^>]+>", " ", text).split()
        names = {p.symbol: p.counts["total"] for p in board.plans} | {r["agency"].name: r["led"] for r in response.context["agencies"]}
        for rows in board.sections.values():
            names |= {f"{r['section__number']}. {r['section__title']}" if r["section_id"] else "Không thuộc nhóm": r["total"] for r in rows}
        label = " ".join(words)
        if words and words[0].isdigit():
            links.append((html.unescape(href), int(words[0])))
        elif label in names:
            links.append((html.unescape(href), names[label]))
    # Bars of the charts.
    for chart in ("plans", "agencies"):
        for dataset in charts[chart]["datasets"]:
            links += list(zip(dataset["urls"], dataset["data"], strict=True))
    assert len(links) > 20
    wrong = [(url, counted, shown(client, url)) for url, counted in links if shown(client, url) != counted]
    assert wrong == []
