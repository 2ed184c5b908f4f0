"""Work inside an agency: who carries its part of a task (người phụ trách) and who stands in for an absent person (ủy quyền).

The head assigns an agency's part in a task to one or more of its officers, for dated days; the rows keep the
history (a change ends the current rows the day before and starts new ones). A stand-in receives, for the dated
days of an absence, what the absent person would: their tasks in "Việc của tôi" and their reminders.
Who may assign or name a stand-in is ``tasks.policy``'s business.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import locked
from plans.models import StandIn, User

from . import policy
from .models import TaskAssignment, TaskOwner


def running_on(day: datetime.date, prefix: str = "") -> Q:
    """Rows (owners or stand-ins, through ``prefix``) in force on ``day``."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day}))


def covered_by(user: User, day: datetime.date | None = None) -> list[int]:
    """``user`` and everyone ``user`` stands in for on ``day``."""
    day = day or timezone.localdate()
    return [user.pk, *StandIn.objects.filter(running_on(day), stand_in=user).values_list("user_id", flat=True)]


def owned_by(user: User, day: datetime.date | None = None, prefix: str = "") -> Q:
    """Assignments (through ``prefix``) carried on ``day`` by ``user`` or by someone ``user`` stands in for."""
    day = day or timezone.localdate()
    # a subquery, not covered_by's list: the pages that show the menu's work count keep a fixed number of statements
    covered = Q(user=user) | Q(user_id__in=StandIn.objects.filter(running_on(day), stand_in=user).values("user_id"))
    owners = TaskOwner.objects.filter(running_on(day)).filter(covered)
    return Q(**{f"{prefix}pk__in": owners.values("assignment_id")})


def answered_by(user: User, day: datetime.date | None = None, prefix: str = "") -> Q:
    """Assignments (through ``prefix``) an officer answers for on ``day``: those they carry (:func:`owned_by`) and those
    nobody carries (until the head assigns them, every officer of the agency may file them). What an officer's
    "Việc cần xử lý" counts as theirs to file and the agency list's "Của tôi và chưa giao ai" shows."""
    day = day or timezone.localdate()
    carried = TaskOwner.objects.filter(running_on(day)).values("assignment_id")
    return owned_by(user, day, prefix) | ~Q(**{f"{prefix}pk__in": carried})


def owners_on(assignments: list[int], day: datetime.date | None = None) -> dict[int, list[TaskOwner]]:
    """Each assignment's people in charge on ``day`` (one query)."""
    day = day or timezone.localdate()
    found: dict[int, list[TaskOwner]] = {}
    for owner in (
        TaskOwner.objects.filter(running_on(day), assignment_id__in=assignments).select_related("user").order_by("user__full_name")
    ):
        found.setdefault(owner.assignment_id, []).append(owner)
    return found


def who_receives(users: QuerySet[User] | list[User], day: datetime.date | None = None) -> list[User]:
    """``users`` and, for each of them absent on ``day``, their stand-in (what an absent person receives goes to both)."""
    day = day or timezone.localdate()
    people = list(users)
    stand_ins = StandIn.objects.filter(running_on(day), user__in=[u.pk for u in people]).select_related("stand_in")
    return people + [s.stand_in for s in stand_ins if s.stand_in.is_active]


@transaction.atomic
def task_owners_set(*, assignment: TaskAssignment, users: list[User], by: User, day: datetime.date | None = None) -> list[TaskOwner]:
    """Put ``users`` in charge of ``assignment`` from ``day``; those no longer named end the day before (history kept)."""
    day = day or timezone.localdate()
    if not policy.may_assign_owner(by, assignment):
        raise PermissionDenied(_("Only the head of the agency assigns its part of a task."))
    refused = [u.display_name for u in users if not policy.may_be_owner(u, assignment)]
    if refused:
        raise ValidationError(
            {"users": _("Only active officers of the agency can be put in charge: %(names)s.") % {"names": ", ".join(refused)}}
        )
    locked(TaskAssignment.objects).get(pk=assignment.pk)  # two heads assigning at once: one after the other
    current = {o.user_id: o for o in TaskOwner.objects.filter(running_on(day), assignment=assignment)}
    wanted = {u.pk for u in users}
    for user_id, owner in current.items():
        if user_id in wanted:
            continue
        if owner.starts_on >= day:
            owner.delete()  # named and changed the same day: it never ran
        else:
            owner.ends_on = day - datetime.timedelta(days=1)
            owner.save(update_fields=["ends_on"])
    created = [TaskOwner.objects.create(assignment=assignment, user=u, starts_on=day, assigned_by=by) for u in users if u.pk not in current]
    return [o for o in current.values() if o.user_id in wanted] + created


STAND_IN_LONGEST = datetime.timedelta(days=366)  # an absence, not a standing delegation


@transaction.atomic
def stand_in_set(*, user: User, stand_in: User, starts_on: datetime.date, ends_on: datetime.date, by: User) -> StandIn:
    """Record that ``stand_in`` receives what ``user`` would, from ``starts_on`` to ``ends_on`` (both included)."""
    if not policy.may_name_stand_in(by, user):
        raise PermissionDenied(_("Only the absent person or the head of their agency names a stand-in."))
    errors = {}
    if stand_in.pk == user.pk:
        errors["stand_in"] = _("Nobody stands in for themselves.")
    elif not (stand_in.is_active and stand_in.agency_id == user.agency_id):
        errors["stand_in"] = _("The stand-in is an active colleague of the same agency.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day comes on or after the first.")
    elif ends_on - starts_on > STAND_IN_LONGEST:
        errors["ends_on"] = _("A stand-in covers an absence of at most a year: name the days of this absence.")
    if errors:
        raise ValidationError(errors)
    return StandIn.objects.create(user=user, stand_in=stand_in, starts_on=starts_on, ends_on=ends_on, created_by=by)
