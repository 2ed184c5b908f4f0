"""Who may see and change what: the one place every page, API view, export and job asks.

Roles are Django groups (DOMAIN.md, "Who uses it"). :func:`restrict` narrows a queryset
to the rows a user may see (``"view"``) or change (``"change"``); :func:`can` answers
for one object. Deny by default: a model without a rule shows nothing.

This module is the mechanism and the entry point; each app keeps the rules of its own models beside them
and registers them here (:func:`rules_register`): ``tasks.policy`` (tasks, assignments, extensions) and
``reports.policy`` (reports, summaries, notices, and which workflow steps a user may take), imported by
their ``AppConfig.ready()``. Imports run one way: ``plans`` ← ``tasks`` ← ``reports``.

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
- which actions on one report: ``reports.policy.report_actions`` (workflow steps) and
  ``reports.policy.may_write_report``; on one task's extension: ``tasks.policy``.
"""

import inspect
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.views import View
from rest_framework.permissions import BasePermission

from core.compiled import compiled_objects

from .choices import PlanState, Role
from .models import Plan

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


def public_plans(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_published": True}) & ~Q(**{f"{prefix}state": PlanState.DRAFT})


def of_public_plans(prefix: str) -> Q:
    """Rows of the public plans, by their plan's id: the ids read first (a few rows), so a page of tasks is read
    from the task order index alone instead of joining every task to its plan (3x faster on a deep page)."""
    return Q(**{f"{prefix}plan_id__in": list(Plan.objects.filter(public_plans()).values_list("pk", flat=True))})


def _plan_rule(user, role, action) -> Q:
    if action == VIEW:
        if role in PROVINCE_ROLES:
            return EVERYTHING
        if role in AGENCY_ROLES:
            return public_plans() | Q(tasks__assignments__agency=user.agency_id)
        return public_plans()
    return EVERYTHING if role == Role.ADMIN else NOTHING


def registry_rule(user, role, action) -> Q:
    return EVERYTHING if action == VIEW or role == Role.ADMIN else NOTHING


def _section_rule(user, role, action) -> Q:
    if action == VIEW and role not in PROVINCE_ROLES:
        return public_plans("plan__") | (Q(tasks__assignments__agency=user.agency_id) if role in AGENCY_ROLES else NOTHING)
    return _plan_rule(user, role, action) if action == VIEW else (EVERYTHING if role == Role.ADMIN else NOTHING)


def admin_rule(user, role, action) -> Q:
    return EVERYTHING if role == Role.ADMIN else NOTHING


def _user_rule(user, role, action) -> Q:
    if role == Role.ADMIN:
        return EVERYTHING
    return Q(pk=user.pk) if user is not None and user.is_authenticated else NOTHING


RULES: dict[str, Callable] = {
    "plans.plan": _plan_rule,
    "plans.section": _section_rule,
    "plans.directive": registry_rule,
    "plans.agency": registry_rule,
    "plans.agencygroup": registry_rule,
    "plans.user": _user_rule,
    "plans.calendarday": admin_rule,
    "plans.reorganisationdecision": admin_rule,
    "plans.reorganisationchange": admin_rule,
    "plans.agencylineage": registry_rule,
    "plans.usermove": admin_rule,
    "plans.standin": admin_rule,  # recorded by the absent person or their head (tasks.delegation); the admin corrects
    "core.outboxmessage": admin_rule,
}
# Models whose rule crosses a to-many relation (plan → tasks → assignments).
FANS_OUT: set[str] = {"plans.plan", "plans.section"}


def rules_register(rules: dict[str, Callable], *, fans_out: frozenset[str] = frozenset()) -> None:
    """Add an app's row rules (``"app.model": rule(user, role, action) -> Q``); each app above ``plans`` calls
    this from its ``policy`` module, which its ``AppConfig.ready()`` imports. One model, one rule."""
    clash = RULES.keys() & rules.keys()
    if clash:
        raise ValueError(f"row rules registered twice: {sorted(clash)}")
    RULES.update(rules)
    FANS_OUT.update(fans_out)


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


class Seen:
    """A person as the row rules see them: a role and an agency, nothing else.

    The rules asked this way (the rows rules of reports and summaries, ``reports_policy.reviewable``,
    ``tasks_policy.decidable_extensions``, :func:`coordinated`: the work waiting in ``reports.worklist``; a report's
    row by its id, :func:`restricted_objects`) read nothing else of the person, so their SQL is kept per role and
    agency (``core.compiled``). A rule that came to read more (``pk``, ``groups``) would fail here instead of being
    served someone else's statement.
    """

    __slots__ = ("_portal_role", "agency_id")
    is_authenticated = True
    is_active = True

    def __init__(self, role: str | None, agency_id: int | None):
        self._portal_role, self.agency_id = role, agency_id

    @property
    def is_superuser(self) -> bool:
        return self._portal_role == Role.ADMIN


def restricted_objects(build: Callable[..., QuerySet], user, *inputs, action: str = VIEW, **slots: int) -> list[Model]:
    """``list(restrict(build(*inputs, **slots), user, action))``, its SQL made once per role (``core.compiled``: a
    deadline day's writes find their report by its id again and again). The user is seen as :class:`Seen`; an agency
    role's agency is a slot of the statement, as the ids of ``slots`` are, so the province's agencies share one."""
    if not inspect.isfunction(build) or "<" in build.__qualname__:
        raise ValueError(f"restricted_objects needs a module-level function, not {build!r}")
    if _SEEN_AGENCY in slots:
        raise ValueError(f"{_SEEN_AGENCY} is the slot of the user's agency, not one of the statement's")
    role = role_of(user)
    if role in AGENCY_ROLES:
        slots = {**slots, _SEEN_AGENCY: user.agency_id}
    return compiled_objects(_restricted, build, role, action, inputs, **slots)


_SEEN_AGENCY = "_seen_agency"  # the user's agency, a slot beside the caller's own (an ``agency`` of theirs stays theirs)


def _restricted(build: Callable[..., QuerySet], role: str | None, action: str, inputs: tuple, **slots: int):
    agency = slots.pop(_SEEN_AGENCY, None)
    return restrict(build(*inputs, **slots), Seen(role, agency), action)


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


def coordinator_of(plan) -> int | None:
    """The agency that reviews a plan's reports and decides its extensions: its own coordinator, else its parent plan's."""
    if plan.coordinator_id:
        return plan.coordinator_id
    return plan.parent.coordinator_id if plan.parent_id else None


def coordinated(user, prefix: str = "") -> Q:
    """The plans whose work ``user`` coordinates (``prefix`` leads from the rows filtered to a plan).

    A coordinator coordinates the plans its agency coordinates: a plan naming no coordinator takes its
    parent's, and a plan with neither is anyone's. The SQL twin of :func:`coordinates` (a test pins the
    two together); the queue "Nhiệm vụ cần giao lại", its bulk reassignment and the list of work waiting
    read it. Admin: every plan.
    """
    role = role_of(user)
    if role == Role.ADMIN:
        return EVERYTHING
    if role != Role.COORDINATOR:
        return NOTHING
    no_coordinator = Q(**{f"{prefix}coordinator__isnull": True})
    parent_has_none = Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__coordinator__isnull": True})
    if user.agency_id is None:
        return no_coordinator & parent_has_none
    own = Q(**{f"{prefix}coordinator": user.agency_id})
    via_parent = no_coordinator & Q(**{f"{prefix}parent__coordinator": user.agency_id})
    return own | via_parent | (no_coordinator & parent_has_none)


def coordinates(user, plan) -> bool:
    """Does ``user`` coordinate ``plan`` (:func:`coordinated` for one plan)?"""
    role = role_of(user)
    return role == Role.ADMIN or (role == Role.COORDINATOR and coordinator_of(plan) in (None, user.agency_id))
