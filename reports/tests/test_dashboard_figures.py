"""The dashboard's stored figures and its cache stay true after every workflow step.

Stored: the trend points and the late-report counts (``reports.figures``) and the kept counts of lead
parts (``tasks.kept``), written in the step's transaction. Cached: the whole dashboard (``core.shared_figures``), cleared when the step
commits. After each step the stored figures equal the ones counted from the reports, and the
dashboard a leader reads next equals the one computed from the data.
"""

import datetime
import os
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from plans.choices import ChangeKind, PlanState
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.compliance import late_count_moved
from reports.dashboard import dashboard
from reports.figures import _sums, late_counts_rebuild, late_sums
from reports.models import LateReportCount, Report, TrendPoint
from reports.periods import parse_period_code
from reports.reorganisation.services import decision_apply, decision_undo
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.withdrawal import report_withdraw
from reports.tests.helpers import assert_kept_figures_true, report_accept
from tasks.choices import AssignmentRole
from tasks.extensions import extension_decide, extension_request
from tasks.importing.service import annex_import
from tasks.services import task_assignments_set
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory
from tasks.tests.importing.annexes import build as annex

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)
LATE = datetime.datetime(2019, 3, 1, 3, tzinfo=datetime.UTC)  # long after the 2018-H2 deadline
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã triển khai theo kế hoạch"}


def digest(board) -> dict:
    """What a leader reads on the dashboard, as plain values."""
    return {
        "plans": [(plan.pk, plan.counts, plan.overall_progress) for plan in board.plans],
        "sections": board.sections,
        "agencies": [{key: value for key, value in row.items() if key != "agency"} for row in board.agencies],
        "trend": [(point["period"].code, point["progress"], point["overdue"]) for point in board.trend],
        "totals": board.totals,
    }


def assert_figures_true() -> None:
    """Stored figures equal the recounted ones; the dashboard read next equals the one computed afresh."""
    stored = {(row.plan_id, row.agency_id): row.reports for row in LateReportCount.objects.exclude(agency=None) if row.reports}
    plan_ids = set(LateReportCount.objects.values_list("plan_id", flat=True))
    assert stored == late_sums(plan_ids=plan_ids)
    points = {(p.plan_id, p.period_id): (p.reports, p.progress_sum) for p in TrendPoint.objects.all()}
    counted = _sums(plan_ids={plan for plan, _ in points}, period_ids={period for _, period in points})
    assert points == {key: counted.get(key, (0, 0)) for key in points}
    shown = digest(dashboard(today=TODAY))
    cache.clear()
    assert shown == digest(dashboard(today=TODAY))
    assert_kept_figures_true(days=(datetime.date(2018, 12, 31), TODAY, datetime.date(2031, 1, 2)))


@pytest.fixture
def sent_late(world, agency_a, officer_a, head_a):
    """Agency A sent its 2018-H2 report on task 1 late; the dashboard was read (and cached) since."""
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=LATE)
    assert report.is_late
    return report


def _draft_b(world, agency_b, officer_b):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    return report_save(task=world.other_task, agency=agency_b, period=period, by=officer_b, data=DATA, version=None)


def _merge_b(agency_b, effective_on):
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=effective_on)
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=agency_b, target=AgencyFactory(code="SMOI"))
    return decision


