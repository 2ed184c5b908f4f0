""" "Việc cần xử lý": what waits for one person, built from ``policy`` and the selectors every page reads.

One selector, :func:`work_items`, feeds the page, the count in the menu and the box at the top of each
landing page. Each item says why it is there, since when, and links to where it is done; it leaves the
list when the work is done (the selectors it reads no longer return it). Nothing here decides who may do
what: the reports to approve are ``selectors.pending_approval``, to review ``selectors.inbox``
(``reports_policy.reviewable``), the extensions ``policy.decidable_extensions``, the tasks to reassign
``waiting_for_reassignment(user=…)`` (``policy.coordinated``), the reports owed ``selectors.owed_not_sent``.

The menu of every page a leader or coordinator opens reads it: whether anything of the kinds beyond the agency's
waits is asked in one statement whose SQL is kept (:func:`_waiting`, ``core.compiled``), and only the kinds that wait
are read. The work itself is never kept: each call reads it afresh.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.compiled import compiled_exists, compiled_values
from plans import policy
from plans.choices import PlanState
from plans.models import Plan, User
from reports import policy as reports_policy
from tasks import policy as tasks_policy
from tasks.choices import ExtensionState
from tasks.delegation import answered_by, running_on
from tasks.models import Extension, TaskOwner

from .choices import ReportState, SummaryAction, SummaryState
from .filters import ANSWERED, NOT_SENT, AgencyTaskFilter, InboxFilter
from .models import Report, Summary
from .periods import period_label
from .reorganisation.selectors import waiting_for_reassignment
from .selectors import due_periods, inbox, owed_not_sent, pending_approval, returned_reports, sender_name

# Kinds of work, in the order the list shows them.
RETURNED, TO_APPROVE, TO_FILE, TO_REVIEW, EXTENSION, REASSIGN, SUMMARY, SIGNED_COPY = (
    "returned",
    "approve",
    "file",
    "review",
    "extension",
    "reassign",
    "summary",
    "signed_copy",
)


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the person: why, since when, where it is done; ``count`` tasks or reports in it."""

    kind: str
    why: str
    since: datetime.datetime | datetime.date
    url: str
    count: int = 1
    due: datetime.date | None = None  # a report owed: its sending deadline, shown instead of "since"

    @property
    def since_day(self) -> datetime.date:
        return timezone.localtime(self.since).date() if isinstance(self.since, datetime.datetime) else self.since


def _agency_work(user: User, today: datetime.date) -> list[WorkItem]:
    items = []
    listed: set[tuple[int, int]] = set()  # (task, period) of the reports already items: not counted again as owed
    returned: list[Any] = list(returned_reports(user=user))  # annotated with the last return's author, time, comment
    for report in returned:
        if not reports_policy.report_actions(user, report):
            continue  # the head sent it back to the officer: it waits for the officer, not for the head
        listed.add((report.task_id, report.period_id))
        why = (
            _("Report on task %(task)s (%(plan)s), %(period)s, was withdrawn by %(by)s: file it again. Reason: %(comment)s")
            if report.state == ReportState.WITHDRAWN  # withdrawn by an administrator: owed again, edited and sent as a returned one
            else _("Report on task %(task)s (%(plan)s), %(period)s, was sent back by %(by)s: %(comment)s")
        )
        items.append(
            WorkItem(
                RETURNED,
                why
                % {
                    "task": report.task.number,
                    "plan": report.task.plan.symbol,
                    "period": report.period.label_in_sentence,
                    "by": report.returned_by or report.returned_by_username or "—",
                    "comment": report.return_comment or "—",
                },
                report.returned_at or report.updated_at,
                reverse("reports:report_edit", args=[report.task_id, report.period.as_period().code]),
            )
        )
    for report in pending_approval(user=user):
        listed.add((report.task_id, report.period_id))
        items.append(
            WorkItem(
                TO_APPROVE,
                _("Report on task %(task)s (%(plan)s), %(period)s, waits for your approval (from %(by)s).")
                % {
                    "task": report.task.number,
                    "plan": report.task.plan.symbol,
                    "period": report.period.label_in_sentence,
                    "by": sender_name(report),
                },
                report.updated_at,
                reverse("reports:report_detail", args=[report.pk]),
            )
        )
    if reports_policy.may_write_report(user, user.agency_id):
        items.extend(_reports_to_file(user, today, listed))
    return items


def days_left(deadline: datetime.date, today: datetime.date) -> str:
    """How long is left before a sending deadline, as the list says it."""
    left = (deadline - today).days
    if left <= 0:
        return _("the deadline is today")
    return ngettext("%(n)d day left", "%(n)d days left", left) % {"n": left}


