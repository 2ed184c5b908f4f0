"""Who may see and change what: the one place every page, API view, export and job asks.

Roles are Django groups (DOMAIN.md, "Who uses it"). :func:`restrict` narrows a queryset
to the rows a user may see (``"view"``) or change (``"change"``); :func:`can` answers
for one object. Deny by default: a model without a rule here shows nothing.

==============  ==========================================================================
public          published plans, their sections and tasks; the agency registry
officer, head   published plans; their agency's tasks (lead or cooperating) and reports
coordinator     everything, read; reviews submitted reports of the plans it coordinates
leadership      everything, read only
admin           everything
==============  ==========================================================================
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

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
    cached = getattr(user, "_portal_role", False)
    if cached is not False:
        return cached
    names = {group.name for group in user.groups.all()}
    roles = {_GROUP_ROLES[name] for name in names if name in _GROUP_ROLES}
    role = next((candidate for candidate in _ROLE_PRIORITY if candidate in roles), None)
    if role in AGENCY_ROLES and not user.agency_id:
        role = None  # an agency role without an agency sees nothing of any agency
    user._portal_role = role
    return role


def _public_plans(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_published": True}) & ~Q(**{f"{prefix}state": PlanState.DRAFT})


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
            return _public_plans(f"{prefix}plan__")
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
            return own | contributions
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
    "tasks.task": _task_rule(""),
    "tasks.taskassignment": _task_rule("task__"),
    "tasks.importjob": _admin_rule,
    "reports.reportingperiod": _registry_rule,
    "reports.report": _report_rule(""),
    "reports.reportevent": _report_rule("report__"),
    "reports.summary": _summary_rule,
    "reports.notice": _own_notice_rule,
    "reports.reminder": _coordination_rule,
    "reports.trendpoint": _admin_rule,
    "vinhlong_cmcn4.outboxmessage": _admin_rule,
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


def is_province_staff(user) -> bool:
    """Admin, coordinator or leadership: the roles that read across agencies."""
    return role_of(user) in PROVINCE_ROLES


def can_use_admin(user) -> bool:
    """The admin site is for system administrators and coordinators."""
    return role_of(user) in {Role.ADMIN, Role.COORDINATOR}