STEPS = {
    "save draft": lambda f: _draft_b(f["world"], f["agency_b"], f["officer_b"]),
    "send for approval": lambda f: report_transition(
        report=_draft_b(f["world"], f["agency_b"], f["officer_b"]), action="send_for_approval", by=f["officer_b"], notify=False
    ),
    "approve and send late": lambda f: report_transition(
        report=_draft_b(f["world"], f["agency_b"], f["officer_b"]), action="submit", by=f["head_b"], notify=False, at=LATE
    ),
    "accept": lambda f: report_transition(report=f["sent_late"], action="accept", by=f["coordinator"], notify=False),
    "return": lambda f: report_transition(report=f["sent_late"], action="return", by=f["coordinator"], comment="Bổ sung", notify=False),
    "recall": lambda f: report_transition(report=f["sent_late"], action="recall", by=f["head_a"], notify=False),
    "withdrawal": lambda f: report_withdraw(report=f["sent_late"], by=f["sysadmin"], reason="Gửi nhầm kỳ"),
    "extension approval": lambda f: extension_decide(
        extension=extension_request(task=f["world"].task, by=f["head_a"], requested_due=datetime.date(2031, 6, 30), reason="Chờ kinh phí"),
        by=f["coordinator"],
        approve=True,
    ),
    "task completion": lambda f: report_accept(
        task=f["world"].other_task,
        agency=f["agency_b"],
        period=reporting_period_get_or_create(period=parse_period_code("2019-H1")),
        officer=f["officer_b"],
        head=f["head_b"],
        coordinator=f["coordinator"],
        progress=100,
    ),
    "reorganisation apply": lambda f: decision_apply(decision=_merge_b(f["agency_b"], datetime.date(2099, 1, 1)), by=None),
    "reorganisation undo": lambda f: decision_undo(decision=f["applied"]),
    "reassignment": lambda f: task_assignments_set(task=f["world"].task, leads=[f["agency_b"]]),
    "annex import": lambda f: _imported(f["world"].plan, f["agency_b"]),
}


def _imported(plan, agency):
    """An annex naming agency B as the lead of a new task of the plan and of task 1 (led by A until now)."""
    rows = [
        ["I", "TUYÊN TRUYỀN"],
        [1, "Tuyên truyền về chuyển đổi số", agency.name, "", "2017 - 2030", "Tin bài", ""],
        [2, "Phát triển khoa học", agency.name, "", "2017 - 2030", "Đề tài", ""],
        [3, "Xây dựng nền tảng số", agency.name, "", "Năm 2018", "Nền tảng", ""],
    ]
    outcome = annex_import(plan=plan, upload=annex(rows))
    assert outcome.ok, outcome.errors


@pytest.mark.parametrize("step", list(STEPS))
def test_stored_and_cached_figures_equal_the_recomputed_ones_after_every_workflow_step(
    step, request, sent_late, django_capture_on_commit_callbacks
):
    names = ["world", "agency_a", "agency_b", "officer_b", "head_a", "head_b", "coordinator", "sysadmin"]
    fixtures = {name: request.getfixturevalue(name) for name in names} | {"sent_late": sent_late}
    if step == "reorganisation undo":
        with django_capture_on_commit_callbacks(execute=True):
            fixtures["applied"] = decision_apply(decision=_merge_b(fixtures["agency_b"], datetime.date(2099, 1, 1)), by=None) and (
                ReorganisationDecision.objects.get()
            )
    before = digest(dashboard(today=TODAY))  # read and cached: the step must clear it
    assert LateReportCount.objects.get(plan=fixtures["world"].plan, agency=fixtures["agency_a"]).reports == 1
    with django_capture_on_commit_callbacks(execute=True):
        STEPS[step](fixtures)
    assert_figures_true()
    if step in {
        "approve and send late",
        "return",
        "recall",
        "withdrawal",
        "task completion",
        "reorganisation apply",
        "reassignment",
        "annex import",
    }:
        assert digest(dashboard(today=TODAY)) != before  # the change shows on the next request


