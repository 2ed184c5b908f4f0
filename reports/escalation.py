"""The escalation ladder: how a report not sent climbs from the person in charge to leadership (DOMAIN.md).

Per plan (``EscalationLadder``; defaults when the plan has no row), in working days (``plans.workdays``):

1. ``days_before`` working days before the sending deadline → the people in charge (``reports.reminders``);
2. on the deadline → the agency's head;
3. ``days_after`` working days after it → the plan's coordinator;
4. every week, on ``leadership_weekday`` → leadership's digest of every agency still late;

until the next period's first step begins (then that period is the work at hand).

Each step is a ``Reminder`` row whose unique key (kind, plan, agency, period[, week]) is written before anything
is sent, so the daily job, run twice, on two workers, or again after a broker outage, sends each step once per
obligation; the rows are the record the coordinator reads (``ladder_state``).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.outbox import job_enqueue
from plans.choices import Role
from plans.models import Plan, User
from plans.policy import ROLE_GROUPS, coordinates
from plans.workdays import current_calendar
from tasks.delegation import who_receives

from .choices import ReminderKind
from .filters import NOT_SENT, AgencyTaskFilter, DashboardTaskFilter
from .models import EscalationLadder, Notice, Reminder
from .periods import Period, main_kind, period_containing, period_due
from .services import reporting_period_get_or_create

LADDER = (ReminderKind.MISSING_REPORT, ReminderKind.LATE_TO_HEAD, ReminderKind.LATE_TO_COORDINATOR, ReminderKind.LATE_TO_LEADERSHIP)


def ladder_of(plan: Plan) -> EscalationLadder:
    """The plan's ladder, or the defaults (an unsaved row) when the admin set none."""
    try:
        return plan.escalation_ladder
    except EscalationLadder.DoesNotExist:
        return EscalationLadder(plan=plan)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day before ``day``."""
    calendar = current_calendar()
    while count > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def first_step_window(plan: Plan, period: Period) -> datetime.date:
    """The first day the people in charge are reminded of ``period``."""
    return working_days_before(period.deadline, ladder_of(plan).days_before)


def late_period(plan: Plan, today: datetime.date) -> Period | None:
    """The latest period of the plan whose sending deadline is today or has passed (None before the first)."""
    kind = main_kind(plan.reporting_kinds)
    due = period_due(today, kind, deadline_day=plan.report_deadline_day)
    if due.deadline <= today:
        return due
    previous = period_containing(due.first_day - datetime.timedelta(days=1), kind, deadline_day=plan.report_deadline_day)
    return previous if previous.deadline <= today and previous.first_day >= plan.starts_on else None


def remember(**fields) -> Reminder | None:
    """The new reminder row, or None when this step was already taken (by this run or another)."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(**fields)
    except IntegrityError:
        return None


def notify(reminder: Reminder, users: list[User], text: str, url: str) -> None:
    """The step's notices (one per person) and its e-mail job, in the transaction that recorded the step."""
    people = list({user.pk: user for user in users}.values())
    Notice.objects.bulk_create([Notice(user=user, reminder=reminder, text=text, url=url) for user in people])
    job_enqueue("reports.jobs.reminder_email_job", reminder.pk)


@transaction.atomic
def late_steps_send(plan: Plan, today: datetime.date, missing: dict[int, int], period: Period) -> dict[str, int]:
    """Steps 2 to 4 for ``period`` (already past its deadline) and the agencies ``missing`` its reports (agency → count)."""
    sent = {ReminderKind.LATE_TO_HEAD.value: 0, ReminderKind.LATE_TO_COORDINATOR.value: 0, ReminderKind.LATE_TO_LEADERSHIP.value: 0}
    if not missing:
        return sent
    ladder = ladder_of(plan)
    row = reporting_period_get_or_create(period=period)
    url = DashboardTaskFilter.url(plan=plan.pk, report=NOT_SENT)  # the tasks whose reports are owed and not sent
    deadline = f"{period.deadline:%d/%m/%Y}"
    active = User.objects.filter(is_active=True)
    # 2. on the deadline: the agency's head (and a stand-in for an absent head)
    for agency_id, n in missing.items():
        reminder = remember(kind=ReminderKind.LATE_TO_HEAD, plan=plan, agency_id=agency_id, period=row, key=period.code, items=n)
        if reminder is None:
            continue
        heads = who_receives(active.filter(agency_id=agency_id, groups__name=ROLE_GROUPS[Role.HEAD]), today)
        text = _("%(agency)s: %(n)d reports of plan %(plan)s for %(period)s were not sent by the deadline, %(deadline)s.") % {
            "agency": reminder.agency.short_name,
            "n": n,
            "plan": plan.symbol,
            "period": period.label_in_sentence,
            "deadline": deadline,
        }
        notify(reminder, heads, text, AgencyTaskFilter.url(plan=plan.pk, report_state=NOT_SENT))
        sent[ReminderKind.LATE_TO_HEAD] += 1
    # 3. some working days later: the plan's coordinator
    if today >= current_calendar().add_working_days(period.deadline, ladder.days_after):
        coordinators = [u for u in active.filter(groups__name=ROLE_GROUPS[Role.COORDINATOR]) if coordinates(u, plan)]
        for agency_id, n in missing.items():
            reminder = remember(kind=ReminderKind.LATE_TO_COORDINATOR, plan=plan, agency_id=agency_id, period=row, key=period.code, items=n)
            if reminder is None:
                continue
            agency = reminder.agency
            text = _("%(agency)s has still not sent %(n)d reports of plan %(plan)s for %(period)s (deadline %(deadline)s).") % {
                "agency": agency.short_name,
                "n": n,
                "plan": plan.symbol,
                "period": period.label_in_sentence,
                "deadline": deadline,
            }
            notify(reminder, coordinators, text, url)
            sent[ReminderKind.LATE_TO_COORDINATOR] += 1
    # 4. every week: leadership's digest of every agency still late
    if today.weekday() == ladder.leadership_weekday and today > period.deadline:
        week = f"{period.code}:{today.isocalendar().year}-W{today.isocalendar().week:02d}"
        new = [
            (agency_id, n)
            for agency_id, n in sorted(missing.items())
            if remember(kind=ReminderKind.LATE_TO_LEADERSHIP, plan=plan, agency_id=agency_id, period=row, key=week, items=n)
        ]
        if new:
            reminders = Reminder.objects.filter(kind=ReminderKind.LATE_TO_LEADERSHIP, plan=plan, key=week).select_related("agency")
            names = "; ".join(f"{r.agency.short_name} ({r.items})" for r in reminders.order_by("agency__name"))
            text = _("Week of %(day)s. Plan %(plan)s, %(period)s: %(n)d agencies are still late with their reports: %(agencies)s.") % {
                "day": f"{today:%d/%m/%Y}",
                "plan": plan.symbol,
                "period": period.label_in_sentence,
                "n": len(new),
                "agencies": names,
            }
            leaders = list(active.filter(groups__name=ROLE_GROUPS[Role.LEADERSHIP]))
            notify(reminders.filter(agency_id=new[0][0]).get(), leaders, text, url)
            sent[ReminderKind.LATE_TO_LEADERSHIP] += 1
    return sent


def ladder_state(*, plan: Plan, agency_id: int, period_code: str) -> list[Reminder]:
    """The steps already taken on one obligation (plan, agency, period), in the ladder's order: what the coordinator reads."""
    rows = Reminder.objects.filter(plan=plan, agency_id=agency_id, key__startswith=period_code, kind__in=LADDER).order_by("sent_at")
    return sorted(rows, key=lambda r: LADDER.index(ReminderKind(r.kind)))
