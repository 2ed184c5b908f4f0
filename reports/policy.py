"""Who may see and change reports, and which workflow steps a user may take on one report.

The rows rules join :mod:`plans.policy` (the one entry point: ``restrict``, ``can``, ``may``) when the reports
app is ready; the questions about one report are asked here: :func:`report_actions` (workflow steps, the
buttons pages show and the steps the API offers), :func:`reviewable`, :func:`may_write_report`; about one
summary: :func:`summary_actions`.
"""

from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from plans.choices import Role
from plans.policy import (
    AGENCY_ROLES,
    CHANGE,
    EVERYTHING,
    NOTHING,
    PROVINCE_ROLES,
    VIEW,
    admin_rule,
    coordinates,
    coordinator_of,
    public_plans,
    registry_rule,
    role_of,
    rules_register,
    scope,
)

from . import summary_workflow, workflow
from .choices import WorkflowAction
from .models import Report


def carried_q(agency_id: int | None, prefix: str = "") -> Q:
    """Reports (through ``prefix``) of an agency that has ceased whose part of the task ``agency_id`` holds today: the
    agency carries them on (DOMAIN.md, "Agencies": what is still open passes to the successor), writes and sends them,
    while they stay the ceased agency's (``Sở TT&TT (nay là Sở KH&CN)``). Ceased: its end recorded (``active_to``), no date
    read here, so a statement made once (``plans.policy.restricted_objects``) stays true on the next day."""
    if agency_id is None:
        return NOTHING
    return Q(
        **{
            f"{prefix}agency__active_to__isnull": False,
            f"{prefix}task__past_holdings__agency": F(f"{prefix}agency"),
            f"{prefix}task__past_holdings__part__agency": agency_id,
        }
    )


def written_by_q(user) -> Q:
    """The reports ``user``'s agency writes: its own and those it carries on (:func:`carried_q`, by id: its join to the
    task's past holders could repeat a row)."""
    carried = Report.objects.filter(carried_q(user.agency_id)).values("pk")
    return Q(agency=user.agency_id) | Q(pk__in=carried) if user.agency_id is not None else NOTHING


def _report_rule(prefix: str) -> Callable:
    def rule(user, role, action) -> Q:
        if role in AGENCY_ROLES:
            own = Q(**{f"{prefix}agency": user.agency_id}) | carried_q(user.agency_id, prefix)
            if action != VIEW:
                return own
            # The lead agency sees the contributions its cooperating agencies have sent.
            contributions = Q(
                **{
                    f"{prefix}role": "cooperating",
                    f"{prefix}state__in": ["submitted", "accepted"],
                    f"{prefix}task__assignments__agency": user.agency_id,
                    f"{prefix}task__assignments__role": "lead",
                }
            )
            # A successor reads its predecessors' reports on the tasks it inherited (history, never changed).
            inherited = Q(
                **{
                    f"{prefix}agency__successor_links__successor": user.agency_id,
                    f"{prefix}task__assignments__agency": user.agency_id,
                }
            )
            return own | contributions | inherited
        if role == Role.ADMIN or (role in PROVINCE_ROLES and action == VIEW):
            return EVERYTHING
        return NOTHING

    return rule


def _summary_rule(user, role, action) -> Q:
    # Leadership and coordinators read, compile and issue the summaries sent to UBND tỉnh (the steps:
    # summary_actions); an issued summary of a public plan is read by anyone (its document of record).
    if role in PROVINCE_ROLES:
        return EVERYTHING
    return Q(state="issued") & public_plans("plan__") if action == VIEW else NOTHING


def _own_notice_rule(user, role, action) -> Q:
    if role == Role.ADMIN:
        return EVERYTHING
    return Q(user=user.pk) if user is not None and user.is_authenticated else NOTHING


def _coordination_rule(user, role, action) -> Q:
    return EVERYTHING if role == Role.ADMIN or (role == Role.COORDINATOR and action == VIEW) else NOTHING


rules_register(
    {
        "reports.reportingperiod": registry_rule,
        "reports.report": _report_rule(""),
        "reports.reportevent": _report_rule("report__"),
        "reports.summary": _summary_rule,
        "reports.notice": _own_notice_rule,
        "reports.reminder": _coordination_rule,
        "reports.escalationladder": admin_rule,
        "reports.trendpoint": admin_rule,
        "reports.summarysection": admin_rule,
        "reports.summaryevent": admin_rule,
        "reports.trustroot": admin_rule,
        "reports.webhooksubscription": admin_rule,
        "reports.webhookdelivery": admin_rule,
    },
    fans_out=frozenset({"reports.report", "reports.reportevent"}),
)


def _reviews(user, role: str | None, report) -> bool:
    """Does ``user`` review ``report`` (accept or return it) as the plan's coordinator?

    A coordinator reviews the plans its agency coordinates (any, when a plan names no coordinator)
    but never its own agency's report: that one goes to leadership, or to a coordinator of another
    agency, as ``settings.SELF_REVIEW_BY`` says.
    """
    coordinator = coordinator_of(report.task.plan)
    own = coordinator is not None and report.agency_id == coordinator
    if role == Role.COORDINATOR:
        if report.agency_id == user.agency_id:
            return False
        if own:
            return settings.SELF_REVIEW_BY == Role.COORDINATOR
        return coordinator is None or coordinator == user.agency_id
    return role == Role.LEADERSHIP and own and settings.SELF_REVIEW_BY == Role.LEADERSHIP


