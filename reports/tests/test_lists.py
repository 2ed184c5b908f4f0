"""Each list of the reports app: its filters, and an Excel export that is exactly the page's table."""

import datetime
import re

import pytest
from django.urls import reverse

from core.tests.tables import assert_export_is_what_the_page_shows, page_table, xlsx_table
from plans.tests.factories import PlanFactory
from reports.choices import ReportState
from reports.columns import AGENCY_TASKS, LEADERSHIP_TASKS
from reports.models import Report, Summary
from reports.periods import parse_period_code
from reports.services import reporting_period_get_or_create
from reports.tests.factories import ReportFactory
from tasks.columns import AS_PLANNED_KEYS
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
BAD_CHOICE = "Hãy chọn một lựa chọn hợp lệ"


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "chuyen doi so"}, {"report_state": "none"}, {"report_state": "missing"}, {"role": "cooperating"}, {"status": "in_progress"}],
)
def test_the_agency_list_exports_the_rows_and_columns_it_shows(client, world, officer_b, params):
    world.task.extended_due_date = datetime.date(2031, 6, 30)
    world.task.save()
    client.force_login(officer_b)
    # The date an extension granted is written under the due date on the page, its own column in Excel.
    assert_export_is_what_the_page_shows(
        client,
        reverse("reports:agency_tasks"),
        params,
        keys=("number", "title", "role", "status", "period", "due_date"),
        folded={"extended_due_date": "due_date"},
        spec=AGENCY_TASKS,
    )


def test_the_agency_list_filters_by_role_and_report(client, world, officer_b):
    client.force_login(officer_b)
    url = reverse("reports:agency_tasks")
    assert [row["number"] for row in page_table(client.get(url, {"role": "cooperating"}))[1]] == ["1"]
    assert [row["number"] for row in page_table(client.get(url, {"report_state": "missing"}))[1]] == ["2"]  # B leads task 2 only


@pytest.mark.parametrize("params", [{}, {"status": "overdue"}, {"q": "khoa hoc"}, {"section": "null"}, {"report": "missing"}])
def test_the_leadership_list_exports_the_rows_and_columns_it_shows(client, world, leader, params):
    world.task.product = "Báo cáo kết quả triển khai"
    world.task.extended_due_date = datetime.date(2031, 6, 30)
    world.task.save()
    client.force_login(leader)
    # The product and timeframe are written under the task on the page (status and progress fit 1366 px), the date
    # an extension granted under the due date; their own columns in Excel.
    assert_export_is_what_the_page_shows(
        client,
        reverse("reports:dashboard_tasks"),
        params,
        keys=("plan", "number", "title", "status", "due_date"),
        folded={"product": "title", "timeframe": "title", "extended_due_date": "due_date"},
        spec=LEADERSHIP_TASKS,
        beyond=AS_PLANNED_KEYS,  # the agencies as the plan named them: the task's page writes them
    )


def test_the_inbox_exports_the_rows_and_columns_it_shows(client, world, coordinator, officer_a, agency_a, agency_b):
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    ReportFactory(task=world.task, agency=agency_a, period=period, created_by=officer_a, state=ReportState.SUBMITTED, is_late=True)
    ReportFactory(task=world.other_task, agency=agency_b, period=period, created_by=officer_a, state=ReportState.SUBMITTED)
    client.force_login(coordinator)
    url = reverse("reports:inbox")
    assert assert_export_is_what_the_page_shows(client, url, {}, keys=("plan", "number", "title", "period", "submitted_at")) == 2
    assert assert_export_is_what_the_page_shows(client, url, {"late": "1"}, keys=("number", "title")) == 1
    assert assert_export_is_what_the_page_shows(client, url, {"agency": agency_b.pk, "period": period.pk}) == 1


