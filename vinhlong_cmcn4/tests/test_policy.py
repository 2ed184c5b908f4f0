import pytest

from plans import policy
from plans.choices import PlanState, Role
from plans.models import Plan
from plans.policy import ANONYMOUS, CHANGE, VIEW, can, restrict, role_of
from plans.tests.factories import PlanFactory
from reports.models import Report
from reports.tests.factories import ReportFactory
from tasks.choices import AssignmentRole
from tasks.models import Task
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency_a, agency_b):
    published = PlanFactory()
    draft = PlanFactory(state=PlanState.DRAFT, is_published=False)
    task_a = TaskFactory(plan=published)
    task_b = TaskFactory(plan=published)
    draft_task = TaskFactory(plan=draft)
    TaskAssignmentFactory(task=task_a, agency=agency_a)
    TaskAssignmentFactory(task=task_b, agency=agency_b)
    TaskAssignmentFactory(task=draft_task, agency=agency_a, role=AssignmentRole.COOPERATING)
    report_a = ReportFactory(task=task_a, agency=agency_a)
    report_b = ReportFactory(task=task_b, agency=agency_b)
    return {
        "published": published,
        "draft": draft,
        "task_a": task_a,
        "task_b": task_b,
        "draft_task": draft_task,
        "report_a": report_a,
        "report_b": report_b,
    }


def test_each_user_has_the_role_of_their_group(officer_a, head_a, coordinator, leader, sysadmin):
    assert [role_of(u) for u in (officer_a, head_a, coordinator, leader, sysadmin)] == [
        Role.OFFICER,
        Role.HEAD,
        Role.COORDINATOR,
        Role.LEADERSHIP,
        Role.ADMIN,
    ]
    assert role_of(ANONYMOUS) is None


def test_an_agency_role_without_an_agency_sees_no_agency_work(roles):
    from plans.tests.factories import UserFactory

    user = UserFactory()
    user.groups.set([roles[Role.OFFICER]])
    assert role_of(user) is None


def report_by_id(*, report: int):
    return Report.objects.filter(pk=report).order_by()


@pytest.mark.parametrize("action", [VIEW, CHANGE])
def test_a_row_found_by_a_statement_made_once_per_role_is_the_row_restrict_gives_each_user(
    world, action, officer_a, officer_b, head_a, coordinator, leader, sysadmin
):
    """policy.restricted_objects keeps one statement per role, an agency's id a slot of it: whoever asked first, each user
    of each agency finds exactly the reports restrict() gives them (an officer of B never A's by A's statement)."""
    from core import compiled

    compiled.compiled_forget()
    users = [officer_a, officer_b, head_a, coordinator, leader, sysadmin, ANONYMOUS]
    for user in users + users[::-1]:  # each role's statement made by one user, then read by the others
        for report in (world["report_a"], world["report_b"]):
            found = policy.restricted_objects(report_by_id, user, action=action, report=report.pk)
            assert found == list(restrict(Report.objects.filter(pk=report.pk), user, action)), (user, report.agency)
    assert policy.restricted_objects(report_by_id, officer_b, report=world["report_a"].pk) == []
    with pytest.raises(ValueError, match="module-level"):
        policy.restricted_objects(lambda *, report: report_by_id(report=report), officer_a, report=1)


def reports_of_agency(*, agency: int):
    return Report.objects.filter(agency=agency).order_by("pk")


def test_a_slot_named_agency_is_the_callers_not_the_users(world, officer_a, head_a, coordinator, leader, sysadmin):
    """policy.restricted_objects put the user's agency in a slot named ``agency``: a caller's own slot of that name was
    replaced by it (an officer of A asking for B's reports was given A's own) or taken from the build (a coordinator's
    statement was built without it: a TypeError)."""
    from core import compiled

    compiled.compiled_forget()
    for user in (officer_a, head_a, coordinator, leader, sysadmin, ANONYMOUS):
        for report in (world["report_a"], world["report_b"]):
            found = policy.restricted_objects(reports_of_agency, user, agency=report.agency_id)
            assert found == list(restrict(reports_of_agency(agency=report.agency_id), user)), (user, report.agency)


def test_public_sees_published_plans_and_their_tasks_only(world):
    assert set(restrict(Plan.objects.all(), ANONYMOUS)) == {world["published"]}
    assert set(restrict(Task.objects.all(), ANONYMOUS)) == {world["task_a"], world["task_b"]}
    assert not restrict(Report.objects.all(), ANONYMOUS).exists()


def test_officer_sees_only_their_agencys_tasks_and_reports(world, officer_a):
    assert set(restrict(Task.objects.all(), officer_a)) == {world["task_a"], world["draft_task"]}
    assert set(restrict(Report.objects.all(), officer_a)) == {world["report_a"]}
    assert not can(officer_a, VIEW, world["report_b"])
    assert can(officer_a, CHANGE, world["report_a"])
    assert not can(officer_a, CHANGE, world["report_b"])


def test_officer_sees_a_draft_plan_only_where_their_agency_has_work(world, officer_a, officer_b):
    assert world["draft"] in restrict(Plan.objects.all(), officer_a)
    assert world["draft"] not in restrict(Plan.objects.all(), officer_b)
    assert restrict(Plan.objects.all(), officer_a).count() == 2  # no duplicate rows


def test_leadership_reads_everything_and_changes_nothing(world, leader):
    assert restrict(Report.objects.all(), leader).count() == 2
    assert restrict(Task.objects.all(), leader).count() == 3
    assert not can(leader, CHANGE, world["report_a"])
    assert not can(leader, CHANGE, world["published"])


def test_coordinator_reads_every_agencys_reports_but_does_not_edit_plans(world, coordinator):
    assert restrict(Report.objects.all(), coordinator).count() == 2
    assert not can(coordinator, CHANGE, world["published"])


def test_admin_changes_everything(world, sysadmin):
    assert can(sysadmin, CHANGE, world["published"])
    assert can(sysadmin, CHANGE, world["report_b"])


def test_a_model_without_a_rule_shows_nothing(sysadmin):
    from django.contrib.auth.models import Group

    assert not restrict(Group.objects.all(), sysadmin).exists()


def test_inactive_users_have_no_role(officer_a):
    officer_a.is_active = False
    assert policy.role_of(officer_a) is None


@pytest.mark.parametrize("who", ["officer_a", "head_a", "coordinator", "leader", "sysadmin"])
def test_the_menu_offers_exactly_the_pages_the_policy_opens(client, request, who):
    from django.urls import reverse

    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    links = {
        policy.AGENCY_WORK: reverse("reports:agency_tasks"),
        policy.OVERSIGHT: reverse("reports:dashboard"),
        policy.REVIEW: reverse("reports:inbox"),
        policy.ADMIN_SITE: reverse("admin:index"),
    }
    for kind, url in links.items():
        assert (f'href="{url}"' in page) == policy.may_open(user, kind), (who, kind)
        refused = 302 if kind == policy.ADMIN_SITE else 403  # the admin sends others to its login page
        assert client.get(url).status_code == (200 if policy.may_open(user, kind) else refused), (who, kind)
