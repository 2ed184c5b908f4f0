"""Demo data for development and demonstrations: the seed plans, the registry, users, reports.

Idempotent: every row is found by its natural key before it is made, so running it twice
leaves the same rows. Reports go through the same workflow services as real ones.
"""

import datetime
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from plans import policy
from plans.choices import PeriodKind, PlanState, Role
from plans.models import Agency, AgencyGroup, CalendarDay, Directive, Plan, ReorganisationDecision, Section, User
from plans.services import agency_registry_load, roles_setup
from plans.workdays import calendar_edit_done
from reports import policy as reports_policy
from reports.choices import ReportState, WorkflowAction, WorkState
from reports.compliance import obligation
from reports.models import Report
from reports.periods import period_of, periods_between
from reports.services import report_save, report_transition, reporting_period_get_or_create, task_progress_refresh
from reports.summaries.drafting import summary_submit
from reports.summaries.service import last_closed_period, summary_compile, summary_issue
from tasks import policy as tasks_policy
from tasks.choices import AssignmentRole, Recurrence
from tasks.extensions import extension_decide, extension_request
from tasks.importing.service import annex_import
from tasks.models import Task, TaskAssignment
from tasks.services import task_assignments_set
from tasks.timeframes import parse_timeframe

from . import demo_content as content
from . import demo_indicators
from . import demo_reorganisation as reorganisation
from .demo_signing import demo_summary_sign

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ANNEX_1091 = Path(__file__).resolve().parent.parent / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"
TITLES = {"officer": "Chuyên viên", "head": "Lãnh đạo"}
RETURNED_NOW = ("SKHCN",)  # the demo accounts' agency (Sở TT&TT merged into it): a report sent this period comes back for a fix
RETURN_REASON = "Đề nghị bổ sung số liệu cụ thể: số hội nghị đã tổ chức và số người tham dự trong kỳ."
REPORTING_KINDS = [PeriodKind.HALF_YEAR, PeriodKind.YEAR]
# The province of today (Vĩnh Long, Bến Tre and Trà Vinh merged) and its communes date from this day: the work
# due in the coming months (demo.live_tasks) is about them, so it began then, not with the 2017 plan.
PROVINCE_MERGED = datetime.date(2025, 7, 1)
# How each task of the department plan went: (final progress, completion date or None).
OUTCOMES = {
    "1": (None, None),
    "2": (None, None),
    "3": (100, datetime.date(2020, 11, 30)),
    "4": (100, datetime.date(2019, 3, 12)),
    "5": ("mixed", datetime.date(2020, 12, 10)),
    "6": (None, None),
    "7": (100, datetime.date(2018, 6, 20)),
    "8": (85, None),
    "9": (100, datetime.date(2020, 12, 5)),
    "10": (100, datetime.date(2019, 5, 17)),
    "11": (60, None),
    "12": (100, datetime.date(2020, 10, 28)),
    # the tasks due in the coming months (demo.live_tasks): the first under way since the province's merger
    "13": (70, None),
    "14": (None, None),
    "15": (None, None),
}

# A yearly task ("Hằng năm") reported done in the second half of these years (each year judged apart):
# every other year it was left undone, so on its page last year (2025) stands overdue.
YEARLY_DONE = {"2": {year: datetime.date(year, 12, 10) for year in range(2017, 2025)}}


@transaction.atomic
def demo_seed(*, today: datetime.date | None = None) -> dict[str, int]:
    """Load everything the demo needs; return the row count of each model."""
    today = today or timezone.localdate()
    if ReorganisationDecision.objects.filter(applied_at__isnull=False).exists():
        # The demo already is the province of today: seeding the 2017 assignments again would undo the decisions.
        _people_refresh()  # but a demo seeded before gets its people's names and titles as they are today
        return _counts()
    agency_registry_load()
    groups = roles_setup()
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    directive = _directive()
    plans = {spec["symbol"]: _plan(spec, directive, agencies) for spec in content.PLANS}
    _annex_import(plans["1091/KH-UBND"])
    department_plan = _plan(content.DEPARTMENT_PLAN, directive, agencies, parent=plans[content.DEPARTMENT_PLAN["parent"]])
    tasks = _department_tasks(department_plan, agencies, today)
    users = _users(groups, agencies)
    _agency_accounts(tasks, groups)
    _extensions(tasks, users)  # asked for before the work was done, so before the reports that complete it
    # The agencies of 2017 report (and are reviewed) for the periods ending before the first decision; the periods
    # from then on are filed and reviewed once the decisions are applied, so each review is taken by whoever
    # reviews on that day, and a period straddling a change is the successor's.
    first_change = min(reorganisation.ceasing().values())
    _reports(tasks, users, today, until=first_change)
    reorganisation.reorganise(tasks=tasks, by=users["admin"], today=today)
    for user in users.values():
        user.refresh_from_db()  # moved to their agency's successor
    _agency_accounts(tasks, groups)
    _reports(tasks, users, today)
    _announced_days()
    _summaries(plans["28/KH-UBND"], users, today)
    demo_indicators.indicators_seed(
        plans=[plans["28/KH-UBND"], department_plan], department_plan=department_plan, today=today, by=users["admin"]
    )
    return _counts()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Agency, AgencyGroup, Directive, Plan, Section, Task, User, Report)}


