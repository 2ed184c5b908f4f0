"""Reads of the reports app that encode rules: what an agency must report now, the coordinator's inbox."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from plans import policy
from plans.choices import PlanState
from plans.models import Plan, User
from reports import policy as reports_policy
from tasks.delegation import owned_by, running_on
from tasks.models import PastHolding, Task, TaskAssignment, TaskOwner
from tasks.status import status_expression

from . import compliance, workflow
from .choices import ReportState, SummaryState, WorkflowAction
from .models import Report, ReportEvent, ReportingPeriod, Summary
from .periods import Period, main_kind, period_due, reportable_from_q

NOT_REPORTED = "none"  # the agency list's report state of a task with no report for the period due


@dataclass(frozen=True)
class DuePeriod:
    """The period a plan's agencies report on now, and its stored row if any report names it."""

    plan: Plan
    period: Period
    row: ReportingPeriod | None

    @property
    def days_left(self) -> int:
        return (self.period.deadline - timezone.localdate()).days


def due_periods(plans, today: datetime.date | None = None, *, rows: bool = True) -> dict[int, DuePeriod]:
    """For each plan, the period due now under its reporting regime (Nghị định 09/2019).

    With ``rows`` the stored ``ReportingPeriod`` of each is looked up too (one query).
    """
    today = today or timezone.localdate()
    periods = {plan.pk: period_due(today, main_kind(plan.reporting_kinds), deadline_day=plan.report_deadline_day) for plan in plans}
    if not rows:
        return {plan.pk: DuePeriod(plan, periods[plan.pk], None) for plan in plans}
    keys = {(p.kind, p.year, p.number) for p in periods.values()}
    condition = Q(pk__in=[])
    for kind, year, number in keys:
        condition |= Q(kind=kind, year=year, number=number)
    stored = {(r.kind, r.year, r.number): r for r in ReportingPeriod.objects.filter(condition)} if keys else {}
    return {
        plan.pk: DuePeriod(plan, periods[plan.pk], stored.get((periods[plan.pk].kind, periods[plan.pk].year, periods[plan.pk].number)))
        for plan in plans
    }