def test_a_report_sent_through_the_service_shows_on_the_next_dashboard_request(
    client, leader, world, agency_b, officer_b, head_b, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard"))
    row = next(row for row in page.context["agencies"] if row["agency_id"] == agency_b.pk)
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_save(task=world.other_task, agency=agency_b, period=period, by=officer_b, data=DATA, version=None)
        report_transition(report=report, action="submit", by=head_b, notify=False)
    again = client.get(reverse("reports:dashboard"))
    assert next(r for r in again.context["agencies"] if r["agency_id"] == agency_b.pk)["missing"] == row["missing"] - 1


def test_a_write_rolled_back_or_not_yet_committed_keeps_the_cached_dashboard(
    world, agency_b, officer_b, django_capture_on_commit_callbacks
):
    first = dashboard(today=TODAY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Report.objects.update(progress=0)  # not through a service: nothing clears the cache
        _draft_b(world, agency_b, officer_b)
    assert callbacks == [] and dashboard(today=TODAY).totals == first.totals


def test_a_new_day_computes_the_dashboard_again(world):
    world.task.due_date = datetime.date(2026, 11, 26)  # a Thursday and no holiday: judged as written
    world.task.save()
    assert dashboard(today=datetime.date(2026, 11, 26)).totals["overdue"] == 0
    assert dashboard(today=datetime.date(2026, 11, 27)).totals["overdue"] == 1  # no write: the date alone moves it


def test_the_upkeep_rebuilds_late_counts_written_outside_the_workflow(sent_late, world, agency_a, django_capture_on_commit_callbacks):
    dashboard(today=TODAY)
    Report.objects.filter(pk=sent_late.pk).update(is_late=False)  # e.g. corrected by hand in the database
    with django_capture_on_commit_callbacks(execute=True):
        assert late_counts_rebuild() == 1
    assert not LateReportCount.objects.filter(agency=agency_a, reports__gt=0).exists()
    assert_figures_true()


def test_late_counts_are_computed_once_when_first_read_and_kept(sent_late, world, agency_a):
    LateReportCount.objects.all().delete()
    rows = {row["agency_id"]: row for row in dashboard(today=TODAY).agencies}
    assert rows[agency_a.pk]["late_reports"] == 1
    assert LateReportCount.objects.filter(plan=world.plan, agency=None).exists()  # the plan's counts are stored now
    assert LateReportCount.objects.get(plan=world.plan, agency=agency_a).reports == 1


# Parent and child plans: the roll-up of issue 13 on the dashboard.


@pytest.fixture
def plan_with_child(agency_a):
    """28/KH-UBND in force, carried out through 125/KH-SKHCN (in force too), whose tasks hold all the work."""
    parent = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=datetime.date(2017, 8, 23))
    child = PlanFactory(symbol="125/KH-SKHCN", parent=parent, reporting_kinds=["half_year"], starts_on=datetime.date(2017, 9, 1))
    section = SectionFactory(plan=child, number="1")
    for number, due in ((1, datetime.date(2018, 12, 31)), (2, datetime.date(2030, 12, 31))):
        task = TaskFactory(plan=child, section=section, number=str(number), progress=80, due_date=due, start_date=datetime.date(2018, 1, 1))
        TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    return parent, child


def test_a_parent_plan_counts_the_tasks_of_its_child_plans_once_and_links_to_them(client, leader, plan_with_child):
    parent, child = plan_with_child
    board = dashboard(today=TODAY)
    counts = {plan.symbol: plan.counts for plan in board.plans}
    assert counts["28/KH-UBND"]["total"] == 2 and counts["28/KH-UBND"]["overdue"] == 1 and counts["28/KH-UBND"]["in_progress"] == 1
    assert counts["125/KH-SKHCN"]["total"] == 2
    assert {plan.symbol: plan.overall_progress for plan in board.plans}["28/KH-UBND"] == 80
    assert board.totals["tasks"] == 2 and board.totals["overdue"] == 1  # each task once, though under both plans

    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    url = f"{reverse('reports:dashboard_tasks')}?family={parent.pk}&amp;status=overdue"
    assert url in page
    listing = client.get(reverse("reports:dashboard_tasks"), {"family": parent.pk, "status": "overdue"})
    assert listing.context["page"].paginator.count == 1
    totals = client.get(reverse("reports:dashboard_tasks"), {"in_force": "family"})
    assert totals.context["page"].paginator.count == board.totals["tasks"]


def test_a_parent_plan_in_force_counts_a_child_plan_that_is_not(plan_with_child):
    parent, child = plan_with_child
    child.state, child.is_published = PlanState.CLOSED, False
    child.save()
    board = dashboard(today=TODAY)
    assert [plan.symbol for plan in board.plans] == ["28/KH-UBND"]
    assert board.plans[0].counts["total"] == 2 and board.totals["tasks"] == 2


# The cache on Redis, and without it.


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        message = "needs REDIS_URL (a Redis server)"
        pytest.fail(message) if os.environ.get("REQUIRE_SERVICES") else pytest.skip(message)
    return url


def _redis_cache(settings, url: str, prefix: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.redis
def test_on_redis_a_sent_report_shows_on_the_next_request(
    settings, request, client, leader, world, agency_b, officer_b, head_b, django_capture_on_commit_callbacks
):
    _redis_cache(settings, _redis_url(), request.node.nodeid)
    try:
        test_a_report_sent_through_the_service_shows_on_the_next_dashboard_request(
            client, leader, world, agency_b, officer_b, head_b, django_capture_on_commit_callbacks
        )
    finally:
        cache.clear()


def test_a_redis_outage_does_not_break_the_dashboard_or_the_workflow(
    settings, client, leader, world, agency_b, officer_b, head_b, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _redis_cache(settings, f"redis://127.0.0.1:{port}/0", "outage")
    client.force_login(leader)
    assert client.get(reverse("reports:dashboard")).status_code == 200
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_save(task=world.other_task, agency=agency_b, period=period, by=officer_b, data=DATA, version=None)
        report_transition(report=report, action="submit", by=head_b, notify=False)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert next(r for r in page.context["agencies"] if r["agency_id"] == agency_b.pk)["missing"] == 0


def test_a_report_sent_on_one_plan_leaves_the_figures_of_another_plan_cached_and_moves_the_plan_it_carries_out(
    monkeypatch, agency_a, officer_a, head_a, coordinator, plan_with_child, django_capture_on_commit_callbacks
):
    """The public figures read tasks, not reports: a report sent moves none of them; accepted, its task's progress
    moves its plan's and the plan it carries out, never another plan's."""
    from tasks.public import selectors as public

    parent, child = plan_with_child
    other = PlanFactory(symbol="9/KH-UBND", reporting_kinds=["half_year"], starts_on=datetime.date(2017, 1, 1))
    TaskAssignmentFactory(task=TaskFactory(plan=other), agency=agency_a, role=AssignmentRole.LEAD)
    connection.run_on_commit.clear()  # the fixtures' writes, as if committed before (the test's transaction never commits)
    computed = []
    counts = public.status_counts_kept
    monkeypatch.setattr(public, "status_counts_kept", lambda rows, **kw: computed.append(rows.model) or counts(rows, **kw))
    for plan in (parent, child, other):
        public.plan_public_figures(plan.pk, today=TODAY)
    assert len(computed) == 3
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_save(task=child.tasks.get(number="2"), agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
        report_transition(report=report, action="submit", by=head_a, notify=False)
    before = len(computed)
    for plan in (parent, child, other):
        public.plan_public_figures(plan.pk, today=TODAY)
    assert len(computed) == before  # sent: no task moved
    child.coordinator = coordinator.agency
    child.save()
    connection.run_on_commit.clear()  # as if committed before
    for plan in (parent, child, other):
        public.plan_public_figures(plan.pk, today=TODAY)
    before = len(computed)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, action="accept", by=coordinator, notify=False)
    for plan in (parent, child, other):
        public.plan_public_figures(plan.pk, today=TODAY)
    assert len(computed) - before == 2  # the child's and its parent's, not the other plan's


def test_only_a_report_step_that_moves_a_figure_clears_the_cached_figures(
    monkeypatch, world, agency_a, officer_a, head_a, coordinator, django_capture_on_commit_callbacks
):
    """On a deadline day every officer sends each report to the head before the head sends it on: a step between
    unsent states (to the head and back) moves no figure anyone reads, so it keeps the figures every leader reads; a
    step in or out of the sent reports, or to or from accepted, clears its plan's and agency's (``compliance.figures_moved``)."""
    from reports.services import steps

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    cleared = []
    monkeypatch.setattr(steps, "figures_changed", lambda **kwargs: cleared.append(kwargs))
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
    moved = []
    for action, by in [
        ("send_for_approval", officer_a),
        ("send_back", head_a),
        ("send_for_approval", officer_a),
        ("submit", head_a),
        ("return", coordinator),
        ("submit", head_a),
        ("accept", coordinator),
    ]:
        before = len(cleared)
        report = report_transition(report=report, action=action, by=by, comment="Bổ sung", notify=False)
        moved.append((action, len(cleared) - before))
    assert moved == [
        ("send_for_approval", 0),
        ("send_back", 0),
        ("send_for_approval", 0),
        ("submit", 1),
        ("return", 1),
        ("submit", 1),
        ("accept", 1),
    ]


def test_a_report_sent_on_time_leaves_the_late_report_counts_alone(world, agency_b, officer_b, head_b, django_capture_on_commit_callbacks):
    """A deadline day's every sending is on time: it moves no late-report count, so it neither locks nor recounts one
    (three statements fewer on each); a late one still does (the parametrised test above)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_save(task=world.other_task, agency=agency_b, period=period, by=officer_b, data=DATA, version=None)
        with CaptureQueriesContext(connection) as queries:
            report = report_transition(report=report, action="submit", by=head_b, notify=False)
    assert report.state == "submitted" and not report.is_late
    assert not [q["sql"] for q in queries if "reports_latereportcount" in q["sql"]]
    assert_figures_true()


def test_withdrawing_a_late_and_an_on_time_report_keeps_the_late_counts_true_by_the_one_rule(
    sent_late, world, agency_a, agency_b, officer_b, head_b, sysadmin, monkeypatch, django_capture_on_commit_callbacks
):
    """A withdrawal asks ``reports.compliance.late_count_moved``, as the workflow steps do, whether the late counts move."""
    from reports.services import withdrawal

    on_time = report_transition(
        report=_draft_b(world, agency_b, officer_b),
        action="submit",
        by=head_b,
        notify=False,
        at=datetime.datetime(2018, 12, 17, 3, tzinfo=datetime.UTC),  # before the 20 December deadline
    )
    assert not on_time.is_late
    asked = []

    def rule(**step):
        asked.append(step)
        return late_count_moved(**step)

    monkeypatch.setattr(withdrawal, "late_count_moved", rule)
    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=sent_late, by=sysadmin, reason="Gửi nhầm kỳ")
        report_withdraw(report=on_time, by=sysadmin, reason="Gửi nhầm kỳ")
    assert asked == [
        {"previous": "submitted", "current": "withdrawn", "was_late": True, "is_late": True},
        {"previous": "submitted", "current": "withdrawn", "was_late": False, "is_late": False},
    ]
    assert not LateReportCount.objects.filter(agency__in=[agency_a, agency_b], reports__gt=0).exists()


def test_the_late_report_counts_follow_a_report_recalled_returned_and_sent_again_and_the_deadlines_midnight(
    world, agency_a, officer_a, head_a, agency_b, officer_b, head_b, coordinator, django_capture_on_commit_callbacks
):
    """Only steps moving a report in or out of 'sent late' recount (compliance.late_count_moved): sent late, recalled,
    sent again (late still: the first sending decides), returned and sent again, accepted; one sent on time, returned,
    and sent again after the grace days and the deadline (late now); the deadline ends at midnight in Vĩnh Long."""
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    deadline = period.as_period(world.plan.report_deadline_day).deadline
    midnight = datetime.datetime(deadline.year, deadline.month, deadline.day, 17, tzinfo=datetime.UTC)  # 00:00 in Vĩnh Long
    minute = datetime.timedelta(minutes=1)

    def late(agency):
        return LateReportCount.objects.filter(plan=world.plan, agency=agency).values_list("reports", flat=True).first() or 0

    def step(report, action, by, at, comment=""):
        return report_transition(report=report, action=action, by=by, notify=False, at=at, comment=comment)

    with django_capture_on_commit_callbacks(execute=True):
        a = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None)
        b = report_save(task=world.other_task, agency=agency_b, period=period, by=officer_b, data=DATA, version=None)
        a = step(a, "submit", head_a, midnight)
        b = step(b, "submit", head_b, midnight - datetime.timedelta(seconds=1))  # 23:59:59 on the deadline day
        assert (a.is_late, b.is_late, late(agency_a), late(agency_b)) == (True, False, 1, 0)
        a = step(a, "recall", head_a, midnight + minute)
        assert late(agency_a) == 0
        a = step(a, "submit", head_a, midnight + 2 * minute)
        assert a.is_late and late(agency_a) == 1
        a = step(a, "return", coordinator, midnight + 3 * minute, "Bổ sung")
        assert late(agency_a) == 0
        a = step(a, "submit", head_a, midnight + 4 * minute)
        a = step(a, "accept", coordinator, midnight + 5 * minute)
        b = step(b, "return", coordinator, midnight + minute, "Bổ sung")
        b = step(b, "submit", head_b, midnight + datetime.timedelta(days=30))
        assert (a.is_late, b.is_late, late(agency_a), late(agency_b)) == (True, True, 1, 1)
    assert_figures_true()
