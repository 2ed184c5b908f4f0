"""Work handed to someone: a notice in the portal for each person who must act, and its e-mail.

Every event that hands work to someone calls one function here in the transaction of the change:
a report sent for approval, submitted, sent back, returned, recalled, accepted or withdrawn (``report_handoff``),
an extension asked for or decided, tasks reassigned, a summary issued. Who receives it is asked of
``policy`` (who reviews a report, who decides an extension), never decided here again.

Done: once the work a notice named is done by one of those told (a report accepted, returned or recalled, an
extension decided, a summary returned or issued), the notice leaves everyone's unread, kept as read in their history
(``_no_longer_waiting``): the others' pages, and their digest, no longer name work that no longer waits.

Once: a notice is unique per person and event (``Notice.key``), so an event handled twice notifies
once; its e-mail is a job queued through the outbox (run once by its key, ``core.once``),
sent to those who want it at once; those who chose the daily digest get it in
``notices_digest_send``; ``Notice.emailed_at`` keeps a notice from being e-mailed twice.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.db.models.sql import UpdateQuery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.compiled import compiled_objects, compiled_statements
from core.outbox import job_enqueue
from plans import policy
from plans.choices import NoticeEmail, Role
from plans.models import Agency, User
from tasks import policy as tasks_policy
from tasks.delegation import who_receives
from tasks.models import Extension, TaskAssignment

from . import policy as reports_policy
from .choices import WorkflowAction
from .models import Notice, Report, ReportEvent, Summary


def _people(users: Iterable[User], actor_id: int | None = None) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.is_active and user.pk != actor_id:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def handoff(*, key: str, users: Iterable[User], text: str, url: str, email: bool = True, new: bool = False) -> list[Notice]:
    """Notify ``users`` of the event ``key`` (once per person); queue its e-mail for those who want it at once.

    ``email=False``: the caller's own job sends the e-mail (a report step's message has its own template).
    ``new``: the event was recorded in this transaction, so no notice carries its key yet (none is looked for).
    """
    people = _people(users)
    known = set() if new else set(Notice.objects.filter(key=key, user__in=people).values_list("user_id", flat=True))
    notices = Notice.objects.bulk_create([Notice(user=u, key=key, text=text[:2000], url=url) for u in people if u.pk not in known])
    if email and any(n.user.email and n.user.notice_email == NoticeEmail.IMMEDIATE for n in notices):
        job_enqueue("reports.jobs.handoff_email_job", key)
    return notices


def handoff_email_send(*, key: str) -> int:
    """E-mail the notices of one event to those who want it at once and were not e-mailed yet."""
    notices = list(
        Notice.objects.filter(key=key, emailed_at__isnull=True, user__notice_email=NoticeEmail.IMMEDIATE, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    subject = _("[Plan portal] Work waiting for you")
    messages = [(subject, f"{n.text}\n\n{settings.SITE_URL}{n.url}\n", settings.DEFAULT_FROM_EMAIL, [n.user.email]) for n in notices]
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
    return sent


def notices_digest_send(*, now: datetime.datetime | None = None) -> int:
    """One e-mail per person who chose the daily digest, listing their notices not e-mailed yet and still unread (read on
    the portal, or their work done by someone else: ``_no_longer_waiting``); returns how many went."""
    now = now or timezone.now()
    pending = (
        Notice.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now, user__notice_email=NoticeEmail.DIGEST, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[User, list[Notice]] = defaultdict(list)
    for notice in pending:
        by_user[notice.user].append(notice)
    subject = _("[Plan portal] Your daily digest")
    messages = []
    for user, notices in by_user.items():
        lines = [f"- {timezone.localtime(n.created_at):%d/%m/%Y %H:%M} {n.text}\n  {settings.SITE_URL}{n.url}" for n in notices]
        messages.append((subject, "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [user.email]))
    with transaction.atomic():
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        Notice.objects.filter(pk__in=[n.pk for notices in by_user.values() for n in notices]).update(emailed_at=now)
    return sent


def _no_longer_waiting(notices: Q) -> int:
    """The notices ``notices`` named work that one of those told has done: they leave everyone's unread notices (the
    others' pages, the digest), kept as read in their history."""
    return _unread(notices).update(read_at=timezone.now())


def _unread(notices: Q) -> QuerySet:
    return Notice.objects.filter(notices, read_at__isnull=True)


# --- Who must act after each event -----------------------------------------------------------------


