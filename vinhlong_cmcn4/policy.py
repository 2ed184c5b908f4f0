"""Who may see and change what: the one place every page, API view, export and job asks.

Roles are Django groups (DOMAIN.md, "Who uses it"). :func:`restrict` narrows a queryset
to the rows a user may see (``"view"``) or change (``"change"``); :func:`can` answers
for one object. Deny by default: a model without a rule here shows nothing.

==============  ==========================================================================
public          published plans, their sections and tasks; the agency registry
officer, head   published plans; their agency's tasks (lead or cooperating) and reports
coordinator     everything, read; reviews submitted reports of the plans it coordinates,
                never its own agency's (those go to ``SELF_REVIEW_BY``)
leadership      everything, read only (and reviews as ``SELF_REVIEW_BY`` says)
admin           everything
==============  ==========================================================================

Three questions, each answered here and nowhere else:

- which rows: :func:`restrict` (and :func:`can` for one object);
- which pages: :data:`PAGES`, asked through :class:`PageRequiredMixin`, :func:`page_required`,
  :class:`PagePermission` (the API) and :func:`may_open` (the admin, templates, landing page);
- which actions on one report: :func:`report_actions` (workflow steps) and :func:`may_write_report`.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.views import View
from rest_framework.permissions import BasePermission

from plans.choices import PlanState, Role

VIEW, CHANGE = "view", "change"

# Group name of each role; the seed and `setup_roles` create these groups.
ROLE_GROUPS: dict[str, str] = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.LEADERSHIP: "Lãnh đạo UBND tỉnh",
    Role.COORDINATOR: "Cơ quan đầu mối tổng hợp",
    Role.HEAD: "Lãnh đạo đơn vị",
    Role.OFFICER: "Chuyên viên",
}
_GROUP_ROLES = {name: role for role, name in ROLE_GROUPS.items()}
_ROLE_PRIORITY = [Role.ADMIN, Role.COORDINATOR, Role.LEADERSHIP, Role.HEAD, Role.OFFICER]
PROVINCE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADERSHIP})
AGENCY_ROLES = frozenset({Role.HEAD, Role.OFFICER})
ANONYMOUS = AnonymousUser()

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def role_of(user) -> str | None:
    """The user's role, or None for the public and for users without a role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    if hasattr(user, "_portal_role"):
        return user._portal_role
    names = {group.name for group in user.groups.all()}
    roles = {_GROUP_ROLES[name] for name in names if name in _GROUP_ROLES}
    role = next((candidate for candidate in _ROLE_PRIORITY if candidate in roles), None)
    if role in AGENCY_ROLES and not user.agency_id:
        role = None  # an agency role without an agency sees nothing of any agency
    user._portal_role = role
    return role