def to_assign(n: int) -> str:
    """The head's part of an item: the parts nobody in the agency was put in charge of."""
    return ngettext("%(n)d of them has no officer in charge: assign it.", "%(n)d of them have no officer in charge: assign them.", n) % {
        "n": n
    }


def listed_above(n: int) -> str:
    """The part of an item's reports owed that are items above it (sent back for a fix, withdrawn, waiting for approval)."""
    return ngettext(
        "%(n)d of them is a report sent back, withdrawn or waiting for approval, listed above.",
        "%(n)d of them are reports sent back, withdrawn or waiting for approval, listed above.",
        n,
    ) % {"n": n}


def waits_for_head(n: int) -> str:
    """The part of an officer's reports owed that were sent for approval: they wait for the agency's head."""
    return ngettext(
        "%(n)d of them waits for the approval of the agency's head.", "%(n)d of them wait for the approval of the agency's head.", n
    ) % {"n": n}


def _reports_to_file(user: User, today: datetime.date, listed: set[tuple[int, int]]) -> list[WorkItem]:
    """The agency's reports owed for each plan's period due now (Nghị định 09/2019) and not sent yet.

    From the day the period becomes the one being filed, not once its cut-off has passed: who owes a report
    learns it with the days left. Who owes what is ``selectors.owed_not_sent`` (the list it links to filters by it); an
    officer sees the parts they carry (or stand in for) and those nobody carries, the head every part, told how many wait
    to be assigned. A report owed that is already an item of the list (``listed``: returned for a fix, waiting for
    approval) is not counted again: ``owed_not_sent`` holds it (not sent), and the item says so (its number is the rows
    of the list it opens), but the menu counts each report once.
    """
    if user.agency_id is None:
        return []
    plans = Plan.objects.filter(state=PlanState.IN_FORCE, tasks__assignments__agency=user.agency_id).distinct()
    due = due_periods(plans, today)
    if not due:
        return []
    owed = owed_not_sent(user.agency_id, due, today)
    carried = Exists(TaskOwner.objects.filter(running_on(today), assignment=OuterRef("pk")))
    head = tasks_policy.oversees_agency_work(user)
    if not head:
        owed = owed.filter(answered_by(user, today))
    # sent for approval: not sent yet, but waiting for the head (an item of the head's list), not for the officer
    pending = Exists(
        Report.objects.filter(
            task=OuterRef("task_id"), agency=OuterRef("agency_id"), period=OuterRef("owed_period_id"), state=ReportState.PENDING
        )
    )
    counts: dict[int, list[int]] = {}
    rows = owed.annotate(carried=carried, pending=pending).order_by()
    for plan_id, is_carried, is_pending, task_id, period_id in rows.values_list(
        "task__plan_id", "carried", "pending", "task_id", "owed_period_id"
    ):
        # owed, of which nobody carries, of which not an item already, of which waiting for the head's approval
        tally = counts.setdefault(plan_id, [0, 0, 0, 0])
        tally[0] += 1
        tally[1] += 0 if is_carried else 1
        if (task_id, period_id) in listed:
            continue
        tally[2 if not is_pending else 3] += 1
    items = []
    for plan_id, (owed_n, unassigned, n, waiting) in sorted(counts.items(), key=lambda pair: due[pair[0]].period.deadline):
        if not n:
            continue  # every one of them is an item above (returned, waiting for approval) or waits for the head
        period = due[plan_id].period
        # the number the list it opens shows (a returned report included); the menu counts the others only
        why = _("%(n)d tasks of %(plan)s still need their report for %(period)s; the deadline is %(deadline)s (%(left)s).") % {
            "n": owed_n,
            "plan": due[plan_id].plan.symbol,
            "period": period.label_in_sentence,
            "deadline": f"{period.deadline:%d/%m/%Y}",
            "left": days_left(period.deadline, today),
        }
        # the badge counts n: say where the others are
        if owed_n - n - waiting:
            why = f"{why} {listed_above(owed_n - n - waiting)}"
        if waiting:
            why = f"{why} {waits_for_head(waiting)}"
        if head and unassigned:
            why = f"{why} {to_assign(unassigned)}"
        # the list of exactly these reports: the whole agency's for the head, the officer's own and nobody's for an officer
        url = AgencyTaskFilter.url(plan=plan_id, report_state=NOT_SENT, mine=None if head else ANSWERED)
        items.append(WorkItem(TO_FILE, why, period.deadline, url, n, due=period.deadline))
    return items


