import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from plans import policy
from plans.choices import Role
from plans.models import Agency, AgencyGroup, Plan, ReorganisationDecision, Section, User, UserMove
from reports import policy as reports_policy
from reports.models import Report, ReportEvent, Summary
from reports.periods import period_due, period_of
from reports.reorganisation.selectors import waiting_for_reassignment
from reports.reorganisation.services import leftover_parts_hand_on
from reports.services import report_save, report_transition, reporting_period_get_or_create
from tasks.choices import AssignmentRole, TaskStatus
from tasks.models import Task, TaskAssignment
from tasks.selectors import open_work_q

pytestmark = pytest.mark.django_db

MODELS = (Agency, AgencyGroup, Plan, Section, Task, TaskAssignment, User, Report, ReportEvent)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        f"{model.__name__} history": model.history.count() for model in (Task, Report)
    }


def test_seed_demo_loads_everything_and_twice_leaves_the_same_rows(settings, capsys):
    settings.DEBUG = True  # pytest-django turns it off; the seed refuses to run without it
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Subject:" not in out.getvalue() + capsys.readouterr().out  # the demo's notices are not printed
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first  # history tables included: a save that changes nothing writes no history

    # the registry and its groups
    # the 2017 registry and Sở Nông nghiệp và Môi trường, founded on 01/03/2025; the 124 commune and ward committees of 01/07/2025
    assert Agency.objects.exclude(kind="xa").count() == 33
    assert Agency.objects.filter(kind="xa").count() == 124
    departments = AgencyGroup.objects.get(code="SBN")
    # 22 departments in 2017; from 01/03/2025 the six merged ones left and Sở NN&MT joined with the merger
    assert departments.members.count() == 23
    assert departments.members_on(datetime.date(2025, 2, 28)).count() == 22
    assert departments.members_on(datetime.date(2025, 3, 1)).count() == 17
    assert not AgencyGroup.objects.get(code="HUYEN").members_on(datetime.date(2025, 7, 1)).exists()
    # the plans, and the department plan with its five sections and twelve bullet tasks
    assert set(Plan.objects.values_list("symbol", flat=True)) >= {"1091/KH-UBND", "28/KH-UBND"}
    department = Plan.objects.get(parent__symbol="28/KH-UBND")
    assert list(department.sections.values_list("number", flat=True)) == ["1", "2", "3", "4", "5", "6"]
    assert department.tasks.count() == 15  # twelve bullets of the seed text and three tasks due in the coming months
    assert department.directives.get().symbol == "16/CT-TTg"
    # a group as lead makes every district a lead
    leads = TaskAssignment.objects.filter(task__plan=department, task__number="5", role=AssignmentRole.LEAD)
    assert leads.count() == 8
    assert all(a.via_group.code == "HUYEN" for a in leads)
    # one demo user per role, with the documented password
    for username in ("quantri", "lanhdao", "daumoi", "truongdonvi.stttt", "chuyenvien.stttt", "chuyenvien.skhcn"):
        assert User.objects.get(username=username).check_password("Demo@2017")
    assert User.objects.get(username="chuyenvien.skhcn").agency.code == "SKHCN"
    # the province of today: the 2025 decisions applied, accounts moved with their usernames
    assert ReorganisationDecision.objects.filter(applied_at__isnull=False).count() == 2
    assert User.objects.get(username="daumoi").agency.code == "SKHCN"
    assert User.objects.get(username="chuyenvien.stttt").agency.code == "SKHCN"
    assert not Agency.objects.get(code="STTTT").is_active
    assert TaskAssignment.objects.filter(agency__code="SKHCN", inherited_from__code="STTTT", task__completed_on__isnull=True).exists()
    assert Report.objects.filter(agency__code="SKHCN", task__assignments__inherited_from__code="STTTT").exists()
    assert not Report.objects.filter(agency__code="STTTT", period__first_day__gte=datetime.date(2025, 3, 1)).exists()
    # Open work (a yearly task done in 2024 included) has no part, lead or cooperating, left with an agency merged away:
    # 125/KH-SKHCN #2 lists Sở KH&CN, not Sở TT&TT (issue 25); the daily upkeep finds nothing left to hand on.
    left = TaskAssignment.objects.filter(open_work_q("task__"), agency__active_to__isnull=False, agency__successor_links__main=True)
    assert not left.exists(), list(left.values_list("task__plan__symbol", "task__number", "agency__code", "role"))
    yearly = Task.objects.get(plan__symbol="125/KH-SKHCN", number="2")
    assert set(yearly.assignments.values_list("agency__code", flat=True)) == {"SKHCN", "HHDN"}
    assert leftover_parts_hand_on() == 0
    assert waiting_for_reassignment().exists()
    assert TaskAssignment.objects.filter(agency__code="SNV", inherited_from__kind="huyen").count() == 2
    assert Summary.objects.filter(period__kind="year", period__year=2018, state="issued").exists()
    # reports filed through the workflow feed the tasks' progress
    assert Report.objects.filter(state="accepted").count() > 100
    assert ReportEvent.objects.filter(action="return").exists()
    assert Task.objects.filter(progress=100, completed_on__isnull=False).exists()
    # the issued summary is signed: a name under the signature block (settings' demo value)
    from docx import Document

    issued = Summary.objects.get(state="issued")
    signature = Document(issued.document.open("rb")).tables[1].cell(0, 1).paragraphs
    assert signature[-1].text == settings.SUMMARY_SIGNER != ""

    # an approved extension: the task keeps both dates and is judged by the new one
    task = Task.objects.get(plan=department, number="4")
    assert (task.due_date, task.extended_due_date) == (datetime.date(2018, 12, 31), datetime.date(2019, 3, 31))
    assert task.status(datetime.date(2026, 1, 1)) == TaskStatus.DONE_ON_TIME
    # a report waiting for its fix, with the reviewer's reason, for each demo account's agency
    for code in ("SKHCN",):  # since 01/03/2025 both demo agencies' accounts work for Sở KH&CN
        returned = Report.objects.get(agency__code=code, state="returned")
        assert returned.events.filter(action="return").exclude(comment="").exists()
    # the Tết break announced for 2026 moves a deadline, and says so
    assert period_of("month", 2026, 2).deadline_note == "(lùi do nghỉ Tết)"
    # a due date on a Saturday (30/06/2018) is judged by the next working day, the plan's date kept
    task = Task.objects.get(plan=department, number="7")
    assert (task.due_date, task.effective_due_date) == (datetime.date(2018, 6, 30), datetime.date(2018, 7, 2))
    assert task.due_date_moved == (datetime.date(2018, 7, 2), "(lùi do ngày nghỉ cuối tuần)")
    # a yearly task judged year by year: done each year to 2024, last year (2025) left undone
    from reports.views.dashboard import recurring_judgements

    yearly = Task.objects.get(plan=department, number="2")
    years = {y.year: y.status for y in recurring_judgements(yearly, datetime.date(2026, 6, 1))["years"]}
    assert years[2024] == TaskStatus.DONE_ON_TIME and years[2025] == TaskStatus.OVERDUE and years[2026] == TaskStatus.IN_PROGRESS
    assert yearly.status(datetime.date(2026, 6, 1)) == TaskStatus.IN_PROGRESS  # the current year drives the lists

    # a period whose cut-off comes after an agency ended is its successor's, never the ceased agency's (2025-H1)
    ceased = Report.objects.filter(agency__active_to__isnull=False, period__last_day__gte=F("agency__active_to"))
    assert not ceased.exists(), list(ceased.values_list("agency__code", "period__year", "period__number"))
    assert Report.objects.filter(agency__code="STC", task__assignments__inherited_from__code="SKHDT", period__year=2025).exists()
    # every review was taken by someone allowed to on that day: never by a coordinator of the report's own agency
    moves = UserMove.objects.select_related("change__decision").order_by("change__decision__effective_on")
    for event in ReportEvent.objects.filter(action__in=("accept", "return")).select_related("actor", "report"):
        day = timezone.localtime(event.at).date()
        earlier = [m.from_agency_id for m in moves if m.user_id == event.actor_id and day < m.change.decision.effective_on]
        agency_then = earlier[0] if earlier else event.actor.agency_id  # the agency the account worked for on that day
        assert policy.role_of(event.actor) == Role.LEADERSHIP or agency_then != event.report.agency_id, (event.pk, event.actor.username)
    assert not (
        ReportEvent.objects.filter(
            action__in=("accept", "return"), actor__agency=F("report__agency"), at__gte=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
        )
        .exclude(actor__username="lanhdao")
        .exists()
    )

    # a 1091 report of Sở KH&CN, submitted: a demo account (Sở Tài chính's coordinator, as 1091's coordinator) may accept it
    assert Plan.objects.get(symbol="1091/KH-UBND").coordinator.code == "STC"
    task = Task.objects.filter(plan__symbol="1091/KH-UBND", assignments__agency__code="SKHCN", assignments__role="lead").first()
    officer, head = User.objects.get(username="chuyenvien.skhcn"), User.objects.get(username="truongdonvi.skhcn")
    period = reporting_period_get_or_create(period=period_due(timezone.localdate(), "half_year"))
    report = Report.objects.filter(task=task, agency=officer.agency, period=period).first() or report_save(
        task=task,
        agency=officer.agency,
        period=period,
        by=officer,
        version=None,
        data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai."},
    )
    if report.state in ("draft", "returned"):
        report = report_transition(report=report, action="send_for_approval", by=officer, notify=False)
    if report.state != "submitted":
        report = report_transition(report=report, action="submit", by=head, notify=False)
    reviewers = [
        user
        for user in User.objects.order_by("username")
        if user.has_usable_password() and "accept" in reports_policy.report_actions(user, report)
    ]
    assert [user.username for user in reviewers] == ["daumoi.stc"]
    assert reports_policy.reviewable(Report.objects.filter(pk=report.pk), reviewers[0]).exists()


