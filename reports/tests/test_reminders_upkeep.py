"""Reminders go once; the upkeep puts stored figures right; periods are reckoned in Vietnam time."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from reports.choices import ReminderKind
from reports.jobs import summaries_compile_due_job
from reports.models import Notice, Reminder, ReportingPeriod, Summary, TrendPoint
from reports.periods import period_due
from reports.reminders import reminders_send
from reports.services import reporting_period_get_or_create
from reports.tests.helpers import report_accept
from reports.upkeep import upkeep_run
from tasks.models import Task

pytestmark = pytest.mark.django_db
D = datetime.date
UTC = datetime.UTC


def test_agencies_missing_reports_are_reminded_once_by_mail_and_in_the_portal(
    world, officer_a, head_a, officer_b, head_b, coordinator, django_capture_on_commit_callbacks
):
    for user in (officer_b, head_b):
        user.email = f"{user.username}@skhcn.vinhlong.gov.vn"
        user.save()
    due = period_due(D(2026, 12, 16), "half_year", deadline_day=world.plan.report_deadline_day)
    today = due.deadline - datetime.timedelta(days=2)
    row = reporting_period_get_or_create(period=due)
    report_accept(task=world.task, agency=officer_a.agency, period=row, officer=officer_a, head=head_a, coordinator=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send(today=today)
    assert sent[ReminderKind.MISSING_REPORT] == 1  # agency B only: agency A has reported
    reminder = Reminder.objects.get(kind=ReminderKind.MISSING_REPORT)
    assert reminder.agency == officer_b.agency and reminder.items == 1
    assert set(Notice.objects.filter(reminder=reminder).values_list("user", flat=True)) == {officer_b.pk, head_b.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_b.email, head_b.email])
    assert "1 nhiệm vụ" in mail.outbox[0].body and due.deadline.strftime("%d/%m/%Y") in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send(today=today + datetime.timedelta(days=1))
    assert again[ReminderKind.MISSING_REPORT] == 0 and len(mail.outbox) == 2  # never the same reminder twice


def test_no_reminder_before_the_window_before_the_deadline(world, officer_b):
    due = period_due(D(2026, 12, 16), "half_year", deadline_day=world.plan.report_deadline_day)
    assert reminders_send(today=due.deadline - datetime.timedelta(days=10))[ReminderKind.MISSING_REPORT] == 0


def test_tasks_newly_overdue_are_flagged_to_the_coordinator_once(world, coordinator, django_capture_on_commit_callbacks):
    task = Task.objects.get(pk=world.task.pk)
    task.due_date = D(2026, 6, 30)
    task.save(update_fields=["due_date"])  # through the model: its working-day due date is stored with it
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=D(2026, 7, 2))
    assert first[ReminderKind.OVERDUE_TASKS] == 1
    notice = Notice.objects.get(user=coordinator, reminder__kind=ReminderKind.OVERDUE_TASKS)  # (the ladder tells it of late reports too)
    assert "28/KH-UBND" in notice.text and "quá hạn" in notice.text
    assert reminders_send(today=D(2026, 7, 3))[ReminderKind.OVERDUE_TASKS] == 0


def test_the_notice_is_shown_on_the_landing_page_until_read(client, world, officer_b):
    notice = Notice.objects.create(user=officer_b, text="Còn 1 nhiệm vụ chưa gửi báo cáo", url="/don-vi/nhiem-vu/")
    client.force_login(officer_b)
    assert "Còn 1 nhiệm vụ chưa gửi báo cáo" in client.get("/don-vi/nhiem-vu/").content.decode()
    response = client.post(f"/thong-bao/{notice.pk}/da-doc/")
    assert response.status_code == 302 and response["Location"] == "/don-vi/nhiem-vu/"
    assert "Còn 1 nhiệm vụ chưa gửi báo cáo" not in client.get("/don-vi/nhiem-vu/").content.decode()


def test_a_user_cannot_read_someone_elses_notice(client, officer_a, officer_b):
    notice = Notice.objects.create(user=officer_b, text="Riêng", url="/")
    client.force_login(officer_a)
    assert client.post(f"/thong-bao/{notice.pk}/da-doc/").status_code == 404


def test_the_upkeep_puts_stored_figures_right(world, officer_a, head_a, coordinator):
    row = reporting_period_get_or_create(period=period_due(D(2025, 12, 16), "half_year"))
    report_accept(
        task=world.task, agency=officer_a.agency, period=row, officer=officer_a, head=head_a, coordinator=coordinator, progress=70
    )
    Task.objects.filter(pk=world.task.pk).update(progress=5)  # a script wrote over it
    TrendPoint.objects.update(progress_sum=1)
    changed = upkeep_run(today=D(2026, 11, 22))
    assert changed["tasks"] == 1 and changed["trend_points"] == 1
    assert Task.objects.get(pk=world.task.pk).progress == 70 and TrendPoint.objects.get().progress_sum == 70
    due = period_due(D(2026, 11, 22), "half_year", deadline_day=world.plan.report_deadline_day)
    assert ReportingPeriod.objects.filter(kind=due.kind, year=due.year, number=due.number).exists()
    assert upkeep_run(today=D(2026, 11, 22))["tasks"] == 0


def test_lateness_is_judged_in_vietnam_time(world, officer_a, head_a, officer_b, head_b, coordinator):
    """The first-half 2018 deadline is 20/06/2018: 23:00 that day in Vĩnh Long is 16:00 UTC, 01:00 the next day is 18:00 UTC."""
    row = reporting_period_get_or_create(period=period_due(D(2018, 6, 16), "half_year", deadline_day=world.plan.report_deadline_day))
    assert row.as_period(world.plan.report_deadline_day).deadline == D(2018, 6, 20)
    common = {"period": row, "coordinator": coordinator}
    on_time = report_accept(
        task=world.task,
        agency=officer_a.agency,
        officer=officer_a,
        head=head_a,
        at=datetime.datetime(2018, 6, 20, 16, 0, tzinfo=UTC),
        **common,
    )
    late = report_accept(
        task=world.other_task,
        agency=officer_b.agency,
        officer=officer_b,
        head=head_b,
        at=datetime.datetime(2018, 6, 20, 18, 0, tzinfo=UTC),
        **common,
    )
    assert (on_time.is_late, late.is_late) == (False, True)


def test_the_scheduled_compilation_waits_for_the_cut_off_in_vietnam_time(world, monkeypatch, django_capture_on_commit_callbacks):
    """The 14/12/2018 cut-off ends at 17:00 UTC: at 16:30 UTC nothing is due, at 17:30 UTC the summaries are compiled."""
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2018, 12, 14, 16, 30, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        summaries_compile_due_job.apply()
    compiled = set(Summary.objects.values_list("period__kind", "period__year", "period__number"))
    assert compiled == {("half_year", 2018, 1), ("year", 2017, 1)}  # 23:30 on 14/12 in Vĩnh Long: the periods before
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2018, 12, 14, 17, 30, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        summaries_compile_due_job.apply()
    compiled = set(Summary.objects.values_list("period__kind", "period__year", "period__number")) - compiled
    assert compiled == {("half_year", 2018, 2), ("year", 2018, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        summaries_compile_due_job.apply()  # a second run (or a second beat) compiles nothing more
    assert Summary.objects.count() == 4
