"""Who may see and change tasks, and who asks and decides extensions (gia hạn).

The rows rules join :mod:`plans.policy` (the one entry point: ``restrict``, ``can``, ``may``) when the tasks
app is ready; the questions about one task are asked here.
"""

from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from plans.choices import Role
from plans.policy import (
    AGENCY_ROLES,
    EVERYTHING,
    NOTHING,
    PROVINCE_ROLES,
    VIEW,
    admin_rule,
    coordinator_of,
    of_public_plans,
    role_of,
    rules_register,
)

from .choices import AssignmentRole


def _task_rule(prefix: str) -> Callable:
    def rule(user, role, action) -> Q:
        if action == VIEW:
            if role in PROVINCE_ROLES:
                return EVERYTHING
            if role in AGENCY_ROLES:
                return Q(**{f"{prefix}assignments__agency": user.agency_id})
            return of_public_plans(prefix)
        return EVERYTHING if role == Role.ADMIN else NOTHING

    return rule


rules_register(
    {
        "tasks.task": _task_rule(""),
        "tasks.taskassignment": _task_rule("task__"),
        "tasks.importjob": admin_rule,
        "tasks.extension": _task_rule("task__"),
        "tasks.taskdestination": admin_rule,
        "tasks.taskowner": _task_rule("assignment__task__"),
    }
)


def may_request_extension(user, task) -> bool:
    """May ``user`` ask for more time on ``task``? The head of one of its lead agencies."""
    return not extension_request_refusal(user, task)


def extension_request_refusal(user, task) -> str:
    """Why ``user`` may not ask for more time on ``task``, in words ('' when they may): the head of a lead agency asks.

    The officer of a lead agency is sent to its head, a cooperating agency to the lead agency (the page that
    links to the request says so instead of showing nothing, and the service refuses with the same words).
    """
    role = role_of(user)
    roles = dict(task.assignments.filter(agency=user.agency_id).values_list("role", "agency__name")) if user.agency_id else {}
    if AssignmentRole.LEAD in roles:
        if role == Role.HEAD:
            return ""
        if role in AGENCY_ROLES:
            return _("The head of %(agency)s asks for more time on this task: tell them if it needs more time.") % {
                "agency": roles[AssignmentRole.LEAD]
            }
    elif roles and role in AGENCY_ROLES:
        return _("The lead agency asks for more time on this task; %(agency)s cooperates on it.") % {"agency": next(iter(roles.values()))}
    return _("Only the head of a lead agency asks for more time on a task.")


def may_decide_extension(user, extension) -> bool:
    """May ``user`` approve, shorten or refuse ``extension``?

    ``settings.EXTENSION_DECIDED_BY``: the plan's coordinating agency (never on its own agency's
    request: that one goes to leadership), or provincial leadership for every request.
    """
    role = role_of(user)
    coordinator = coordinator_of(extension.task.plan)
    if _decided_by_leadership(extension, coordinator):
        return role == Role.LEADERSHIP
    return role == Role.COORDINATOR and extension.agency_id != user.agency_id and coordinator in (None, user.agency_id)


def _decided_by_leadership(extension, coordinator: int | None) -> bool:
    """Leadership decides every request (``settings.EXTENSION_DECIDED_BY``) or this one, its coordinating agency's own."""
    own = coordinator is not None and extension.agency_id == coordinator
    return settings.EXTENSION_DECIDED_BY == Role.LEADERSHIP or own


def decider_words(extension) -> str:
    """Who decides ``extension``, in words for the agency that asked (:func:`may_decide_extension`'s rule)."""
    if _decided_by_leadership(extension, coordinator_of(extension.task.plan)):
        return str(_("the leadership of the provincial People's Committee"))
    return str(_("the coordinating agency"))


def decides_any_extension(user) -> bool:
    """Does ``user`` decide any request at all (the role and ``settings.EXTENSION_DECIDED_BY``; no query):
    :func:`decidable_extensions` is ``none()`` otherwise, and the list of work waiting asks no more."""
    role = role_of(user)
    return role == Role.LEADERSHIP or (role == Role.COORDINATOR and settings.EXTENSION_DECIDED_BY != Role.LEADERSHIP)


def decidable_extensions(extensions: QuerySet, user) -> QuerySet:
    """The requests of ``extensions`` that ``user`` decides: :func:`may_decide_extension` in SQL (a test pins the two)."""
    if not decides_any_extension(user):
        return extensions.none()
    if settings.EXTENSION_DECIDED_BY == Role.LEADERSHIP:
        return extensions  # leadership decides every request
    extensions = extensions.annotate(deciding_agency=Coalesce("task__plan__coordinator", "task__plan__parent__coordinator"))
    own = Q(deciding_agency__isnull=False, agency=F("deciding_agency"))
    if role_of(user) == Role.LEADERSHIP:
        return extensions.filter(own)
    mine = Q(deciding_agency__isnull=True) | Q(deciding_agency=user.agency_id)
    return extensions.filter(mine & ~own).exclude(agency=user.agency_id)  # the coordinator


def may_assign_owner(user, assignment) -> bool:
    """May ``user`` name who carries an agency's part in a task (phân công)? The head of that agency."""
    return role_of(user) == Role.HEAD and user.agency_id is not None and assignment.agency_id == user.agency_id


def may_be_owner(person, assignment) -> bool:
    """May ``person`` be put in charge of an agency's part in a task? An active officer or head of that agency."""
    return bool(person.is_active) and person.agency_id == assignment.agency_id and role_of(person) in AGENCY_ROLES


def may_name_stand_in(user, absent) -> bool:
    """May ``user`` record a stand-in for ``absent``? The absent person, or the head of their agency; for a colleague only."""
    if role_of(user) not in AGENCY_ROLES or user.agency_id is None or absent.agency_id != user.agency_id:
        return False
    return user.pk == absent.pk or role_of(user) == Role.HEAD


def oversees_agency_work(user) -> bool:
    """Does ``user`` follow all the agency's parts, whoever carries them (the head), rather than only their own?"""
    return role_of(user) == Role.HEAD
