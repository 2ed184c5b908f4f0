"""The escalation ladder over a simulated month: each step once per obligation, recorded, across a broker outage."""

import collections
import datetime

import pytest
from django.core import mail

from core.outbox import outbox_publish
from plans.workdays import current_calendar
from reports.choices import ReminderKind
from reports.escalation import ladder_state, working_days_before
from reports.models import EscalationLadder, Notice, Reminder
from reports.periods import period_due
from reports.reminders import reminders_send
from tasks.delegation import task_owners_set
from tasks.models import TaskAssignment

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def late_world(world, agency_b, officer_b, head_b, coordinator, leader):
    """Agency B leads task 2 and never reports; its officer carries it; everyone has an address."""
    for user in (officer_b, head_b, coordinator, leader):
        user.email = f"{user.username}@vinhlong.gov.vn"
        user.save()
    world.plan.coordinator = coordinator.agency
    world.plan.save()
    task_owners_set(
        assignment=TaskAssignment.objects.get(task=world.other_task, agency=agency_b), users=[officer_b], by=head_b, day=D(2026, 1, 1)
    )
    return world


def _run_month(plan, start, days, *, broker_down=frozenset(), beat_down=frozenset(), capture=None, monkeypatch=None):
    """Run the daily job on each day (not on ``beat_down`` days); while the broker is down no job is published."""
    import core.outbox

    publish = core.outbox._publish

    def refused(message):
        raise ConnectionError("Redis refused the connection")

    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        monkeypatch.setattr(core.outbox, "_publish", refused if day in broker_down else publish)
        if day not in beat_down:
            with capture(execute=True):
                reminders_send(today=day)
        if day not in broker_down:
            with capture(execute=True):
                outbox_publish()  # beat's drain every minute, once the broker answers


def test_over_a_month_each_step_goes_once_to_the_right_people_even_across_a_redis_outage(
    late_world, agency_a, agency_b, officer_b, head_b, coordinator, leader, monkeypatch, django_capture_on_commit_callbacks
):
    plan = late_world.plan
    period = period_due(D(2026, 12, 16), "half_year", deadline_day=plan.report_deadline_day)
    start = period.deadline - datetime.timedelta(days=14)
    outage = {period.deadline + datetime.timedelta(days=n) for n in range(-1, 3)}  # Redis down around the deadline
    _run_month(
        plan,
        start,
        35,
        broker_down=outage,
        beat_down={period.deadline + datetime.timedelta(days=1)},  # and beat itself missed a day
        capture=django_capture_on_commit_callbacks,
        monkeypatch=monkeypatch,
    )
    rows = Reminder.objects.filter(plan=plan, agency=agency_b, key__startswith=period.code)  # (the period before climbs too)
    per_kind = collections.Counter(rows.values_list("kind", flat=True))
    mondays = sum(1 for n in range(35) if (d := start + datetime.timedelta(days=n)) > period.deadline and d.weekday() == 0)
    assert per_kind == {
        ReminderKind.MISSING_REPORT: 1,
        ReminderKind.LATE_TO_HEAD: 1,
        ReminderKind.LATE_TO_COORDINATOR: 1,
        ReminderKind.LATE_TO_LEADERSHIP: mondays,
    }
    first = rows.get(kind=ReminderKind.MISSING_REPORT)
    assert set(Notice.objects.filter(reminder=first).values_list("user__username", flat=True)) == {"officer_b"}  # in charge first
    head_step = rows.get(kind=ReminderKind.LATE_TO_HEAD)
    assert set(Notice.objects.filter(reminder=head_step).values_list("user__username", flat=True)) == {"head_b"}
    coordinator_step = rows.get(kind=ReminderKind.LATE_TO_COORDINATOR)
    assert set(Notice.objects.filter(reminder=coordinator_step).values_list("user__username", flat=True)) == {"coordinator"}
    # Working days: the first step on the 5th working day before the deadline, the coordinator's on the 3rd after.
    assert first.sent_at is not None and ladder_state(plan=plan, agency_id=agency_b.pk, period_code=period.code)[0] == first
    assert [r.kind for r in ladder_state(plan=plan, agency_id=agency_b.pk, period_code=period.code)][:3] == [
        ReminderKind.MISSING_REPORT,
        ReminderKind.LATE_TO_HEAD,
        ReminderKind.LATE_TO_COORDINATOR,
    ]
    # Nothing twice: every e-mail once per person and step, none lost to the outage.
    sent = collections.Counter((m.to[0], m.body) for m in mail.outbox)
    assert sent and max(sent.values()) == 1
    notices = Notice.objects.filter(reminder__plan=plan)
    assert notices.count() == len({(n.user_id, n.reminder_id) for n in notices})
    assert len(mail.outbox) == notices.exclude(user__email="").count()


def test_the_steps_keep_to_the_working_days_the_plan_sets(late_world, agency_b, monkeypatch, django_capture_on_commit_callbacks):
    plan = late_world.plan
    EscalationLadder.objects.create(plan=plan, days_before=2, days_after=1, leadership_weekday=4)
    period = period_due(D(2026, 12, 16), "half_year", deadline_day=plan.report_deadline_day)
    steps = Reminder.objects.filter(agency=agency_b, key=period.code)
    reminders_send(today=working_days_before(period.deadline, 3))
    assert not steps.filter(kind=ReminderKind.MISSING_REPORT).exists()
    reminders_send(today=working_days_before(period.deadline, 2))
    assert steps.filter(kind=ReminderKind.MISSING_REPORT).exists()
    reminders_send(today=period.deadline)
    assert steps.filter(kind=ReminderKind.LATE_TO_HEAD).exists()
    assert not steps.filter(kind=ReminderKind.LATE_TO_COORDINATOR).exists()
    reminders_send(today=current_calendar().add_working_days(period.deadline, 1))
    assert steps.filter(kind=ReminderKind.LATE_TO_COORDINATOR).exists()