def _directive() -> Directive:
    spec = content.DIRECTIVE
    directive = Directive.objects.filter(symbol=spec["symbol"], issuer=spec["issuer"], year=spec["issued_on"].year).first()
    directive = directive or Directive(**spec)
    directive.full_clean()
    directive.save()
    return directive


def _plan(spec: dict, directive: Directive, agencies: dict, parent: Plan | None = None) -> Plan:
    plan = Plan.objects.filter(symbol=spec["symbol"], issuer=spec["issuer"], year=spec["issued_on"].year).first() or Plan()
    for field in ("symbol", "issuer", "issued_on", "title", "purpose", "starts_on"):
        setattr(plan, field, spec[field])
    plan.issuing_agency = agencies.get(spec.get("issuing_agency"))
    plan.coordinator = agencies.get(spec.get("coordinator"))
    plan.parent = parent
    plan.state, plan.is_published = PlanState.IN_FORCE, True
    plan.reporting_kinds = list(REPORTING_KINDS)
    plan.full_clean()
    plan.save()
    plan.directives.set([directive])
    return plan


def _annex_import(plan: Plan) -> None:
    """Plan 1091's tasks come from the annex the province published, through the real importer."""
    outcome = annex_import(plan=plan, upload=ANNEX_1091)
    if not outcome.ok:
        raise ValueError("; ".join(map(str, outcome.errors)))


def _entries(codes: list[str], agencies: dict) -> list:
    groups = {group.code: group for group in AgencyGroup.objects.all()}
    return [groups[code] if code in groups else agencies[code] for code in codes]


def live_tasks(today: datetime.date) -> list[tuple]:
    """Work still to do in the coming months, so the demo can show a task in time and a request for more time.

    Dated from ``today``: one task due at the end of the next quarter (under way since the province's merger, so it
    has reports), one due at the end of the next half-year, and one due in two months. None starts before
    :data:`PROVINCE_MERGED` (``_department_tasks``), so each is led by an agency of that day (Sở KH&CN, which took
    over Sở TT&TT's work on 01/03/2025), not by one that had ceased.
    """
    quarter = (today.month - 1) // 3 + 1  # this quarter; the next one ends on the last day of its third month
    year, last_month = (today.year + 1, 3) if quarter == 4 else (today.year, quarter * 3 + 3)
    quarter_end = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1) - datetime.timedelta(days=1)
    half = f"6 tháng đầu năm {today.year + 1}" if today.month > 6 else f"6 tháng cuối năm {today.year}"
    month = today.month + 2
    in_two_months = f"Tháng {(month - 1) % 12 + 1}/{today.year + (month > 12)}"
    return [
        (
            "Hoàn thiện nền tảng tích hợp, chia sẻ dữ liệu (LGSP) của tỉnh sau hợp nhất, kết nối với cơ sở dữ liệu của các xã, phường mới.",
            ["SKHCN"],
            ["SNV"],
            f"Trước ngày {quarter_end.day}/{quarter_end.month}/{quarter_end.year}",
        ),
        ("Đánh giá mức độ chuyển đổi số cấp xã (DTI cấp xã) năm " + str(today.year) + ".", ["SKHCN"], [], half),
        ("Cập nhật danh mục dịch vụ công trực tuyến toàn trình sau sắp xếp đơn vị hành chính.", ["SKHCN"], ["SNV"], in_two_months),
    ]


