"""Chasing late agencies in one step (đôn đốc): the list of reports owed, a letter in the Nghị định 30/2020 form, e-mails.

The list is the dashboard's "reports missing this period" (``compliance.missing`` over the period due of each plan
in force, the same rows the dashboard counts), one line per plan and agency with the tasks it owes and the steps
its obligation has climbed (``escalation.ladder_state``). From it the coordinator of a plan produces a "văn bản đôn
đốc" (recipients from the registry, what each agency owes) and/or sends e-mails; either is recorded on each
obligation as a ``Reminder`` of kind ``chased`` (once per obligation and day).
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from plans.choices import PlanState, Role
from plans.models import Agency, Plan, User
from plans.policy import ROLE_GROUPS
from tasks.delegation import running_on, who_receives
from tasks.models import Task, TaskOwner

from . import compliance
from .choices import ReminderKind
from .escalation import notify, remember
from .filters import NOT_SENT, AgencyTaskFilter
from .models import Reminder
from .periods import Period
from .selectors import due_periods
from .services import reporting_period_get_or_create
from .summaries.document import TEXT_WIDTH_MM, _cell_lines, _no_borders, _paragraph, _rule, _setup, _widths, heading_block
from .summaries.official import short_date


@dataclass
class Owed:
    """What one agency owes on one plan for the period due: the tasks, and the ladder's steps so far."""

    plan: Plan
    agency: Agency
    period: Period
    tasks: list[Task] = field(default_factory=list)
    steps: list[Reminder] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.plan.pk}-{self.agency.pk}"


def owed_reports(
    *, today: datetime.date | None = None, plan_ids: list[int] | None = None, narrow: Callable[[QuerySet], QuerySet] | None = None
) -> list[Owed]:
    """Every (plan, agency) owing reports of the period due, agencies in name order (a few queries); ``narrow``: the
    list's filters over the owed rows (``filters.ChaseFilter.narrow``)."""
    today = today or timezone.localdate()
    plans = Plan.objects.filter(state=PlanState.IN_FORCE)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    due = due_periods(list(plans), today)
    if not due:
        return []
    rows = compliance.missing({pk: d.row.pk if d.row else None for pk, d in due.items()}, as_of=today).select_related(
        "task", "task__plan", "agency"
    )
    if narrow is not None:
        rows = narrow(rows)
    found: dict[tuple[int, int], Owed] = {}
    for assignment in rows.order_by("agency__name", "task__plan__symbol", "task__position"):
        plan = assignment.task.plan
        owed = found.setdefault((plan.pk, assignment.agency_id), Owed(plan, assignment.agency, due[plan.pk].period))
        owed.tasks.append(assignment.task)
    steps = Reminder.objects.filter(
        plan_id__in=[p for p, _a in found], agency_id__in=[a for _p, a in found], kind__in=[*_LADDER_AND_CHASE]
    ).order_by("sent_at")
    for step in steps:
        line = found.get((step.plan_id, step.agency_id))
        if line is not None and step.key.startswith(line.period.code):
            line.steps.append(step)
    return list(found.values())


_LADDER_AND_CHASE = (
    ReminderKind.MISSING_REPORT,
    ReminderKind.LATE_TO_HEAD,
    ReminderKind.LATE_TO_COORDINATOR,
    ReminderKind.LATE_TO_LEADERSHIP,
    ReminderKind.CHASED,
)