def reviewer_words(report) -> str:
    """Who reviews ``report``, in words for its agency ("lãnh đạo UBND tỉnh" for the coordinating agency's own
    report when ``settings.SELF_REVIEW_BY`` says leadership, else "cơ quan đầu mối"): :func:`_reviews`'s rule."""
    coordinator = coordinator_of(report.task.plan)
    if coordinator is not None and report.agency_id == coordinator and settings.SELF_REVIEW_BY == Role.LEADERSHIP:
        return str(_("the leadership of the provincial People's Committee"))
    return str(_("the coordinating agency"))


def reviews(user, report) -> bool:
    """Does ``user`` review ``report`` (:func:`_reviews`): whom a submission and a recall are told to."""
    return _reviews(user, role_of(user), report)


def reviews_any(user) -> bool:
    """Does ``user`` review any report at all (the role and ``settings.SELF_REVIEW_BY``; no query): :func:`reviewable`
    is ``none()`` otherwise, and the list of work waiting asks no more."""
    role = role_of(user)
    return role == Role.COORDINATOR or (role == Role.LEADERSHIP and settings.SELF_REVIEW_BY == Role.LEADERSHIP)


def reviewable(reports: QuerySet, user) -> QuerySet:
    """The reports of ``reports`` that ``user`` reviews: :func:`_reviews` in SQL (a test pins the two together)."""
    if not reviews_any(user):
        return reports.none()
    role = role_of(user)
    reports = reports.annotate(reviewing_agency=Coalesce("task__plan__coordinator", "task__plan__parent__coordinator"))
    own = Q(reviewing_agency__isnull=False, agency=F("reviewing_agency"))
    if role == Role.COORDINATOR:
        condition = (Q(reviewing_agency=user.agency_id) | Q(reviewing_agency__isnull=True)) & ~own
        if settings.SELF_REVIEW_BY == Role.COORDINATOR:
            condition |= own
        return reports.filter(condition).exclude(agency=user.agency_id)
    return reports.filter(own)  # leadership, when SELF_REVIEW_BY says so (reviews_any)


def _sent_back(report) -> bool:
    """Was the report last returned by its own agency head (so it waits for the officer's revision)?"""
    if report.pk is None:  # a report not written yet: nobody sent it back
        return False
    last = report.events.exclude(action=WorkflowAction.CREATE).order_by("-at", "-id").values_list("action", flat=True).first()
    return last == WorkflowAction.SEND_BACK


def report_actions(user, report) -> list[str]:
    """The workflow steps ``user`` may take on ``report`` now, in workflow order.

    Pages show exactly these buttons, the API offers exactly these steps, and the service refuses
    anything else.
    """
    role = role_of(user)
    if role in AGENCY_ROLES:
        if not writes(user, report):
            return []
        acting = role
    elif _reviews(user, role, report):
        acting = Role.COORDINATOR
    else:
        return []
    sent_back = role == Role.HEAD and workflow.is_editable(report.state) and _sent_back(report)
    return workflow.allowed_actions(report.state, acting, sent_back=sent_back)


def summary_actions(user, summary) -> list[str]:
    """The steps ``user`` may take on a summary now (write a section, send for signature, return,
    issue, receive the signed copy), in workflow order: the buttons shown, the API's and the services' check."""
    if scope(type(summary), user, VIEW) == NOTHING:
        return []
    if summary.plan_id is not None and not summary_plan_open(user, summary.plan):
        return []  # another agency's plan: its coordinator reads the summary and takes no step on it, as in the queue and chasing
    return summary_workflow.allowed_actions(summary.state, role_of(user), signed=summary.is_signed)


def summary_plan_open(user, plan) -> bool:
    """Does ``user`` take the steps of ``plan``'s summaries (compile, write, send, sign)? Any but a coordinator, who takes
    those of the plans its agency coordinates (``plans.policy.coordinates``); whether the role takes them at all is the rule's."""
    return role_of(user) != Role.COORDINATOR or coordinates(user, plan)


def may_write_report(user, agency_id: int | None) -> bool:
    """May ``user`` write (create, edit, attach evidence to) reports of this agency?"""
    return role_of(user) in AGENCY_ROLES and agency_id is not None and user.agency_id == agency_id


def writes(user, report) -> bool:
    """Does ``user`` write ``report`` (edit it, send it, take it back)? Its agency's staff; for a report of an agency that
    has ceased, the staff of the agency that carries it on (:func:`carried_q`)."""
    if may_write_report(user, report.agency_id):
        return True
    if role_of(user) not in AGENCY_ROLES or report.pk is None:
        return False
    return Report.objects.filter(carried_q(user.agency_id), pk=report.pk).exists()


def may_edit_report(user, report) -> bool:
    """May ``user`` change this report's content now?"""
    return workflow.is_editable(report.state) and writes(user, report)


def awaits_summaries(user) -> bool:
    """Is a summary sent for signature work waiting for ``user`` (to return or issue)? Leadership's, who signs for UBND tỉnh."""
    role = role_of(user)
    return role == Role.LEADERSHIP and _summary_rule(user, role, CHANGE) != NOTHING