def _department_tasks(plan: Plan, agencies: dict, today: datetime.date) -> list[Task]:
    tasks, number = [], 0
    sections = [*content.SECTIONS, (content.LIVE_SECTION[0], content.LIVE_SECTION[1], live_tasks(today))]
    for position, (section_number, section_title, bullets) in enumerate(sections, start=1):
        section = Section.objects.filter(plan=plan, number=section_number).first() or Section(plan=plan, number=section_number)
        section.title, section.position = section_title, position
        section.full_clean()
        section.save()
        for title, leads, cooperating, timeframe_text in bullets:
            number += 1
            timeframe = parse_timeframe(timeframe_text, plan_start=plan.starts_on)
            task = Task.objects.filter(plan=plan, number=str(number)).first() or Task(plan=plan, number=str(number))
            task.section, task.position, task.title = section, number, title
            task.timeframe, task.start_date, task.due_date = timeframe.text, timeframe.start, timeframe.due
            if section_number == content.LIVE_SECTION[0] and task.start_date and task.start_date < PROVINCE_MERGED:
                task.start_date = PROVINCE_MERGED  # "Trước ngày …" starts with the plan; this work began with the merger
            task.recurrence = timeframe.recurrence
            task.full_clean()
            task.save()
            task_assignments_set(task=task, leads=_entries(leads, agencies), cooperating=_entries(cooperating, agencies))
            tasks.append(task)
    return tasks


# Extensions (gia hạn): (task number, asked on, date asked for, date approved).
EXTENSIONS = [
    ("4", datetime.date(2018, 12, 14), datetime.date(2019, 3, 31), datetime.date(2019, 3, 31)),
    ("8", datetime.date(2020, 12, 1), datetime.date(2021, 6, 30), datetime.date(2021, 3, 31)),
]
# Days the Government announced beyond the fixed holidays: the Tết 2026 break (Bộ Nội vụ), nine days.
ANNOUNCED_DAYS_OFF = [(datetime.date(2026, 2, 14) + datetime.timedelta(days=n), "Nghỉ Tết Nguyên Đán Bính Ngọ") for n in range(9)]


def _extensions(tasks: list[Task], users: dict[str, User]) -> None:
    """Requests for more time, approved (one as asked, one shortened) by whoever decides on them."""

    by_number = {task.number: task for task in tasks}
    for number, asked_on, asked_for, approved in EXTENSIONS:
        task = by_number[number]
        if task.extensions.exists():
            continue
        lead = task.assignments.filter(role=AssignmentRole.LEAD).select_related("agency").first().agency
        head = User.objects.get(username=f"truongdonvi.{lead.code.lower()}")
        reason = "Chờ bố trí kinh phí và hoàn thiện hồ sơ kỹ thuật; đề nghị gia hạn để bảo đảm chất lượng sản phẩm."
        extension = extension_request(task=task, by=head, requested_due=asked_for, reason=reason, at=_at(asked_on, 9, timezone.now()))
        decider = next(user for user in (users["coordinator"], users["leadership"]) if tasks_policy.may_decide_extension(user, extension))
        extension_decide(
            extension=extension,
            by=decider,
            approve=True,
            approved_due=approved,
            comment="Đồng ý gia hạn." if approved == asked_for else "Đồng ý gia hạn, rút ngắn để kịp tổng kết năm.",
            at=_at(asked_on + datetime.timedelta(days=3), 15, timezone.now()),
        )


def _announced_days() -> None:
    for day, name in ANNOUNCED_DAYS_OFF:
        CalendarDay.objects.get_or_create(day=day, defaults={"name": name})
    calendar_edit_done()  # as the admin's table does: tasks due on those days are judged again


def _summaries(plan: Plan, users: dict[str, User], today: datetime.date) -> None:
    """The 2018 annual summary, issued and signed (``demo_signing``: the public list and the document check show it);
    the summary of the half-year just closed, as a draft."""

    annual = period_of(PeriodKind.YEAR, 2018, deadline_day=plan.report_deadline_day)
    summary = summary_compile(plan=plan, period=annual, by=users["coordinator"])
    if not summary.is_frozen:
        summary = summary_submit(summary=summary, by=users["coordinator"])  # trình ký, then issued by leadership
        summary = summary_issue(summary=summary, number="15", by=users["leadership"])
    demo_summary_sign(summary=summary, by=users["leadership"])
    summary_compile(
        plan=plan,
        period=last_closed_period(kind=PeriodKind.HALF_YEAR, today=today, deadline_day=plan.report_deadline_day),
        by=users["coordinator"],
    )