def _with_role(role: str) -> Q:
    return Q(groups__name=policy.ROLE_GROUPS[role])


def reviewers(report) -> list[User]:
    """The people who review ``report`` (accept or return it): ``policy.reviews`` asked of each coordinator and leader."""
    candidates = _province_deciders()
    return [user for user in candidates if reports_policy.reviews(user, report)]


def _province_deciders() -> list[User]:
    """The active coordinators and leaders, their groups read at once (``policy.role_of`` asks each one's).

    In two statements, not one: their memberships read with their users and groups in one statement join the membership
    table to itself, which PostgreSQL planned as a nested loop over both (1.5 ms against 0.35 for these two, issue 29's
    deadline day, with the table's statistics of a few rows). Both statements are made once (``core.compiled``): every
    report sent asks them."""
    people = compiled_objects(_deciders)
    groups: dict[int, list[Group]] = {person.pk: [] for person in people}
    for group in compiled_objects(_deciders_groups, tuple(groups)) if groups else ():
        groups[group.member].append(group)
    for person in people:
        kept = person.groups.all()
        kept._result_cache, kept._prefetch_done = groups[person.pk], True  # as prefetch_related("groups") leaves it
        person._prefetched_objects_cache = {"groups": kept}
    return people


def _deciders():
    return User.objects.filter(_with_role(Role.COORDINATOR) | _with_role(Role.LEADERSHIP), is_active=True).distinct().order_by("pk")


def _deciders_groups(people: tuple[int, ...]):
    """Every group of each of these people (``member``: whose), as prefetch_related("groups") reads them."""
    return Group.objects.filter(user__in=people).annotate(member=F("user__pk")).order_by("user__pk", "pk")


def _last_actors(report, actions: list[str]) -> list[int]:
    """Who last took each of these steps on ``report``."""
    found = []
    for action in actions:
        actor = report.events.filter(action=action).order_by("-at", "-id").values_list("actor_id", flat=True).first()
        if actor:
            found.append(actor)
    return found


def report_recipients(event: ReportEvent) -> list[User]:
    """Who must act on, or know of, a report after a workflow step (its actor never)."""
    report, action = event.report, event.action
    agency_users = _agency_users(report.agency_id)
    if action == WorkflowAction.SEND_FOR_APPROVAL:
        people = compiled_objects(_agency_people, Role.HEAD, agency=report.agency_id)  # every report sent for approval
    elif action == WorkflowAction.SUBMIT:
        people = reviewers(report)
    elif action == WorkflowAction.RECALL:
        # The officers who will revise it, and the reviewers already told it waits for them.
        people = compiled_objects(_agency_people, Role.OFFICER, agency=report.agency_id) + reviewers(report)
    elif action == WorkflowAction.SEND_BACK:
        people = list(agency_users.filter(pk__in=_last_actors(report, [WorkflowAction.SEND_FOR_APPROVAL])))
        people = people or list(agency_users.filter(pk=report.created_by_id))
    elif action in (WorkflowAction.RETURN, WorkflowAction.ACCEPT):
        people = _senders(report, agency_users)
    elif action == WorkflowAction.WITHDRAW:
        # Taken back by an administrator: the agency that sent it, and whoever accepted it (their acceptance, and the
        # progress it fed, no longer count). The reviewers still waiting on a submitted one are released, not told.
        people = _senders(report, agency_users) + list(User.objects.filter(pk__in=_last_actors(report, [WorkflowAction.ACCEPT])))
    else:
        people = []
    return _people(people, actor_id=event.actor_id)


def _agency_users(agency: int):
    return User.objects.filter(agency=agency, is_active=True)


def _agency_people(role: str, *, agency: int):
    """The agency's active people of ``role`` (its heads, its officers)."""
    return _agency_users(agency).filter(_with_role(role))


def _senders(report, agency_users) -> list[User]:
    """Those who last sent ``report`` (the officer who resent it, the head who submitted it), still in the agency; else
    its author and the agency's heads."""
    people = list(agency_users.filter(pk__in=_last_actors(report, [WorkflowAction.SEND_FOR_APPROVAL, WorkflowAction.SUBMIT])))
    return people or list(agency_users.filter(Q(pk=report.created_by_id) | _with_role(Role.HEAD)))


_REPORT_EVENT = "report-event:"  # the key of a workflow step's notices: this and the step's id (report_event_key)