def _public_plans(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_published": True}) & ~Q(**{f"{prefix}state": PlanState.DRAFT})


def _of_public_plans(prefix: str) -> Q:
    """Rows of the public plans, by their plan's id: the ids read first (a few rows), so a page of tasks is read
    from the task order index alone instead of joining every task to its plan (3x faster on a deep page)."""
    from plans.models import Plan

    return Q(**{f"{prefix}plan_id__in": list(Plan.objects.filter(_public_plans()).values_list("pk", flat=True))})


def _plan_rule(user, role, action) -> Q:
    if action == VIEW:
        if role in PROVINCE_ROLES:
            return EVERYTHING
        if role in AGENCY_ROLES:
            return _public_plans() | Q(tasks__assignments__agency=user.agency_id)
        return _public_plans()
    return EVERYTHING if role == Role.ADMIN else NOTHING


def _registry_rule(user, role, action) -> Q:
    return EVERYTHING if action == VIEW or role == Role.ADMIN else NOTHING


def _task_rule(prefix: str) -> Callable:
    def rule(user, role, action) -> Q:
        if action == VIEW:
            if role in PROVINCE_ROLES:
                return EVERYTHING
            if role in AGENCY_ROLES:
                return Q(**{f"{prefix}assignments__agency": user.agency_id})
            return _of_public_plans(prefix)
        return EVERYTHING if role == Role.ADMIN else NOTHING

    return rule


def _section_rule(user, role, action) -> Q:
    if action == VIEW and role not in PROVINCE_ROLES:
        return _public_plans("plan__") | (Q(tasks__assignments__agency=user.agency_id) if role in AGENCY_ROLES else NOTHING)
    return _plan_rule(user, role, action) if action == VIEW else (EVERYTHING if role == Role.ADMIN else NOTHING)


def _report_rule(prefix: str) -> Callable:
    def rule(user, role, action) -> Q:
        if role in AGENCY_ROLES:
            own = Q(**{f"{prefix}agency": user.agency_id})
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


def _admin_rule(user, role, action) -> Q:
    return EVERYTHING if role == Role.ADMIN else NOTHING


def _user_rule(user, role, action) -> Q:
    if role == Role.ADMIN:
        return EVERYTHING
    return Q(pk=user.pk) if user is not None and user.is_authenticated else NOTHING


def _summary_rule(user, role, action) -> Q:
    # Leadership and coordinators read, compile and issue the summaries sent to UBND tỉnh.
    return EVERYTHING if role in PROVINCE_ROLES else NOTHING


def _own_notice_rule(user, role, action) -> Q:
    if role == Role.ADMIN:
        return EVERYTHING
    return Q(user=user.pk) if user is not None and user.is_authenticated else NOTHING


def _coordination_rule(user, role, action) -> Q:
    return EVERYTHING if role == Role.ADMIN or (role == Role.COORDINATOR and action == VIEW) else NOTHING


RULES: dict[str, Callable] = {
    "plans.plan": _plan_rule,
    "plans.section": _section_rule,
    "plans.directive": _registry_rule,
    "plans.agency": _registry_rule,
    "plans.agencygroup": _registry_rule,
    "plans.user": _user_rule,
    "plans.calendarday": _admin_rule,
    "tasks.task": _task_rule(""),
    "tasks.taskassignment": _task_rule("task__"),
    "tasks.importjob": _admin_rule,
    "tasks.extension": _task_rule("task__"),
    "reports.reportingperiod": _registry_rule,
    "reports.report": _report_rule(""),
    "reports.reportevent": _report_rule("report__"),
    "reports.summary": _summary_rule,
    "reports.notice": _own_notice_rule,
    "reports.reminder": _coordination_rule,
    "reports.trendpoint": _admin_rule,
    "vinhlong_cmcn4.outboxmessage": _admin_rule,
    "plans.reorganisationdecision": _admin_rule,
    "plans.reorganisationchange": _admin_rule,
    "plans.agencylineage": _registry_rule,
    "plans.usermove": _admin_rule,
    "tasks.taskdestination": _admin_rule,
}

# Models whose rule crosses a to-many relation (plan → tasks → assignments).
FANS_OUT = frozenset({"plans.plan", "plans.section", "reports.report", "reports.reportevent"})


def scope(model: type[Model], user, action: str = VIEW) -> Q:
    """The condition on ``model`` rows that ``user`` may ``action``; nothing for unknown models."""
    rule = RULES.get(model._meta.label_lower)
    if rule is None:
        return NOTHING
    return rule(user, role_of(user), action)


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may ``action`` (``"view"`` or ``"change"``)."""
    condition = scope(queryset.model, user, action)
    if condition == EVERYTHING:
        return queryset
    if condition == NOTHING:
        return queryset.none()
    if queryset.model._meta.label_lower in FANS_OUT:
        # The condition crosses a to-many relation and could repeat rows: select by id instead.
        return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def public(queryset: QuerySet) -> QuerySet:
    """What anyone may read without signing in (public pages and open data)."""
    return restrict(queryset, ANONYMOUS, VIEW)


def can(user, action: str, obj: Model) -> bool:
    """May ``user`` ``action`` this object?"""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def may(user, action: str, model: type[Model]) -> bool:
    """May ``user`` ``action`` any row of ``model`` at all (to offer a button before a row exists)?"""
    return scope(model, user, action) != NOTHING


# --- Pages -------------------------------------------------------------------------------------
# Who may open each kind of page; the rows on it are then narrowed by restrict().
AGENCY_WORK = "agency_work"  # the agency's task list, the report form
REVIEW = "review"  # the inbox of reports waiting for the reviewer (coordinator; leadership for SELF_REVIEW_BY)
OVERSIGHT = "oversight"  # dashboard, drill-down lists, task pages, summaries
ADMIN_SITE = "admin_site"  # /admin/
ADMINISTRATION = "administration"  # annex imports (admin screens and API)
EXTENSIONS = "extensions"  # a task's requests for more time: agencies ask, the coordinator or leadership decides
REORGANISE = "reorganise"  # record, load, preview, apply and undo reorganisation decisions
REASSIGN = "reassign"  # the coordinator's queue "Nhiệm vụ cần giao lại"
REGISTRY = "registry"  # the public agency registry, with each agency's dates and lineage

# Everyone, signed in or not (role_of() is None for the public).
EVERYONE: frozenset[str | None] = frozenset({None, *Role.values})

PAGES: dict[str, frozenset[str | None]] = {
    AGENCY_WORK: AGENCY_ROLES,
    # Leadership reviews the reports of the coordinating agency itself (SELF_REVIEW_BY): it needs the inbox too.
    REVIEW: frozenset({Role.COORDINATOR, Role.LEADERSHIP}),
    OVERSIGHT: PROVINCE_ROLES,
    ADMIN_SITE: frozenset({Role.ADMIN, Role.COORDINATOR}),
    ADMINISTRATION: frozenset({Role.ADMIN}),
    EXTENSIONS: AGENCY_ROLES | PROVINCE_ROLES,
    REORGANISE: frozenset({Role.ADMIN}),
    REASSIGN: frozenset({Role.COORDINATOR}),
    REGISTRY: EVERYONE,
}
# Where a signed-in user lands: the first of these pages they may open (leadership on its dashboard).
LANDING_PAGES = (AGENCY_WORK, REVIEW, OVERSIGHT)
LANDING_BY_ROLE: dict[str | None, str] = {Role.LEADERSHIP: OVERSIGHT}


def may_open(user, page: str) -> bool:
    """May ``user`` open pages of this kind?"""
    return role_of(user) in PAGES[page]


def landing_page(user) -> str | None:
    """The kind of page a user lands on after signing in (None: the public home)."""
    return LANDING_BY_ROLE.get(role_of(user)) or next((page for page in LANDING_PAGES if may_open(user, page)), None)


class PageRequiredMixin(View):
    """For class-based views: ``page = policy.OVERSIGHT``; others get 403."""

    page: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not may_open(request.user, self.page):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def page_required(page: str):
    """For function views: ``@page_required(policy.OVERSIGHT)``; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not may_open(request.user, page):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class PagePermission(BasePermission):
    """For API views: ``page = policy.ADMINISTRATION`` on the view; views without a page rely on :func:`restrict`."""

    message = _("You may not use this part of the portal.")

    def has_permission(self, request, view):
        page = getattr(view, "page", None)
        return page is None or may_open(request.user, page)


# --- Actions on one report ----------------------------------------------------------------------


def _coordinator_of(plan) -> int | None:
    """The agency that reviews a plan's reports: its own coordinator, else its parent plan's."""
    if plan.coordinator_id:
        return plan.coordinator_id
    return plan.parent.coordinator_id if plan.parent_id else None


def _reviews(user, role: str | None, report) -> bool:
    """Does ``user`` review ``report`` (accept or return it) as the plan's coordinator?

    A coordinator reviews the plans its agency coordinates (any, when a plan names no coordinator)
    but never its own agency's report: that one goes to leadership, or to a coordinator of another
    agency, as ``settings.SELF_REVIEW_BY`` says.
    """
    coordinator = _coordinator_of(report.task.plan)
    own = coordinator is not None and report.agency_id == coordinator
    if role == Role.COORDINATOR:
        if report.agency_id == user.agency_id:
            return False
        if own:
            return settings.SELF_REVIEW_BY == Role.COORDINATOR
        return coordinator is None or coordinator == user.agency_id
    return role == Role.LEADERSHIP and own and settings.SELF_REVIEW_BY == Role.LEADERSHIP


def reviewable(reports: QuerySet, user) -> QuerySet:
    """The reports of ``reports`` that ``user`` reviews: :func:`_reviews` in SQL (a test pins the two together)."""
    role = role_of(user)
    reports = reports.annotate(reviewing_agency=Coalesce("task__plan__coordinator", "task__plan__parent__coordinator"))
    own = Q(reviewing_agency__isnull=False, agency=F("reviewing_agency"))
    if role == Role.COORDINATOR:
        condition = (Q(reviewing_agency=user.agency_id) | Q(reviewing_agency__isnull=True)) & ~own
        if settings.SELF_REVIEW_BY == Role.COORDINATOR:
            condition |= own
        return reports.filter(condition).exclude(agency=user.agency_id)
    if role == Role.LEADERSHIP and settings.SELF_REVIEW_BY == Role.LEADERSHIP:
        return reports.filter(own)
    return reports.none()


def _sent_back(report) -> bool:
    """Was the report last returned by its own agency head (so it waits for the officer's revision)?"""
    from reports.choices import WorkflowAction

    if report.pk is None:  # a report not written yet: nobody sent it back
        return False
    last = report.events.exclude(action=WorkflowAction.CREATE).order_by("-at", "-id").values_list("action", flat=True).first()
    return last == WorkflowAction.SEND_BACK


def report_actions(user, report) -> list[str]:
    """The workflow steps ``user`` may take on ``report`` now, in workflow order.

    Pages show exactly these buttons, the API offers exactly these steps, and the service refuses
    anything else.
    """
    from reports import workflow

    role = role_of(user)
    if role in AGENCY_ROLES:
        if report.agency_id != user.agency_id:
            return []
        acting = role
    elif _reviews(user, role, report):
        acting = Role.COORDINATOR
    else:
        return []
    sent_back = role == Role.HEAD and workflow.is_editable(report.state) and _sent_back(report)
    return workflow.allowed_actions(report.state, acting, sent_back=sent_back)


def may_write_report(user, agency_id: int | None) -> bool:
    """May ``user`` write (create, edit, attach evidence to) reports of this agency?"""
    return role_of(user) in AGENCY_ROLES and agency_id is not None and user.agency_id == agency_id


def may_edit_report(user, report) -> bool:
    """May ``user`` change this report's content now?"""
    from reports import workflow

    return may_write_report(user, report.agency_id) and workflow.is_editable(report.state)


# --- Extensions (gia hạn) --------------------------------------------------------------------------


def may_request_extension(user, task) -> bool:
    """May ``user`` ask for more time on ``task``? The head of one of its lead agencies."""
    from tasks.choices import AssignmentRole

    if role_of(user) != Role.HEAD or user.agency_id is None:
        return False
    return task.assignments.filter(agency=user.agency_id, role=AssignmentRole.LEAD).exists()


def may_decide_extension(user, extension) -> bool:
    """May ``user`` approve, shorten or refuse ``extension``?

    ``settings.EXTENSION_DECIDED_BY``: the plan's coordinating agency (never on its own agency's
    request: that one goes to leadership), or provincial leadership for every request.
    """
    role = role_of(user)
    coordinator = _coordinator_of(extension.task.plan)
    own = coordinator is not None and extension.agency_id == coordinator
    if settings.EXTENSION_DECIDED_BY == Role.LEADERSHIP or own:
        return role == Role.LEADERSHIP
    return role == Role.COORDINATOR and extension.agency_id != user.agency_id and coordinator in (None, user.agency_id)