def _seen(user: User) -> tuple[str | None, int | None, tuple[str, str]]:
    """What the statements kept for ``user`` depend on: the role, the agency, and the settings those rules read."""
    return policy.role_of(user), user.agency_id, (settings.SELF_REVIEW_BY, settings.EXTENSION_DECIDED_BY)


def _as_seen(role: str, agency_id: int | None, rules: tuple[str, str]) -> Any:  # stands in for a User
    if rules != (settings.SELF_REVIEW_BY, settings.EXTENSION_DECIDED_BY):
        raise ValueError(f"statement built for the settings {rules}, not the current ones")
    return policy.Seen(role, agency_id)


def _kinds_asked(user: User) -> tuple[str, ...]:
    """The kinds of work beyond the agency's that may wait for ``user`` (the role and the settings: no query)."""
    kinds = []
    if policy.may_open(user, policy.REVIEW) and reports_policy.reviews_any(user):
        kinds.append(TO_REVIEW)
    if policy.may_open(user, policy.EXTENSIONS) and tasks_policy.decides_any_extension(user):
        kinds.append(EXTENSION)
    if policy.may_open(user, policy.REASSIGN):
        kinds.append(REASSIGN)
    if reports_policy.awaits_summaries(user):
        kinds.append(SUMMARY)  # sent for signature, or issued waiting for the signed copy
    return tuple(kinds)


def _waiting_of(kind: str, user: Any, today: datetime.date) -> QuerySet:
    """The rows of work of ``kind`` waiting for ``user``: what the item lists, and what :func:`_waiting` asks is there."""
    if kind == TO_REVIEW:
        return inbox(user=user)
    if kind == EXTENSION:
        return tasks_policy.decidable_extensions(Extension.objects.filter(state=ExtensionState.PENDING), user)
    if kind == REASSIGN:
        return waiting_for_reassignment(user=user, today=today)
    summaries = Summary.objects.filter(Q(state=SummaryState.SUBMITTED) | Q(state=SummaryState.ISSUED, signed_pdf=""))
    return policy.restrict(summaries, user)


def _waiting_checks(kinds: tuple[str, ...], role: str, agency_id: int | None, rules: tuple[str, str], today: datetime.date) -> dict:
    user = _as_seen(role, agency_id, rules)
    return {kind: _waiting_of(kind, user, today) for kind in kinds}


def _waiting(user: User) -> set[str]:
    """The kinds of work beyond the agency's with something waiting for ``user``: one statement for all (none for a role
    that has none), its SQL kept (``policy.Seen``). Only those kinds are then read: a leader's list, empty most days, costs this
    statement, not one built per kind. Read afresh on every call: work done leaves the list at once."""
    kinds = _kinds_asked(user)
    if not kinds:
        return set()
    # the queue of tasks to reassign is read as of the calendar day (waiting_for_reassignment's default), as before
    answers = compiled_exists(_waiting_checks, kinds, *_seen(user), timezone.localdate())
    return {kind for kind, waits in answers.items() if waits}


def _inbox_groups(role: str, agency_id: int | None, rules: tuple[str, str]) -> QuerySet:
    return (
        inbox(user=_as_seen(role, agency_id, rules))
        .order_by()
        .values("task__plan_id", "task__plan__symbol", "period_id", "period__kind", "period__year", "period__number")
        .annotate(n=Count("id"), since=Min("submitted_at"), first=Min("id"))
    )


def _reports_to_review(user: User) -> list[WorkItem]:
    """The inbox (``selectors.inbox``) by plan and period: on a deadline day hundreds of reports wait, and the menu of
    every page the coordinator opens counts them; one line per plan and period, linking to the inbox filtered to
    them (a report alone links to itself). Its SQL is kept (``policy.Seen``): the coordinator's every page reads it."""
    groups = compiled_values(_inbox_groups, *_seen(user))
    alone = {
        report.pk: report
        for report in Report.objects.filter(pk__in=[group["first"] for group in groups if group["n"] == 1]).select_related(
            "agency", "task__plan", "period"
        )
    }
    items = []
    for group in groups:
        report = alone.get(group["first"]) if group["n"] == 1 else None
        if report is not None:
            why = _("%(agency)s sent its report on task %(task)s (%(plan)s), %(period)s: accept it or return it.") % {
                "agency": report.agency.short_name,
                "task": report.task.number,
                "plan": report.task.plan.symbol,
                "period": report.period.label_in_sentence,
            }
            url = reverse("reports:report_detail", args=[report.pk])
        else:
            why = ngettext(
                "%(n)d report of %(plan)s, %(period)s, waits for you to accept it or return it.",
                "%(n)d reports of %(plan)s, %(period)s, wait for you to accept or return them.",
                group["n"],
            ) % {
                "n": group["n"],
                "plan": group["task__plan__symbol"],
                "period": period_label(group["period__kind"], group["period__year"], group["period__number"], in_sentence=True),
            }
            url = InboxFilter.url(plan=group["task__plan_id"], period=group["period_id"])
        items.append(WorkItem(TO_REVIEW, why, group["since"], url, group["n"]))
    return items