def test_seed_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_the_demo_tells_each_reports_story_in_time_order_and_has_work_due_in_the_coming_months(settings):
    # Walk: report 148 was "returned 15:20" before its "draft created 16:20"; every dated demo task was past due.
    from tasks.extensions import may_be_extended

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    for report in Report.objects.prefetch_related("events"):
        moments = [event.at for event in report.events.order_by("id")]  # the order the steps were taken
        assert moments[0] == report.created_at
        assert moments == sorted(moments), (report.pk, moments)
        assert moments[-1] < now
    today = timezone.localdate()
    coming = Task.objects.filter(due_date__gt=today, due_date__lte=today + datetime.timedelta(days=7 * 31))
    assert coming.count() >= 3
    assert any(may_be_extended(task) for task in coming)
    assert Report.objects.filter(task__in=coming).exists()  # one has been under way since the plan began


def test_the_demos_work_after_the_provinces_merger_is_reported_from_its_own_start_not_from_2017(settings):
    # Walk (hwalk5): the LGSP task "của tỉnh sau hợp nhất" (the province of 01/07/2025) showed reports since 2017:
    # "Trước ngày …" starts with the plan, and the demo gave that start to work that only began with the merger.
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    lgsp = Task.objects.get(title__contains="LGSP")
    assert lgsp.start_date >= datetime.date(2025, 7, 1)
    reports = Report.objects.filter(task=lgsp).select_related("period")
    assert reports.exists()  # under way: reported since it began, up to the period due now
    assert all(report.period.last_day >= lgsp.start_date for report in reports)
    # and it is led by an agency of its day, not "Sở Thông tin và Truyền thông (nay là …)", ceased on 01/03/2025
    assert all(a.agency.active_to is None and a.inherited_from_id is None for a in lgsp.assignments.select_related("agency"))


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="the issued PDF is made by LibreOffice")
def test_the_demo_publishes_one_signed_summary_that_the_public_list_shows_and_the_check_recognises(settings, client):
    # Walk (hwalk5): "Báo cáo tổng hợp đã ban hành" was empty in the demo (the 2018 summary was issued, never signed),
    # and the document check had nothing real to recognise.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.DEBUG = True
    settings.SUMMARY_PDF_SOFFICE = __import__("shutil").which("soffice")
    call_command("seed_demo", stdout=StringIO())
    summary = Summary.objects.exclude(signed_pdf="").get()
    assert (summary.plan.symbol, summary.period.year) == ("28/KH-UBND", 2018)
    page = client.get(reverse("reports:public_summaries")).content.decode()
    assert "15/BC-UBND" in page or f"/bao-cao-tong-hop/{summary.pk}/van-ban.pdf" in page
    with summary.signed_pdf.open("rb") as handle:
        signed = handle.read()
    checked = client.post(reverse("verify"), {"file": SimpleUploadedFile("bao-cao.pdf", signed, "application/pdf")})
    assert checked.context["summary"] == summary and checked.context["signed"]