def _people_refresh() -> None:
    """The demo accounts' names and titles as ``content.USERS`` gives them (their agency stays where the decisions moved it)."""
    for username, full_name, job_title, _role, _agency_code in content.USERS:
        User.objects.filter(username=username).exclude(full_name=full_name, job_title=job_title).update(
            full_name=full_name, job_title=job_title
        )


def _users(groups: dict, agencies: dict) -> dict[str, User]:
    users = {}
    for username, full_name, job_title, role, agency_code in content.USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(content.DEMO_PASSWORD)
        user.full_name, user.job_title = full_name, job_title
        user.email = f"{username}@vinhlong.gov.vn"
        user.agency = agencies.get(agency_code)
        user.is_staff = role in {"admin", "coordinator"}
        user.is_superuser = role == "admin"
        user.save()
        user.groups.set([groups[role]])
        # the first account of each of these roles by its role; the others (``daumoi.stc``) by username
        users[role if role in {"admin", "leadership", "coordinator"} and role not in users else username] = user
    return users


def _agency_accounts(tasks: list[Task], groups: dict) -> None:
    """An officer and a head (who cannot sign in) for each lead agency without demo accounts."""
    lead_agencies = Agency.objects.filter(assignments__task__in=tasks, assignments__role=AssignmentRole.LEAD).distinct()
    for agency in lead_agencies:
        for role, prefix in (("officer", "chuyenvien"), ("head", "truongdonvi")):
            username = f"{prefix}.{agency.code.lower()}"
            if User.objects.filter(agency=agency, groups=groups[role]).exists() or User.objects.filter(username=username).exists():
                continue  # (a ceased agency's accounts moved to its successor with their usernames)
            user = User(username=username, agency=agency, full_name=f"{TITLES[role]} {agency.short_name}")
            user.set_unusable_password()
            user.save()
            user.groups.set([groups[role]])


class _Timeline:
    """The moments of one report's story, in order: a step planned for a time not yet come is moved before
    ``now``, and never before the step it follows (a report was returned at 15:20 "before" its draft at 16:20)."""

    GAP = datetime.timedelta(minutes=20)

    def __init__(self, now: datetime.datetime):
        self.now, self.last = now, None

    def moment(self, planned: datetime.datetime) -> datetime.datetime:
        moment = min(planned, self.now - datetime.timedelta(hours=3))
        if self.last is not None:
            moment = max(moment, self.last + self.GAP)
        self.last = moment
        return moment

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return self.moment(datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ))


def _at(day: datetime.date, hour: int, now: datetime.datetime) -> datetime.datetime:
    return min(datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ), now - datetime.timedelta(hours=1))


def _reports(tasks: list[Task], users: dict[str, User], today: datetime.date, *, until: datetime.date | None = None) -> None:
    """Half-yearly reports from 2017 on: one-off tasks until done, ongoing tasks to this day.

    Each agency reports for the periods it owes (``reports.compliance.obligation``): those whose
    cut-off falls while it exists and holds the task, so a period straddling a reorganisation is
    the successor's. ``until``: only the periods ending before that day.
    """
    now = timezone.now()
    officers = {user.agency_id: user for user in User.objects.filter(username__startswith="chuyenvien.").order_by("username")}
    heads = {user.agency_id: user for user in User.objects.filter(username__startswith="truongdonvi.").order_by("username")}
    for task in tasks:
        final, completed_on = OUTCOMES[task.number]
        leads = list(task.assignments.filter(role=AssignmentRole.LEAD).select_related("agency").order_by("agency__code"))
        for index, assignment in enumerate(leads):
            done_on = completed_on if final != "mixed" or index % 2 == 0 else None
            target = 100 if done_on else (final if isinstance(final, int) else 55 + 5 * index)
            # an unfinished one-off task still due reports to this day; those past due stopped with the plan's period
            ongoing = task.recurrence != Recurrence.NONE or (task.due_date and task.due_date >= today)
            last_day = done_on or (today if ongoing else datetime.date(2020, 12, 31))
            periods = periods_between(PeriodKind.HALF_YEAR, task.start_date, last_day)
            for step, period in enumerate(periods, start=1):
                if (until and period.last_day >= until) or not _owes(assignment, period):
                    continue
                is_current = period.first_day <= today <= period.last_day
                progress = 100 if (done_on and step == len(periods)) else min(95, round(target * step / len(periods)))
                if task.recurrence != Recurrence.NONE:
                    progress = min(95, 20 + 10 * step)
                year_done = YEARLY_DONE.get(task.number, {}).get(period.year) if period.number == 2 else None
                if year_done:
                    progress = 100
                _report(
                    task,
                    assignment.agency,
                    period,
                    progress,
                    year_done or (done_on if step == len(periods) else None),
                    step,
                    is_current,
                    users,
                    officers,
                    heads,
                    now,
                )
        task_progress_refresh(task=task)