def _review_work(user: User, waiting: set[str]) -> list[WorkItem]:
    items = []
    if TO_REVIEW in waiting:
        items += _reports_to_review(user)
    if EXTENSION in waiting:
        extensions = _waiting_of(EXTENSION, user, timezone.localdate()).select_related("task__plan", "agency")
        for extension in extensions.order_by("requested_at"):
            items.append(
                WorkItem(
                    EXTENSION,
                    _("%(agency)s asks for more time on task %(task)s (%(plan)s): from %(before)s to %(asked)s.")
                    % {
                        "agency": extension.agency.short_name,
                        "task": extension.task.number,
                        "plan": extension.task.plan.symbol,
                        "before": f"{extension.due_before:%d/%m/%Y}",
                        "asked": f"{extension.requested_due:%d/%m/%Y}",
                    },
                    extension.requested_at,
                    reverse("reports:task_extensions", args=[extension.task_id]),
                )
            )
    return items


def _coordination_work(user: User, waiting: set[str]) -> list[WorkItem]:
    items = []
    if REASSIGN in waiting:
        by_plan: dict[str, list] = {}
        for assignment in _waiting_of(REASSIGN, user, timezone.localdate()):
            by_plan.setdefault(assignment.task.plan.symbol, []).append(assignment)
        for symbol, assignments in sorted(by_plan.items()):
            items.append(
                WorkItem(
                    REASSIGN,
                    # one row of the queue per lead part: seven districts leading one task are 7 parts of 1 task
                    _(
                        "%(n)d lead parts of %(tasks)d tasks of %(plan)s wait to be given to a current agency "
                        "(their lead agency ceased: %(agencies)s)."
                    )
                    % {
                        "n": len(assignments),
                        "tasks": len({a.task_id for a in assignments}),
                        "plan": symbol,
                        "agencies": ", ".join(sorted({a.agency.short_name for a in assignments})),
                    },
                    min(a.agency.active_to for a in assignments),
                    reverse("reports:reassign_queue"),
                    len(assignments),
                )
            )
    if SUMMARY in waiting:
        # Sent for signature ("Trình ký"): waiting for leadership since it was sent. Issued, its copy signed with the
        # USB token not received yet: waiting for it since the issue (the public list shows signed copies only).
        sent = Max("events__at", filter=Q(events__action=SummaryAction.SUBMIT))
        summaries = _waiting_of(SUMMARY, user, timezone.localdate()).annotate(sent_at=sent)
        for summary in summaries.select_related("plan", "period").defer("snapshot").order_by("pk"):  # one statement for both kinds
            names = {"plan": summary.plan.symbol, "period": summary.period.label_in_sentence}
            if summary.state == SummaryState.SUBMITTED:
                why = _("The summary of %(plan)s, %(period)s, waits for your signature.") % names
                items.append(WorkItem(SUMMARY, why, summary.sent_at or summary.compiled_at, summary.get_absolute_url()))
            elif SummaryAction.SIGN in reports_policy.summary_actions(user, summary):
                why = _("The summary of %(plan)s, %(period)s, was issued: upload its PDF signed with the USB token (ký số) to publish it.")
                items.append(WorkItem(SIGNED_COPY, why % names, summary.issued_at or summary.compiled_at, summary.get_absolute_url()))
    return items


def work_items(user: User, *, today: datetime.date | None = None) -> list[WorkItem]:
    """Everything waiting for ``user``, oldest first within each kind, kinds in the order of the work."""
    if policy.role_of(user) is None:
        return []
    today = today or timezone.localdate()
    items = []
    if policy.may_open(user, policy.AGENCY_WORK):
        items += _agency_work(user, today)
    waiting = _waiting(user)
    items += _review_work(user, waiting)
    items += _coordination_work(user, waiting)
    order = [RETURNED, TO_APPROVE, TO_FILE, TO_REVIEW, EXTENSION, REASSIGN, SUMMARY, SIGNED_COPY]
    return sorted(items, key=lambda item: (order.index(item.kind), item.since_day))


def work_count(items: list[WorkItem]) -> int:
    """The menu's count: the reports, requests and tasks waiting (a group of tasks counts each task)."""
    return sum(item.count for item in items)
