import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from plans.models import Agency, AgencyGroup, Plan, ReorganisationDecision, Section, User
from reports.models import Report, ReportEvent, Summary
from reports.periods import period_of
from reports.reorganisation.selectors import waiting_for_reassignment
from tasks.choices import AssignmentRole, TaskStatus
from tasks.models import Task, TaskAssignment

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
    assert Agency.objects.count() == 33  # the 2017 registry and Sở Nông nghiệp và Môi trường, founded on 01/03/2025
    assert AgencyGroup.objects.get(code="SBN").members.count() == 22
    # the plans, and the department plan with its five sections and twelve bullet tasks
    assert set(Plan.objects.values_list("symbol", flat=True)) >= {"1091/KH-UBND", "28/KH-UBND"}
    department = Plan.objects.get(parent__symbol="28/KH-UBND")
    assert list(department.sections.values_list("number", flat=True)) == ["1", "2", "3", "4", "5"]
    assert department.tasks.count() == 12
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


def test_seed_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