def _owes(assignment: TaskAssignment, period) -> bool:
    """Does the agency owe this period's report on this task (the compliance rule itself, one query)?"""
    return TaskAssignment.objects.filter(pk=assignment.pk).filter(obligation({assignment.task.plan_id: period})).exists()


def _reviewer(report: Report, users: dict[str, User]) -> User:
    """The demo account who reviews ``report`` now: its plan's coordinator, or leadership for that agency's own reports."""
    reviewers = [user for user in users.values() if policy.role_of(user) in {Role.COORDINATOR, Role.LEADERSHIP}]
    for user in reviewers:
        if WorkflowAction.ACCEPT in reports_policy.report_actions(user, report):
            return user
    raise ValueError(f"No demo account may review the report of {report.agency} on task {report.task.number} ({report.period}).")


def _report(task, agency, period, progress, done_on, step, is_current, users, officers, heads, now) -> None:
    row = reporting_period_get_or_create(period=period)
    if Report.objects.filter(task=task, agency=agency, period=row).exists():
        return
    # one report of each demo account's agency comes back this period, whatever the row ids
    comes_back = (
        is_current and agency.code in RETURNED_NOW and not Report.objects.filter(agency=agency, state=ReportState.RETURNED).exists()
    )
    if is_current and not comes_back and (agency.pk + task.pk) % 3 == 0:
        return  # some agencies have not reported yet this period
    deadline = period.deadline
    officer, head = officers[agency.pk], heads[agency.pk]
    clock = _Timeline(now)
    created = clock.at(deadline - datetime.timedelta(days=8), 9)
    report = report_save(
        task=task,
        agency=agency,
        period=row,
        by=officer,
        version=None,
        at=created,
        data={
            "progress": progress,
            "work_state": WorkState.COMPLETED if done_on else WorkState.IN_PROGRESS,
            "completed_on": done_on,
            "results": f"Trong kỳ {period.label}, đơn vị đã triển khai các nội dung của nhiệm vụ; tiến độ đạt {progress}%.",
            "difficulties": "Kinh phí thực hiện còn hạn chế; nguồn nhân lực chuyên trách công nghệ thông tin còn thiếu."
            if step % 2
            else "",
            "proposals": "Đề nghị UBND tỉnh bố trí kinh phí thực hiện trong năm tiếp theo." if step % 3 == 0 else "",
        },
    )
    if is_current and not comes_back and (agency.pk + task.pk) % 3 == 1:
        return  # still a draft
    report_transition(
        notify=False,
        report=report,
        action=WorkflowAction.SEND_FOR_APPROVAL,
        by=officer,
        at=clock.at(deadline - datetime.timedelta(days=5), 10),
    )
    late = (agency.pk * 7 + step) % 9 == 0
    submit_day = deadline + datetime.timedelta(days=4) if late else deadline - datetime.timedelta(days=2)
    report = report_transition(notify=False, report=report, action=WorkflowAction.SUBMIT, by=head, at=clock.at(submit_day, 15))
    reviewer = _reviewer(report, users)
    if is_current:
        if comes_back:
            report_transition(  # one report per demo agency waits for its fix, with the reviewer's reason
                notify=False,
                report=report,
                action=WorkflowAction.RETURN,
                by=reviewer,
                comment=RETURN_REASON,
                at=clock.moment(now - datetime.timedelta(hours=2)),
            )
        return  # awaiting the coordinator
    if (task.pk + step) % 7 == 0:
        report_transition(
            notify=False,
            report=report,
            action=WorkflowAction.RETURN,
            by=reviewer,
            comment="Đề nghị bổ sung số liệu cụ thể về kết quả đạt được.",
            at=clock.at(submit_day + datetime.timedelta(days=2), 9),
        )
        report_transition(
            notify=False, report=report, action=WorkflowAction.SUBMIT, by=head, at=clock.at(submit_day + datetime.timedelta(days=4), 14)
        )
    accepted = report_transition(
        notify=False, report=report, action=WorkflowAction.ACCEPT, by=reviewer, at=clock.at(submit_day + datetime.timedelta(days=6), 10)
    )
    assert accepted.state == ReportState.ACCEPTED