def chase_letter(*, owed: list[Owed], day: datetime.date) -> bytes:
    """The "văn bản đôn đốc" (Nghị định 30/2020 form): to the agencies named, each with the tasks it owes."""
    document = Document()
    _setup(document)
    heading_block(document, number="", suffix=settings.SUMMARY_NUMBER_SUFFIX.replace("BC-", ""), day=day)
    plans = sorted({o.plan.symbol for o in owed})
    periods = sorted({o.period.label for o in owed})
    _paragraph(document, "", after=0)
    _paragraph(
        document,
        f"V/v đôn đốc gửi báo cáo kết quả thực hiện Kế hoạch số {', '.join(plans)} ({', '.join(periods)})",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
        size=12,
    )
    _paragraph(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.CENTER, after=0, bold=True)
    for agency in sorted({o.agency.pk: o.agency for o in owed}.values(), key=lambda a: a.name):
        _paragraph(document, f"- {agency.name};", align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(document, 50, within_mm=TEXT_WIDTH_MM, after=12)
    for plan in sorted({o.plan.pk: o.plan for o in owed}.values(), key=lambda p: p.symbol):
        these = [o for o in owed if o.plan.pk == plan.pk]
        deadline = these[0].period.deadline
        _paragraph(
            document,
            f"Thực hiện Kế hoạch số {plan.symbol} ngày {short_date(plan.issued_on)}, đến nay các cơ quan, đơn vị dưới đây chưa gửi "
            f"báo cáo kết quả thực hiện {these[0].period.label} (hạn gửi ngày {short_date(deadline)}):",
        )
        for o in these:
            tasks = "; ".join(f"nhiệm vụ {t.number}" for t in o.tasks)
            _paragraph(document, f"- {o.agency.name}: {len(o.tasks)} báo cáo ({tasks}).")
    _paragraph(
        document,
        "Đề nghị các cơ quan, đơn vị khẩn trương hoàn thành và gửi báo cáo qua Cổng theo dõi thực hiện kế hoạch; "
        "trường hợp có khó khăn, vướng mắc, báo cáo rõ lý do để tổng hợp, báo cáo Ủy ban nhân dân tỉnh./.",
    )
    _paragraph(document, "", after=6)
    closing = document.add_table(rows=1, cols=2)
    _no_borders(closing)
    _widths(closing, (Mm(80), Mm(85)))
    _cell_lines(
        closing.cell(0, 0),
        [("Nơi nhận:", {"size": 12, "bold": True, "italic": True})]
        + [(f"- {a.name};", {"size": 11}) for a in sorted({o.agency.pk: o.agency for o in owed}.values(), key=lambda a: a.name)]
        + [("- Lưu: VT.", {"size": 11})],
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _cell_lines(
        closing.cell(0, 1),
        [(line, {"size": 14, "bold": True}) for line in settings.SUMMARY_SIGNATURE_LINES]
        + [("", {}), ("", {}), ("", {}), ("", {}), (settings.SUMMARY_SIGNER, {"size": 14, "bold": True})],
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _people_to_chase(owed: Owed, day: datetime.date) -> list[User]:
    """The people in charge of the tasks owed (and stand-ins), and the agency's heads."""
    owners = TaskOwner.objects.filter(running_on(day), assignment__task__in=owed.tasks, assignment__agency=owed.agency)
    people = User.objects.filter(is_active=True).filter(pk__in=owners.values("user_id")) | User.objects.filter(
        is_active=True, agency=owed.agency, groups__name=ROLE_GROUPS[Role.HEAD]
    )
    return who_receives(people.distinct(), day)


@transaction.atomic
def chase_record(*, owed: list[Owed], by: User, email: bool, letter: bool, day: datetime.date | None = None) -> int:
    """Record the chase on each obligation (once a day each); with ``email``, tell the people who must act. Returns how
    many obligations were newly chased today."""
    day = day or timezone.localdate()
    how = ", ".join(word for word, chosen in ((_("letter"), letter), (_("e-mail"), email)) if chosen)
    chased = 0
    for o in owed:
        row = reporting_period_get_or_create(period=o.period)
        reminder = remember(
            kind=ReminderKind.CHASED,
            plan=o.plan,
            agency=o.agency,
            period=row,
            key=f"{o.period.code}:chase:{day:%Y%m%d}",
            items=len(o.tasks),
        )
        if reminder is None:
            continue
        chased += 1
        if email:
            text = _(
                "%(by)s asks %(agency)s to send without delay its %(n)d reports of plan %(plan)s for %(period)s (deadline %(deadline)s) [%(how)s]."
            ) % {
                "by": by.display_name,
                "agency": o.agency.short_name,
                "n": len(o.tasks),
                "plan": o.plan.symbol,
                "period": o.period.label_in_sentence,
                "deadline": f"{o.period.deadline:%d/%m/%Y}",
                "how": how,
            }
            notify(reminder, _people_to_chase(o, day), text, AgencyTaskFilter.url(plan=o.plan.pk, report_state=NOT_SENT))
    return chased
