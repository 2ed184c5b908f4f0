import datetime
import json
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.dashboard import dashboard
from reports.periods import parse_period_code, period_due
from reports.services import report_save, report_transition, reporting_period_get_or_create
from tasks.choices import AssignmentRole, Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def build(size: int, agencies: int = 3):
    """A plan in force with ``size`` tasks spread over agencies and statuses."""
    plan = PlanFactory(symbol=f"{size}/KH-UBND", reporting_kinds=["half_year", "year"], starts_on=D(2017, 1, 1))
    sections = [SectionFactory(plan=plan, number=str(n), position=n) for n in range(1, 4)]
    lead_agencies = [AgencyFactory() for _ in range(agencies)]
    for n in range(size):
        kind = n % 4
        task = TaskFactory(
            plan=plan,
            section=sections[n % 3],
            number=str(n + 1),
            progress=(n * 7) % 100,
            start_date=D(2018, 1, 1),
            due_date=None if kind == 3 else (D(2018, 12, 31) if kind < 2 else D(2099, 12, 31)),
            recurrence=Recurrence.ONGOING if kind == 3 else Recurrence.NONE,
            completed_on=D(2018, 12, 1) if kind == 0 else None,
        )
        TaskAssignmentFactory(task=task, agency=lead_agencies[n % agencies], role=AssignmentRole.LEAD)
    return plan, lead_agencies


def test_dashboard_counts_each_status_and_ranks_the_agencies_most_behind_first(roles):
    plan, agencies = build(8, agencies=2)
    board = dashboard(today=D(2026, 11, 22))
    counts = board.plans[0].counts
    assert (counts["total"], counts["done_on_time"], counts["overdue"], counts["in_progress"], counts["ongoing"]) == (8, 2, 2, 2, 2)
    assert board.totals["overdue"] == 2
    rows = {row["agency"]: row for row in board.agencies}
    assert rows[agencies[0]]["on_time"] == 2 and rows[agencies[1]]["overdue"] == 2
    assert board.agencies[0]["agency"] == agencies[1]  # the agency with overdue tasks comes first
    assert rows[agencies[0]]["on_time_rate"] == 100 and rows[agencies[1]]["on_time_rate"] == 0
    assert rows[agencies[1]]["missing"] == 4  # unfinished tasks (overdue and ongoing) without the period's report