def agency_tasks(*, user: User, today: datetime.date | None = None) -> tuple[QuerySet[Task], dict[int, DuePeriod]]:
    """The tasks of the user's agency with status, role, and the state of this period's report.

    Annotations: ``status_code``, ``my_role``, ``report_state`` (``"none"`` when not yet
    reported), ``report_id``, ``carried`` (someone in the agency is in charge of its part today), ``held_from`` (the day the agency inherited its part, if it did) and
    ``due_last_day`` (the last day of the plan's period due). Returns the queryset and the due period of each plan.
    """
    today = today or timezone.localdate()
    tasks = policy.restrict(Task.objects.all(), user).filter(assignments__agency=user.agency_id)
    plans = list(Plan.objects.filter(pk__in=tasks.values("plan_id")))
    due = due_periods(plans, today)
    period_of_plan = Case(
        *[When(plan_id=plan_id, then=Value(d.row.pk if d.row else 0)) for plan_id, d in due.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    last_day_of_plan = Case(
        *[When(plan_id=plan_id, then=Value(d.period.last_day)) for plan_id, d in due.items()],
        default=Value(None),
        output_field=DateField(),
    )
    report = Report.objects.filter(task=OuterRef("pk"), agency=user.agency_id, period_id=OuterRef("due_period_id"))
    tasks = (
        tasks.annotate(status_code=status_expression(today), due_period_id=period_of_plan, due_last_day=last_day_of_plan)
        .annotate(
            report_state=Subquery(report.values("state")[:1]),
            report_id=Subquery(report.values("pk")[:1]),
            my_role=Subquery(TaskAssignment.objects.filter(task=OuterRef("pk"), agency=user.agency_id).values("role")[:1]),
            held_from=Subquery(TaskAssignment.objects.filter(task=OuterRef("pk"), agency=user.agency_id).values("inherited_on")[:1]),
            # "Việc của tôi": the user carries the agency's part, or stands in for who does (tasks.delegation)
            mine=Exists(TaskAssignment.objects.filter(owned_by(user, today), task=OuterRef("pk"), agency=user.agency_id)),
            # someone in the agency carries its part today (else the head is asked to assign it: worklist.to_assign)
            carried=Exists(TaskOwner.objects.filter(running_on(today), assignment__task=OuterRef("pk"), assignment__agency=user.agency_id)),
        )
        .select_related("plan", "section")
        .prefetch_related(
            Prefetch(
                "assignments", queryset=TaskAssignment.objects.select_related("agency", "inherited_from").order_by("role", "agency__name")
            ),
            Prefetch("assignments__past_holdings", queryset=PastHolding.objects.select_related("agency").order_by("held_to", "pk")),
        )
        .order_by("plan__issued_on", "plan_id", "section__position", "position", "id")
    )
    return tasks, due


def owed_not_sent(agency_id: int, due: dict[int, "DuePeriod"], today: datetime.date) -> QuerySet[TaskAssignment]:
    """The agency's lead parts owing the report of their plan's period due (``due``, from :func:`due_periods`) and
    not sent yet (``compliance.missing``), from the day the period is being filed; plans in force only.

    What "Việc cần xử lý" counts and what the agency list's "Phải báo cáo, chưa gửi" (``filters.NOT_SENT``) shows.
    """
    due = {pk: d for pk, d in due.items() if d.plan.state == PlanState.IN_FORCE}
    return compliance.missing(
        {pk: d.row.pk if d.row else None for pk, d in due.items()},
        as_of=today,
        starts={pk: d.row or d.period for pk, d in due.items()},
    ).filter(agency=agency_id)


def reportable_in_due_period_q() -> Q:
    """On ``agency_tasks``' rows: the task may be reported for the period due (``reports.periods.reportable_from_q``,
    the bounds ``unreportable_reason`` checks, on the period's last day; the period due is always of the plan's kinds
    and never future)."""
    return reportable_from_q(F("due_last_day"))


def pending_approval(*, user: User) -> QuerySet[Report]:
    """Reports of the user's agency waiting for the user's approval (none for those who do not approve).

    ``sent_by``: who sent it for approval this time (the latest step), not who first drafted it.
    """
    if not workflow.allowed_actions(ReportState.PENDING, policy.role_of(user)):
        return Report.objects.none()
    last = ReportEvent.objects.filter(report=OuterRef("pk"), action=WorkflowAction.SEND_FOR_APPROVAL).order_by("-at", "-id")
    return (
        policy.restrict(Report.objects.all(), user)
        .filter(reports_policy.written_by_q(user), state=ReportState.PENDING)
        .select_related("task__plan", "period", "created_by")
        .annotate(
            sent_by_name=Subquery(last.values("actor__full_name")[:1]),
            sent_by_username=Subquery(last.values("actor__username")[:1]),
        )
        .order_by("updated_at")
    )


def sender_name(report: Report) -> str:
    """Who sent a report of :func:`pending_approval` for approval (its drafter when no step names anyone)."""
    name = getattr(report, "sent_by_name", "") or getattr(report, "sent_by_username", "")
    return name or (report.created_by.display_name if report.created_by else "—")


RETURNS = (WorkflowAction.RETURN, WorkflowAction.SEND_BACK, WorkflowAction.WITHDRAW)  # the steps that give a report back to its agency
GIVEN_BACK = (ReportState.RETURNED, ReportState.WITHDRAWN)  # the states they lead to: the agency edits it and sends it again


def returned_reports(*, user: User) -> QuerySet[Report]:
    """The agency's reports sent back for a fix, or withdrawn by an administrator (owed again), with the latest return's
    (or withdrawal's) comment, author and time (oldest first)."""
    last = ReportEvent.objects.filter(report=OuterRef("pk"), action__in=RETURNS).order_by("-at", "-id")
    return (
        policy.restrict(Report.objects.all(), user)
        .filter(reports_policy.written_by_q(user), state__in=GIVEN_BACK)
        .select_related("task__plan", "period")
        .annotate(
            return_comment=Subquery(last.values("comment")[:1]),
            returned_at=Subquery(last.values("at")[:1]),
            returned_by=Subquery(last.values("actor__full_name")[:1]),
            returned_by_username=Subquery(last.values("actor__username")[:1]),
        )
        .order_by("updated_at")
    )


def last_return(report: Report | None) -> ReportEvent | None:
    """The step that sent a returned report back, or withdrew a withdrawn one: who, when and why (None unless the report
    is returned or withdrawn)."""
    if report is None or report.state not in GIVEN_BACK:
        return None
    return report.events.filter(action__in=RETURNS).select_related("actor").order_by("-at", "-id").first()


def inbox(*, user: User) -> QuerySet[Report]:
    """Submitted reports waiting for the coordinator, oldest first (filtered by ``reports.filters.InboxFilter``)."""
    reports = reports_policy.reviewable(policy.restrict(Report.objects.all(), user), user).filter(state=ReportState.SUBMITTED)
    return reports.select_related("task__plan", "task__section", "agency", "period", "created_by").order_by("submitted_at", "id")


def inbox_plans(*, user: User) -> QuerySet[Plan]:
    """The plans the inbox's filter offers: those whose reports ``user`` reviews (``reports_policy.reviewable``, the
    inbox's rule), whatever their state, so that a plan stays offered once its last report waiting was accepted, and
    the plans ``user`` coordinates (``policy.coordinated``, the same rule for a plan) before their first report."""
    reviewed = reports_policy.reviewable(policy.restrict(Report.objects.all(), user), user)
    return Plan.objects.filter(Q(pk__in=reviewed.values("task__plan")) | policy.coordinated(user)).order_by("-issued_on")


def previous_report(*, task: Task, agency_id: int, before: datetime.date) -> Report | None:
    """The agency's latest report on the task for an earlier period."""
    return (
        Report.objects.filter(task=task, agency_id=agency_id, period__last_day__lt=before)
        .select_related("period")
        .order_by("-period__last_day")
        .first()
    )


def contributions(report: Report) -> QuerySet[Report]:
    """What cooperating agencies sent on the same task and period."""
    return (
        Report.objects.filter(
            task=report.task_id, period=report.period_id, role="cooperating", state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED]
        )
        .exclude(pk=report.pk)
        .select_related("agency")
    )


def summaries_published(plan: Plan | None = None) -> QuerySet[Summary]:
    """The summaries anyone may read (``policy.public``: issued, of a public plan) whose signed copy was received:
    the documents of record the public pages list, newest first. Drafts and issued copies not yet signed never."""
    summaries = policy.public(Summary.objects.filter(state=SummaryState.ISSUED)).exclude(signed_pdf="")
    if plan is not None:
        summaries = summaries.filter(plan=plan)
    # Never the frozen snapshot, the largest column of the table (megabytes for a big plan): lists show none of it.
    return summaries.select_related("plan", "period").defer("snapshot").order_by("-issued_at", "-pk")
