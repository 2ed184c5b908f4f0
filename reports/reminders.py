"""Reminders: agencies whose reports are due soon and not sent, and tasks newly overdue.

Each reminder is a ``Reminder`` row whose unique key (kind, plan, agency, period or task) is
written before anything is sent: running the job twice, or on two workers, reminds once.
The e-mail goes through the outbox after the commit; the in-portal notice is written with the row.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from plans.choices import PlanState, Role
from plans.models import Plan, User
from plans.policy import ROLE_GROUPS
from tasks.choices import TaskStatus
from tasks.delegation import running_on, who_receives
from tasks.models import TaskOwner

from . import compliance
from .choices import ReminderKind
from .escalation import first_step_window, late_period, late_steps_send, notify, remember
from .filters import NOT_SENT, AgencyTaskFilter, DashboardTaskFilter
from .models import Notice, Reminder
from .periods import Period, main_kind, period_due
from .services import reporting_period_get_or_create


def missing_reports_by_agency(*, plan: Plan, period: Period, today: datetime.date) -> dict[int, int]:
    """Per agency, how many unfinished tasks it leads have no report sent for ``period`` (``reports.compliance``)."""
    row = reporting_period_get_or_create(period=period)
    return compliance.missing_by_agency({plan.pk: row.pk}, as_of=today)


def reminders_send(*, today: datetime.date) -> dict[str, int]:
    """Send what is due today (the escalation ladder, ``reports.escalation``, and the overdue flags); returns how many
    reminders of each kind went out."""
    sent = {kind.value: 0 for kind in ReminderKind}
    for plan in Plan.objects.filter(state=PlanState.IN_FORCE).order_by("pk"):
        period = period_due(today, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day)
        if first_step_window(plan, period) <= today <= period.deadline:
            sent[ReminderKind.MISSING_REPORT] += _missing_reports_remind(plan, period, today)
        late = late_period(plan, today)
        # A late period climbs until the next period's own reminders begin (then that one is the work at hand).
        if late is not None and (late == period or today < first_step_window(plan, period)):
            for kind, n in late_steps_send(plan, today, missing_reports_by_agency(plan=plan, period=late, today=today), late).items():
                sent[kind] += n
        sent[ReminderKind.OVERDUE_TASKS] += _overdue_flag(plan, today)
    return sent


@transaction.atomic
def _missing_reports_remind(plan: Plan, period: Period, today: datetime.date) -> int:
    row = reporting_period_get_or_create(period=period)
    count = 0
    for agency_id, n in missing_reports_by_agency(plan=plan, period=period, today=today).items():
        reminder = remember(kind=ReminderKind.MISSING_REPORT, plan=plan, agency_id=agency_id, period=row, key=period.code, items=n)
        if reminder is None:
            continue
        users = _people_in_charge(plan, row.pk, agency_id, today)
        text = _("%(n)d tasks of plan %(plan)s still need their report for %(period)s; the deadline is %(deadline)s.") % {
            "n": n,
            "plan": plan.symbol,
            "period": period.label_in_sentence,
            "deadline": f"{period.deadline:%d/%m/%Y}",
        }
        notify(reminder, users, text, AgencyTaskFilter.url(plan=plan.pk, report_state=NOT_SENT))
        count += 1
    return count


def _people_in_charge(plan: Plan, period_id: int, agency_id: int, today: datetime.date) -> list[User]:
    """Who is reminded of an agency's missing reports: the people in charge of them first (and their stand-ins);
    the agency's officers and heads when any missing report has nobody in charge (``tasks.delegation``)."""
    missing = compliance.missing({plan.pk: period_id}, as_of=today).filter(agency=agency_id)
    owners = TaskOwner.objects.filter(running_on(today), assignment__in=missing.values("pk"))
    carried = set(owners.values_list("assignment_id", flat=True))
    if set(missing.values_list("pk", flat=True)) <= carried:
        people = User.objects.filter(is_active=True, pk__in=owners.values("user_id"))
    else:
        people = User.objects.filter(
            is_active=True, agency_id=agency_id, groups__name__in=[ROLE_GROUPS[Role.OFFICER], ROLE_GROUPS[Role.HEAD]]
        ).distinct()
    return list({person.pk: person for person in who_receives(people, today)}.values())


@transaction.atomic
def _overdue_flag(plan: Plan, today: datetime.date) -> int:
    """Flag to the coordinators each task that has become overdue since the last run (once per task)."""
    flagged = set(Reminder.objects.filter(kind=ReminderKind.OVERDUE_TASKS, plan=plan).values_list("key", flat=True))
    overdue = [
        assignment
        for assignment in compliance.lead_assignments(Q(task__plan=plan), as_of=today)
        .filter(status_code=TaskStatus.OVERDUE)
        .select_related("task", "agency")
        .order_by("task__position")
        if str(assignment.task_id) not in flagged
    ]
    if not overdue:
        return 0
    new = [a for a in overdue if remember(kind=ReminderKind.OVERDUE_TASKS, plan=plan, agency=a.agency, key=str(a.task_id), items=1)]
    if not new:
        return 0
    coordinators = User.objects.filter(is_active=True, groups__name=ROLE_GROUPS[Role.COORDINATOR])
    if plan.coordinator_id:
        coordinators = coordinators.filter(agency=plan.coordinator_id) | coordinators.filter(agency__isnull=True)
    text = (
        _("Plan %(plan)s: %(n)d tasks became overdue: %(tasks)s.")
        % {
            "plan": plan.symbol,
            "n": len({a.task_id for a in new}),  # tasks, not assignments: the list linked below shows tasks
            "tasks": "; ".join(f"{a.task.number} ({a.agency.short_name})" for a in new[:20]) + ("…" if len(new) > 20 else ""),
        }
    )
    reminder = Reminder.objects.get(kind=ReminderKind.OVERDUE_TASKS, plan=plan, agency=new[0].agency, key=str(new[0].task_id))
    notify(reminder, list(coordinators.distinct()), text, DashboardTaskFilter.url(plan=plan.pk, status=TaskStatus.OVERDUE))
    return len(new)


def reminder_email_send(*, reminder_id: int) -> int:
    """E-mail the notices of one reminder to their users (one message each)."""
    from django.core.mail import send_mass_mail

    notices = Notice.objects.filter(reminder_id=reminder_id).select_related("user").exclude(user__email="")
    subject = _("[Plan portal] Reminder")
    messages = [
        (subject, f"{notice.text}\n\n{settings.SITE_URL}{notice.url}\n", settings.DEFAULT_FROM_EMAIL, [notice.user.email])
        for notice in notices
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
