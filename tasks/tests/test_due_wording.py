"""How a list writes a due date that a day off moved."""

import datetime

import pytest
from django.utils import translation

from tasks.columns import due_html
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_an_extended_date_that_falls_on_a_sunday_is_named_before_the_day_it_moves_to():
    # Walk: "31/12/2018 → 01/04/2019 (lùi do ngày nghỉ cuối tuần)" read as if the plan's date had moved.
    task = TaskFactory(due_date=datetime.date(2018, 12, 31), extended_due_date=datetime.date(2019, 3, 31))  # a Sunday
    with translation.override("vi"):
        shown = str(due_html(task))
    assert shown.startswith("31/12/2018<br>") and "Gia hạn đến 31/03/2019 → 01/04/2019" in shown


def test_an_extended_date_on_a_working_day_is_named_too():
    # Walk: task 8 of 125/KH-SKHCN read "31/12/2020 · Chưa hoàn thành, quá hạn (đã gia hạn)" on the agency's and
    # leadership's lists, with no word of the date granted (31/03/2021, a Wednesday); only a date a day off moved was named.
    task = TaskFactory(due_date=datetime.date(2020, 12, 31), extended_due_date=datetime.date(2021, 3, 31))
    with translation.override("vi"):
        shown = str(due_html(task))
    assert shown.startswith("31/12/2020<br>") and "Gia hạn đến 31/03/2021" in shown and "→" not in shown


@pytest.mark.parametrize("url_name", ["reports:agency_tasks", "reports:dashboard_tasks"])
def test_the_lists_excel_names_the_date_granted_by_an_extension(client, url_name, officer_a, leader, agency_a):
    """The agency's and leadership's Excel downloads gave the plan's due date alone ("Hạn hoàn thành"): a task
    judged by an extension read as overdue since the plan's date. Their own column, as the public open data has."""
    import io

    import openpyxl
    from django.urls import reverse

    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory

    task = TaskFactory(due_date=datetime.date(2020, 12, 31), extended_due_date=datetime.date(2021, 3, 31))
    TaskAssignmentFactory(task=task, agency=agency_a, role=AssignmentRole.LEAD)
    client.force_login(officer_a if url_name == "reports:agency_tasks" else leader)
    response = client.get(reverse(url_name), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if "Hạn hoàn thành" in row)
    row = next(row for row in rows if task.title in row)
    assert row[header.index("Gia hạn đến")] == datetime.datetime(2021, 3, 31)