def test_a_sent_report_is_no_longer_missing(roles, django_capture_on_commit_callbacks):
    plan, agencies = build(4, agencies=1)
    from plans.tests.factories import UserFactory

    officer, head = UserFactory(agency=agencies[0]), UserFactory(agency=agencies[0])
    officer.groups.set([roles["officer"]])
    head.groups.set([roles["head"]])
    today = D(2026, 11, 22)
    period = reporting_period_get_or_create(period=period_due(today, "half_year", deadline_day=plan.report_deadline_day))
    before = dashboard(today=today).agencies[0]["missing"]
    task = plan.tasks.get(number="2")  # overdue
    report = report_save(
        task=task,
        agency=agencies[0],
        period=period,
        by=officer,
        data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai"},
        version=None,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the cached dashboard is cleared when the step commits
        report_transition(report=report, action="submit", by=head, notify=False)
    assert dashboard(today=today).agencies[0]["missing"] == before - 1


def test_a_report_sent_computes_the_dashboards_agencies_again_and_not_its_tasks(
    client, leader, roles, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """On a deadline day hundreds of reports are sent, and each one computed the whole dashboard page again (half of
    the leaders' visits, each 60-90 ms at 10× the province): a report sent moves what the agencies' rows say alone,
    so only that part of the page is computed again; a change of a task computes its tasks' part too."""
    import re

    from django.db import connection

    from plans.tests.factories import UserFactory
    from reports import dashboard as dashboard_module

    settings.FIGURES_BEHIND_SECONDS = 0  # every reader computes what changed on its own time: the page read is the new one
    plan, agencies = build(4, agencies=1)
    officer, head = UserFactory(agency=agencies[0]), UserFactory(agency=agencies[0])
    officer.groups.set([roles["officer"]])
    head.groups.set([roles["head"]])
    computed = []
    for part in ("dashboard_tasks", "dashboard_agencies"):
        original = getattr(dashboard_module, part)
        monkeypatch.setattr(
            dashboard_module, part, lambda *a, original=original, part=part, **k: computed.append(part) or original(*a, **k)
        )
    client.force_login(leader)

    def missing() -> int:
        page = client.get(reverse("reports:dashboard")).content.decode()
        assert "<!--dashboard:" not in page  # both parts put in their places
        assert 'id="agency-table"' in page and 'id="dashboard-agencies-data"' in page and 'id="dashboard-data"' in page
        return int(re.search(r'text-warning-emphasis">(\d+)</div>', page).group(1))

    before = missing()
    assert computed == ["dashboard_tasks", "dashboard_agencies"]
    today = timezone.localdate()
    period = reporting_period_get_or_create(period=period_due(today, "half_year", deadline_day=plan.report_deadline_day))
    task = plan.tasks.get(number="2")  # overdue: its report is owed
    with django_capture_on_commit_callbacks(execute=True):
        report = report_save(
            task=task,
            agency=agencies[0],
            period=period,
            by=officer,
            data={"progress": 50, "work_state": "in_progress", "results": "Đã triển khai"},
            version=None,
        )
    assert missing() == before
    computed.clear()
    connection.run_on_commit.clear()  # the writes before, as committed (the test's transaction never commits)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, action="submit", by=head, notify=False)
    assert missing() == before - 1
    assert computed == ["dashboard_agencies"]
    assert missing() == before - 1 and computed == ["dashboard_agencies"]  # kept until the next change
    computed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        TaskFactory(plan=plan, number="9", start_date=D(2018, 1, 1), due_date=D(2019, 1, 1))
    missing()
    assert sorted(computed) == ["dashboard_agencies", "dashboard_tasks"]


@pytest.mark.parametrize("size", [6, 60])
def test_dashboard_runs_a_fixed_number_of_queries(client, leader, size, max_queries):
    build(size)
    client.force_login(leader)
    # The first visit also stores the trend points (reports.figures): more queries, as many at any size.
    # (+1: the indicators panel, its indicators, targets and values in one read.)
    # (+3 on every page of a leader: the work waiting in the menu, reports.worklist: reports to review,
    # extensions to decide, draft summaries.)
    with max_queries(24):
        assert client.get(reverse("reports:dashboard")).status_code == 200
    # Computed again (the shared cache emptied): session, user, groups; then the dashboard's own: plans with their
    # families, reporting periods, task figures (with overdue at each cut-off), section titles, agency statuses,
    # agency names, the late-report counts and the trend points (apart since the agencies' part of the page is kept
    # apart from the rest: reports.dashboard.dashboard_parts_shown), the lineage map that folds retired agencies into
    # today's (reports.lineage), the indicators with their targets and values (one read,
    # indicators.selectors.indicators_in_one_read): 13 with the session's 3; and the menu's 3 (reports.worklist).
    cache.clear()
    with max_queries(16):
        assert client.get(reverse("reports:dashboard")).status_code == 200


@pytest.mark.parametrize("size", [6, 60])
def test_task_lists_run_a_fixed_number_of_queries(client, leader, size, django_assert_max_num_queries):
    plan, _agencies = build(size)
    client.force_login(leader)
    # session, user, groups, the chosen plan, count, page rows, assignments, the filter form's three lists, session save,
    # and the menu's work waiting (3, reports.worklist)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reports:dashboard_tasks"), {"plan": plan.pk, "status": "overdue"}).status_code == 200
    # The plan page, first read of the day (nothing cached): session, user, groups, the plan, its directives, sections
    # and sub-plans, the published plans' progress, the plan's last change and status counts, the public plans' ids,
    # page rows, assignments, its issued summaries (reports.selectors.summaries_published), session save.
    with django_assert_max_num_queries(19):
        assert client.get(plan.get_absolute_url()).status_code == 200


def test_every_number_links_to_the_tasks_it_counts_and_the_list_exports_as_shown(client, leader):
    plan, agencies = build(8, agencies=2)
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    url = f"{reverse('reports:dashboard_tasks')}?family={plan.pk}&amp;status=overdue"
    assert url in page
    listing = client.get(reverse("reports:dashboard_tasks"), {"family": plan.pk, "status": "overdue"})
    assert listing.context["page"].paginator.count == 2
    export = client.get(reverse("reports:dashboard_tasks"), {"plan": plan.pk, "status": "overdue", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    status = rows[1].index("Tình trạng")
    assert len(rows) == 2 + 2 and {row[status] for row in rows[2:]} == {"Chưa hoàn thành, quá hạn"}
    by_agency = client.get(reverse("reports:dashboard_tasks"), {"agency": agencies[1].pk, "role": "lead", "due_to": "31/12/2018"})
    assert by_agency.context["page"].paginator.count == 2  # day-first date filter


def test_agency_users_do_not_see_the_dashboard(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_open_data_lists_a_published_plans_tasks_as_json_and_csv(client):
    task = TaskFactory(title='=HYPERLINK("x")')
    TaskAssignmentFactory(task=task, agency=AgencyFactory(code="STTTT"))
    data = json.loads(client.get(reverse("public:open_data", args=[task.plan.pk, "json"])).getvalue())
    assert data["tasks"][0]["lead_agencies"] == ["STTTT"] and data["tasks"][0]["due_date"] == "2018-12-31"
    csv_text = client.get(reverse("public:open_data", args=[task.plan.pk, "csv"])).getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and csv_text.startswith("plan_symbol,section,number,title")
    assert client.get(reverse("public:open_data", args=[task.plan.pk, "xml"])).status_code == 404


def test_public_search_finds_plans_and_tasks_without_diacritics(client):
    TaskFactory(title="Xây dựng chính quyền số")
    html = client.get(reverse("public:plans"), {"q": "chinh quyen so"}).content.decode()
    assert "Xây dựng <mark>chính</mark> <mark>quyền</mark> <mark>số</mark>" in html


def test_every_count_of_the_agency_and_section_tables_opens_a_list_of_exactly_that_many_rows(client, leader):
    # Issue 26: "Late reports", "Tasks led", "Completed on time/late" and a section's task count were plain numbers.
    import html
    import re

    from reports.choices import ReportState
    from reports.periods import parse_period_code
    from reports.tests.factories import ReportFactory

    plan, agencies = build(12, agencies=2)
    tasks = list(plan.tasks.order_by("position"))
    for number, (task, agency, state, late) in enumerate(
        [
            (tasks[0], agencies[0], ReportState.ACCEPTED, True),
            (tasks[2], agencies[0], ReportState.SUBMITTED, True),
            (tasks[4], agencies[0], ReportState.SUBMITTED, False),
            (tasks[1], agencies[1], ReportState.ACCEPTED, True),
            (tasks[3], agencies[1], ReportState.DRAFT, True),  # a draft is not sent: not a late report
        ]
    ):
        period = reporting_period_get_or_create(period=parse_period_code(f"{2018 + number}-H1"))
        ReportFactory(task=task, agency=agency, period=period, state=state, is_late=late)
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    table = page[page.index('id="agency-table"') : page.index("</table>", page.index('id="agency-table"'))]
    cells = re.findall(r'<td data-value="(-?\d+)"[^>]*>(.*?)</td>', table, flags=re.S)
    rate_columns = 1  # the on-time rate is a ratio, not a list
    assert len(cells) == 2 * (6 + rate_columns)
    linked = [(int(value), re.search(r'href="([^"]+)"', cell)) for value, cell in cells if "%" not in cell and value != "-1"]
    assert all(link is not None for value, link in linked if value), "a count that is not a link"
    sections = re.findall(r'<td><a (?:class="[^"]*" )?href="([^"]+)">(\d+)</a></td>', page[: page.index('id="agency-table"')])
    assert len(sections) >= 3
    checked = 0
    for value, url in [(value, link.group(1)) for value, link in linked if link] + [(int(n), url) for url, n in sections]:
        listing = client.get(html.unescape(url))
        assert listing.status_code == 200, url
        assert listing.context["page"].paginator.count == value, (url, value)
        checked += 1
    assert checked >= 12
    late_cells = [cell for value, cell in cells if "bao-cao" in cell]
    assert [re.sub(r"<[^>]+>", "", cell) for cell in late_cells] == ["2", "1"] or sorted(
        re.sub(r"<[^>]+>", "", cell) for cell in late_cells
    ) == ["1", "2"]


def test_an_agency_row_is_rendered_again_only_when_its_values_move_and_reads_as_a_render_from_nothing(
    client, leader, django_capture_on_commit_callbacks
):
    """The agency table's rows are kept rendered per process by their values (``agency_row_html``): after a change
    that moves one agency's figures the page renders that row again, and the page is the one rendered from nothing."""
    from reports.views import dashboard as views

    plan, agencies = build(12, agencies=4)
    client.force_login(leader)
    views._row_rendered.cache_clear()
    client.get(reverse("reports:dashboard"))
    assert views._row_rendered.cache_info().misses == 4
    task = plan.tasks.filter(assignments__agency=agencies[1], completed_on__isnull=True).order_by("position").first()
    task.completed_on = D(2018, 6, 1)
    with django_capture_on_commit_callbacks(execute=True):
        task.save()  # agency 1 has one task more completed: its row moves, the others' do not
    before = views._row_rendered.cache_info().misses
    kept = client.get(reverse("reports:dashboard")).context["body"]
    assert views._row_rendered.cache_info().misses - before == 1
    views._row_rendered.cache_clear()
    cache.clear()
    assert client.get(reverse("reports:dashboard")).context["body"] == kept
    assert views._row_rendered.cache_info().misses == 4


def test_while_changes_come_in_quick_succession_the_leader_is_served_the_page_before_and_the_next_one_reads_it_afresh(
    client, leader, settings, django_capture_on_commit_callbacks
):
    """On a deadline day a report is sent every few hundred milliseconds: the leader who finds the dashboard out of date
    gets the page from before the change at once and computes the new one after the response (``FIGURES_BEHIND_SECONDS``);
    the next leader reads the new page, the one rendered from nothing."""
    settings.FIGURES_BEHIND_SECONDS = 5
    plan, agencies = build(12, agencies=4)
    client.force_login(leader)
    before = client.get(reverse("reports:dashboard")).context["body"]
    task = plan.tasks.filter(assignments__agency=agencies[1], completed_on__isnull=True).order_by("position").first()
    task.completed_on = D(2018, 6, 1)
    with django_capture_on_commit_callbacks(execute=True):
        task.save()
    assert client.get(reverse("reports:dashboard")).context["body"] == before  # computed after this response
    after = client.get(reverse("reports:dashboard")).context["body"]
    assert after != before
    cache.clear()
    assert client.get(reverse("reports:dashboard")).context["body"] == after


def test_the_trend_table_writes_the_mean_progress_as_a_percentage(
    client, leader, world, agency_b, officer_b, head_b, coordinator, django_capture_on_commit_callbacks
):
    # "Tiến độ bình quân các báo cáo đã tiếp nhận (%)" read "40" where every other page writes "40%".
    from reports.tests.helpers import report_accept

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))  # the trend's last closed period
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(
            task=world.other_task, agency=agency_b, period=period, officer=officer_b, head=head_b, coordinator=coordinator, progress=40
        )
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    table = page.split("Tiến độ bình quân các báo cáo đã tiếp nhận (%)</th>", 1)[1].split("</table>", 1)[0]
    cells = [cell.split("</td>")[0] for cell in table.split("<td>")[1:]]
    progress = cells[1::3]
    assert progress[-1] == "40%" and set(progress[:-1]) == {"—"}, progress