def test_the_inbox_shows_a_page_of_50_keeps_its_filter_in_the_page_links_and_exports_every_row(
    client, world, agency_a, officer_a, coordinator
):
    """On a deadline day thousands of reports wait: the inbox wrote them all in one page (5-9 s and 24 MB at 10x); it
    shows 50 a page with their count, the page links keep the filter, the export holds every row, and the reports
    ticked on page 2 are accepted, back to page 2."""
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    for n in range(52):
        task = TaskFactory(plan=world.plan, number=str(100 + n), start_date=datetime.date(2017, 1, 1))
        TaskAssignmentFactory(task=task, agency=agency_a, role="lead")
        ReportFactory(task=task, agency=agency_a, period=period, created_by=officer_a, state=ReportState.SUBMITTED)
    client.force_login(coordinator)
    url = reverse("reports:inbox")
    first = client.get(url, {"late": "0"})
    assert len(page_table(first)[1]) == 50
    body = first.content.decode()
    assert "(52)" in body and 'href="?late=0&page=2"' in body and "1 / 2" in body
    second = client.get(url, {"late": "0", "page": "2"})
    shown = [int(pk) for pk in re.findall(r'name="report" value="(\d+)"', second.content.decode())]
    assert len(page_table(second)[1]) == len(shown) == 2
    assert len(xlsx_table(client.get(url, {"late": "0", "format": "xlsx"}))[1]) == 52  # every row, not the page
    next_url = f"{url}?late=0&page=2"
    response = client.post(reverse("reports:inbox_accept"), {"report": shown, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert set(Report.objects.filter(pk__in=shown).values_list("state", flat=True)) == {ReportState.ACCEPTED}
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == 50
    after = client.get(url, {"late": "0"})
    assert len(page_table(after)[1]) == 50 and "(50)" in after.content.decode() and "page=2" not in after.content.decode()


def test_the_inbox_says_late_or_on_time_on_every_row_and_marks_ceased_agencies(client, world, coordinator, officer_a, agency_a, agency_b):
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    ReportFactory(task=world.task, agency=agency_a, period=period, created_by=officer_a, state=ReportState.SUBMITTED, is_late=True)
    ReportFactory(task=world.other_task, agency=agency_b, period=period, created_by=officer_a, state=ReportState.SUBMITTED)
    agency_a.active_to = datetime.date(2025, 3, 1)
    agency_a.save()
    client.force_login(coordinator)
    response = client.get(reverse("reports:inbox"))
    headers, rows = page_table(response)
    assert "Thời hạn gửi" in headers
    # Walk (issue 30, point 7): "Thời hạn gửi" said "Đúng hạn"; it gives the date, and whether the report came late beside it.
    due = period.as_period(world.plan.report_deadline_day)
    assert {row["deadline"] for row in rows} == {f"{due.deadline:%d/%m/%Y} {due.deadline_note}".strip()}  # moved past a day off: said
    assert sorted(row["late"] for row in rows) == ["Trễ hạn", "Đúng hạn"]  # never a blank cell
    options = re.findall(
        r"<option value=\"\d+\"[^>]*>([^<]*)</option>", response.content.decode().split('name="agency"', 1)[1].split("</select>", 1)[0]
    )
    ceased = f"{agency_a.name} (đã thôi hoạt động 01/03/2025)"
    assert options[-1] == ceased and agency_b.name in options[:-1]  # current agencies first, the ceased one marked after them


def test_the_summary_list_exports_the_rows_and_columns_it_shows(client, world, coordinator):
    period = reporting_period_get_or_create(period=parse_period_code("2018-Y"))
    other = PlanFactory(symbol="9/KH-UBND")
    Summary.objects.create(plan=world.plan, period=period, snapshot={"totals": {"tasks": 2, "overdue": 1, "progress": 40}})
    Summary.objects.create(plan=other, period=period, snapshot={})
    client.force_login(coordinator)
    url = reverse("reports:summary_list")
    assert assert_export_is_what_the_page_shows(client, url, {}, keys=("plan", "period", "tasks", "overdue")) == 2
    assert assert_export_is_what_the_page_shows(client, url, {"plan": other.pk}, keys=("plan",)) == 1


def test_a_summary_compiled_after_the_list_was_read_is_listed(client, world, coordinator, django_capture_on_commit_callbacks):
    # QA: the list's count came from the shared cache, which a new summary does not clear: the page was cut at the old count.
    period = reporting_period_get_or_create(period=parse_period_code("2018-Y"))
    Summary.objects.create(plan=world.plan, period=period, snapshot={})
    other = PlanFactory(symbol="9/KH-UBND")
    client.force_login(coordinator)
    url = reverse("reports:summary_list")
    assert len(page_table(client.get(url))[1]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Summary.objects.create(plan=other, period=period, snapshot={})
    assert len(page_table(client.get(url))[1]) == 2


def test_a_wrong_value_in_a_hidden_filter_is_named_not_silently_ignored(client, world, leader):
    # QA: ?family= (set by the dashboard's links, a hidden field) with a wrong value listed every task without a word.
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard_tasks"), {"family": "abc"}).content.decode()
    assert 'role="alert">Kế hoạch và các kế hoạch triển khai: ' in page


@pytest.mark.parametrize(
    ("who", "url", "params", "message"),
    [
        ("officer_a", "reports:agency_tasks", {"status": "xyz"}, BAD_CHOICE),
        ("officer_a", "reports:agency_tasks", {"plan": "abc"}, BAD_CHOICE),
        ("officer_a", "reports:agency_tasks", {"report_state": "<b>"}, BAD_CHOICE),
        ("leader", "reports:dashboard_tasks", {"due_to": "2026-13-45"}, "Nhập một ngày hợp lệ"),
        ("leader", "reports:dashboard_tasks", {"section": "x"}, BAD_CHOICE),
        ("leader", "reports:dashboard_tasks", {"report": "all"}, BAD_CHOICE),
        ("coordinator", "reports:inbox", {"agency": "99999"}, BAD_CHOICE),
        ("coordinator", "reports:inbox", {"late": "maybe"}, BAD_CHOICE),
        ("coordinator", "reports:summary_list", {"year": "năm"}, "Nhập một số"),
    ],
)
def test_a_bad_filter_value_gets_a_vietnamese_message_and_no_error(client, world, request, who, url, params, message):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(reverse(url), {**params, "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_agency_list_and_the_inbox_run_a_fixed_number_of_queries(client, world, agency_a, officer_a, coordinator, size, max_queries):
    period = reporting_period_get_or_create(period=parse_period_code("2026-H1"))
    for n in range(size):
        task = TaskFactory(plan=world.plan, number=str(100 + n), start_date=datetime.date(2017, 1, 1))
        TaskAssignmentFactory(task=task, agency=agency_a, role="lead")
        ReportFactory(task=task, agency=agency_a, period=period, created_by=officer_a, state=ReportState.SUBMITTED)
    client.force_login(officer_a)
    # +4 at most: the work waiting in the menu and the box (reports.worklist: returned reports, the plans and their
    # periods due, the reports owed once a period's cut-off has passed)
    with max_queries(18):
        assert client.get(reverse("reports:agency_tasks"), {"report_state": "missing"}).status_code == 200
    client.force_login(coordinator)
    with max_queries(15):  # +3 at most: the work waiting (reports to review, extensions to decide, tasks to reassign)
        assert client.get(reverse("reports:inbox"), {"late": "0"}).status_code == 200


def test_a_yearly_task_shows_this_years_due_date_on_the_lists_and_the_extension_page(client, world, leader, officer_a, agency_a):
    # Issue 26: a 'hằng năm' task showed no due date anywhere, though its status is judged by 31/12 of this year.
    from django.utils import timezone

    from plans.workdays import current_calendar
    from tasks.choices import Recurrence
    from tasks.yearly import year_due

    yearly = TaskFactory(plan=world.plan, section=world.task.section, timeframe="Hằng năm", due_date=None, recurrence=Recurrence.YEARLY)
    TaskAssignmentFactory(task=yearly, agency=agency_a)
    due = year_due(timezone.localdate().year, current_calendar())
    shown = f"31/12/{due.year}"
    client.force_login(leader)
    _headers, rows = page_table(client.get(reverse("reports:dashboard_tasks"), {"plan": world.plan.pk}))
    row = next(row for row in rows if row["number"] == yearly.number)
    assert row["due_date"].startswith(shown) and "hằng năm" in row["due_date"]
    client.force_login(officer_a)
    _headers, rows = page_table(client.get(reverse("reports:agency_tasks")))
    assert next(row for row in rows if row["number"] == yearly.number)["due_date"].startswith(shown)
    page = client.get(reverse("reports:task_extensions", args=[yearly.pk])).content.decode()
    assert shown in page


def test_the_summary_list_writes_the_mean_progress_as_a_percentage_and_exports_the_number(client, world, leader):
    # "Tiến độ bình quân (%)" read "40", "" where every other page writes "40%", "—".
    from core.tests.tables import xlsx_table

    period = reporting_period_get_or_create(period=parse_period_code("2018-Y"))
    Summary.objects.create(plan=world.plan, period=period, snapshot={"totals": {"tasks": 2, "overdue": 1, "progress": 40}})
    Summary.objects.create(plan=PlanFactory(symbol="9/KH-UBND"), period=period, snapshot={})
    client.force_login(leader)
    url = reverse("reports:summary_list")
    headers, rows = page_table(client.get(url))
    assert "Tiến độ bình quân (%)" in headers
    assert sorted(row["progress"] for row in rows) == ["40%", "—"]
    export_headers, export_rows = xlsx_table(client.get(url, {"format": "xlsx"}))
    assert sorted(row[export_headers.index("Tiến độ bình quân (%)")] or 0 for row in export_rows) == [0, 40]  # a number in Excel