def report_event_key(event_id: int) -> str:
    """The key of the notices of one workflow step."""
    return f"{_REPORT_EVENT}{event_id}"


def report_handoff(event: ReportEvent, *, new: bool = False) -> list[Notice]:
    """The notices of a workflow step (its e-mail is sent by ``report_event_notify_job`` with its own template);
    ``new``: the step was recorded in this transaction (``handoff``)."""
    report = event.report
    text = _("%(action)s: the report of %(agency)s on task %(task)s (%(plan)s), %(period)s, by %(actor)s.") % {
        "action": WorkflowAction(event.action).label,
        "agency": report.agency.short_name,
        "task": report.task.number,
        "plan": report.task.plan.symbol,
        "period": report.period.label_in_sentence,
        "actor": event.actor.display_name if event.actor else "—",
    }
    url = reverse("reports:report_detail", args=[report.pk])
    return handoff(key=report_event_key(event.pk), users=report_recipients(event), text=text, url=url, email=False, new=new)


def report_no_longer_waiting(report: Report, *, left: str) -> int:
    """``report`` left the state ``left``: the notices of the steps that had put it there leave everyone's unread.

    A step's notices name the work that waits in the state it leads to (sent for approval: the heads'; submitted: the
    reviewers'; sent back or returned: the revision); once one of those told has acted, the report has left that state
    and the others' notices named work that no longer waits. Called by every write that moves a report's state (a
    workflow step, a withdrawal), in its transaction: its statement is made once per state (``core.compiled``)."""
    ((sql, params),) = compiled_statements(_steps_notices_read, left, report=report.pk)
    read_at = Notice._meta.get_field("read_at")
    stand_in = read_at.get_db_prep_save(_READ_AT_STAND_IN, connection)
    now = read_at.get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now if type(value) is type(stand_in) and value == stand_in else value for value in params])
        return cursor.rowcount


_READ_AT_STAND_IN = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)  # the time a statement made once is given


def _steps_notices_read(left: str, *, report: int) -> list[tuple[str, list]]:
    """``_no_longer_waiting`` of the notices of the steps that put ``report`` in the state ``left``, as one UPDATE."""
    steps = ReportEvent.objects.filter(report=report, to_state=left).annotate(
        notice_key=Concat(Value(_REPORT_EVENT), Cast("pk", output_field=CharField()), output_field=CharField())
    )
    query = cast(UpdateQuery, _unread(Q(key__in=steps.values("notice_key"))).query.chain(UpdateQuery))
    query.add_update_values({"read_at": _READ_AT_STAND_IN})
    return [query.get_compiler(connection=connection).as_sql()]


def extension_deciders(extension: Extension) -> list[User]:
    """Who decides ``extension``: ``tasks_policy.may_decide_extension`` asked of each coordinator and leader."""
    return [user for user in _province_deciders() if tasks_policy.may_decide_extension(user, extension)]


def extension_asked(extension: Extension) -> list[Notice]:
    """Tell the deciders a request for more time waits for them."""
    task = extension.task
    text = _("%(agency)s asks for more time on task %(task)s (%(plan)s): from %(before)s to %(asked)s.") % {
        "agency": extension.agency.short_name,
        "task": task.number,
        "plan": task.plan.symbol,
        "before": f"{extension.due_before:%d/%m/%Y}",
        "asked": f"{extension.requested_due:%d/%m/%Y}",
    }
    url = reverse("reports:task_extensions", args=[task.pk])
    users = _people(extension_deciders(extension), actor_id=extension.requested_by_id)
    return handoff(key=_asked_key(extension), users=users, text=text, url=url)


def _asked_key(extension: Extension) -> str:
    return f"extension-asked:{extension.pk}"


def extension_decided(extension: Extension) -> list[Notice]:
    """Tell the one who asked, and the agency's heads, what was decided; the deciders' notices that it was asked leave
    everyone's unread (one decided it: it waits for no one)."""
    _no_longer_waiting(Q(key=_asked_key(extension)))
    task = extension.task
    if extension.approved_due:
        text = _("More time on task %(task)s (%(plan)s) was approved: the new due date is %(due)s.") % {
            "task": task.number,
            "plan": task.plan.symbol,
            "due": f"{extension.approved_due:%d/%m/%Y}",
        }
    else:
        text = _("More time on task %(task)s (%(plan)s) was refused: %(comment)s") % {
            "task": task.number,
            "plan": task.plan.symbol,
            "comment": extension.comment,
        }
    users = User.objects.filter(Q(pk=extension.requested_by_id) | Q(agency=extension.agency_id) & _with_role(Role.HEAD))
    url = reverse("reports:task_extensions", args=[task.pk])
    return handoff(key=f"extension-decided:{extension.pk}", users=_people(users, actor_id=extension.decided_by_id), text=text, url=url)


def tasks_reassigned(*, assignments: list[TaskAssignment], agency: Agency, by: User | None) -> list[Notice]:
    """Tell the agency that received tasks from the coordinator's queue (its heads and officers)."""
    if not assignments:
        return []
    tasks = sorted({f"{a.task.plan.symbol} · {a.task.number}" for a in assignments})
    text = _("%(n)d tasks were given to %(agency)s: %(tasks)s.") % {
        "n": len(tasks),
        "agency": agency.short_name,
        "tasks": "; ".join(tasks[:10]) + ("…" if len(tasks) > 10 else ""),
    }
    users = User.objects.filter(agency=agency, is_active=True).filter(_with_role(Role.HEAD) | _with_role(Role.OFFICER))
    key = f"reassigned:{agency.pk}:" + ",".join(str(a.pk) for a in sorted(assignments, key=lambda a: a.pk)[:8])
    return handoff(key=key[:80], users=_people(users, actor_id=by.pk if by else None), text=text, url=reverse("reports:agency_tasks"))


def summary_submitted(summary: Summary, by: User | None) -> list[Notice]:
    """Tell leadership a summary waits for its signature ("Trình ký")."""
    text = _("The summary of %(plan)s, %(period)s, waits for your signature.") % {
        "plan": summary.plan.symbol,
        "period": summary.period.label_in_sentence,
    }
    users = User.objects.filter(_with_role(Role.LEADERSHIP), is_active=True)
    key = f"{_waiting_key(summary)}{summary.events.count()}"  # sent again after a return: told again
    return handoff(key=key, users=_people(users, actor_id=by.pk if by else None), text=text, url=summary.get_absolute_url())


def summary_no_longer_waiting(summary: Summary) -> int:
    """The summary was returned or issued: the notices that it waited for a signature leave everyone's unread notices
    (one leader acted; the others' "chờ ký" named work that no longer waits), kept as read in their history."""
    return _no_longer_waiting(Q(key__startswith=_waiting_key(summary)))


def _waiting_key(summary: Summary) -> str:
    """The start of the key of every notice that ``summary`` waits for a signature (one per sending)."""
    return f"summary-submitted:{summary.pk}:"


def summary_issued(summary: Summary, by: User | None) -> list[Notice]:
    """Tell leadership a summary was issued."""
    text = _("The summary of %(plan)s, %(period)s, was issued as No. %(number)s.") % {
        "plan": summary.plan.symbol,
        "period": summary.period.label_in_sentence,
        "number": summary.document_number,
    }
    users = User.objects.filter(_with_role(Role.LEADERSHIP), is_active=True)
    return handoff(
        key=f"summary-issued:{summary.pk}", users=_people(users, actor_id=by.pk if by else None), text=text, url=summary.get_absolute_url()
    )


def task_owners_named(*, assignment: TaskAssignment, users: list[User], by: User | None) -> list[Notice]:
    """Tell the officers newly put in charge of an agency's part in a task (and their stand-ins, when absent)."""
    if not users:
        return []
    task = assignment.task
    text = _("You are now in charge of task %(task)s (%(plan)s) for %(agency)s: %(title)s") % {
        "task": task.number,
        "plan": task.plan.symbol,
        "agency": assignment.agency.short_name,
        "title": task.title[:200],
    }
    people = _people(who_receives(users), actor_id=by.pk if by else None)
    key = f"owner:{assignment.pk}:{timezone.localdate():%Y%m%d}"
    return handoff(key=key, users=people, text=text, url=reverse("reports:task_owners", args=[task.pk]))


def export_finished(sender, *, job, **kwargs) -> None:
    """A download written in the background is ready (or failed): a notice to its owner, linking to its page
    (``core.exports``; connected in ``ReportsConfig.ready``). No e-mail: the owner asked for it moments ago."""
    from core.exports import export_notice_text, export_page_url

    handoff(key=f"export-{job.pk}", users=[job.user], text=export_notice_text(job), url=export_page_url(job), email=False)
