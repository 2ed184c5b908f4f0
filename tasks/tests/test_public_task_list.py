"""Every figure of the public home page opens the rows it counts: the public list of the published plans' tasks."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from plans.choices import PlanState
from plans.tests.factories import PlanFactory
from tasks.choices import Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db

HIDDEN = "Nhiệm vụ của kế hoạch chưa công bố"
FUTURE = datetime.date(2099, 12, 31)
PAST = datetime.date(2018, 12, 31)


def _every_status(plan, title: str, *, copies: int = 1) -> list:
    """``copies`` tasks of ``plan`` in each status: on time, late, in progress, overdue, ongoing."""
    kinds = [
        {"due_date": PAST, "completed_on": datetime.date(2018, 12, 1)},  # completed on time
        {"due_date": PAST, "completed_on": datetime.date(2019, 2, 1)},  # completed late
        {"due_date": FUTURE, "timeframe": "Năm 2099"},  # in progress, not yet due
        {"due_date": PAST},  # not completed, overdue
        {"due_date": None, "recurrence": Recurrence.ONGOING, "timeframe": "Thường xuyên"},  # ongoing
    ]
    tasks = []
    for kind in kinds:
        for _ in range(copies):
            tasks.append(TaskFactory(plan=plan, title=f"{title} {len(tasks) + 1}", **kind))
    for task in tasks:
        TaskAssignmentFactory(task=task)
    return tasks


@pytest.fixture
def public_plans():
    first = PlanFactory(symbol="28/KH-UBND")
    second = PlanFactory(symbol="125/KH-SKHCN")
    hidden = PlanFactory(symbol="99/KH-UBND", state=PlanState.DRAFT, is_published=False)
    _every_status(first, "Triển khai chuyển đổi số")
    _every_status(second, "Đào tạo nguồn nhân lực", copies=2)
    _every_status(hidden, HIDDEN, copies=3)
    return first, second, hidden


def _figures(html: str) -> list[tuple[str, int, str]]:
    """The home page's figures that are links: (address, number, label)."""
    found = re.findall(
        r'<a class="stat-card[^"]*" href="([^"]+)"><div class="stat-value">(\d+)</div><div class="stat-label">([^<]+)</div>', html
    )
    return [(href.replace("&amp;", "&"), int(number), label) for href, number, label in found]


def _rows_shown(html: str) -> int:
    """The rows of a list page: the tasks' table, or the plans' list."""
    if 'class="list-group mb-4"' in html:
        return html.count('class="list-group-item list-group-item-action"')
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return 0 if "empty-state" in body else body.count("<tr")


def test_every_figure_of_the_home_page_opens_as_many_rows_as_it_says(client, public_plans):
    home = client.get("/").content.decode()
    figures = _figures(home)
    assert len(figures) == 4, figures  # plans, tasks tracked, completed, overdue
    assert [number for _, number, _ in figures] == [2, 15, 6, 3]  # 2 public plans; 5 + 10 tasks; both completed statuses
    for href, number, label in figures:
        response = client.get(href)
        assert response.status_code == 200, href
        page = response.content.decode()
        assert _rows_shown(page) == number, (label, href)
        assert HIDDEN not in page and "99/KH-UBND" not in page


def test_completed_is_both_completed_statuses_and_a_status_alone_is_itself(client, public_plans):
    url = reverse("public:tasks")
    shown = {
        status: _rows_shown(client.get(url, {"status": status}).content.decode())
        for status in ("completed", "done_on_time", "done_late", "ongoing")
    }
    assert shown == {"completed": 6, "done_on_time": 3, "done_late": 3, "ongoing": 3}
    completed = client.get(url, {"status": "completed"}).content.decode()
    assert 'value="completed" selected' in completed  # the group is named in the filter it came from


def test_the_list_filters_by_plan_with_text_typed_without_diacritics_and_pages(client, public_plans, settings):
    first, second, hidden = public_plans
    url = reverse("public:tasks")
    page = client.get(url, {"plan": second.pk, "q": "dao tao nguon"}).content.decode()
    assert _rows_shown(page) == 10 and "Triển khai chuyển đổi số" not in page
    assert "<mark>" in page  # what matched, highlighted
    assert _rows_shown(client.get(url, {"plan": first.pk, "status": "overdue"}).content.decode()) == 1
    refused = client.get(url, {"plan": hidden.pk}).content.decode()  # a plan that is not public is not a choice
    assert HIDDEN not in refused and "invalid-feedback" in refused


def test_the_list_exports_what_it_shows_and_nothing_that_is_not_public(client, public_plans):
    url = reverse("public:tasks")
    response = client.get(url, {"status": "completed", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 6 and {row["status"] for row in rows} == {"done_on_time", "done_late"}
    everything = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert HIDDEN not in everything and "99/KH-UBND" not in everything
    xlsx = client.get(url, {"status": "overdue", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    content = xlsx.getvalue() if not xlsx.streaming else b"".join(xlsx.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert sum(cell == "Chưa hoàn thành, quá hạn" for cell in cells) == 3
    assert not any(HIDDEN in cell for cell in cells)


def test_a_plan_unpublished_leaves_the_figures_and_the_list_together(client, public_plans):
    first, _second, _hidden = public_plans
    first.is_published = False
    first.save(update_fields=["is_published"])
    from core.shared_figures import figures_changed

    figures_changed()
    for href, number, label in _figures(client.get("/").content.decode()):
        assert _rows_shown(client.get(href).content.decode()) == number, label


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_list_fits_a_laptop_and_a_phone_and_the_home_figures_lead_to_it(browser, public_plans):
    from conftest import ARTIFACTS

    for width in (1366, 390):
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
        page.goto(browser.base_url + "/")
        page.get_by_role("link", name=re.compile("nhiệm vụ đã hoàn thành")).click()
        page.wait_for_url(re.compile(r"status=completed"))
        assert page.locator("h1").inner_text() == "Nhiệm vụ của các kế hoạch công khai"
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[0] <= overflow[1], f"the page is {overflow[0]}px wide at {width}px"
        page.goto(browser.base_url + reverse("public:tasks"))
        page.screenshot(path=ARTIFACTS / f"public-tasks-{width}.png", full_page=width > 400)  # a phone: its first screen
        page.close()


def test_an_anonymous_visitor_downloads_a_long_public_list_at_once_not_as_a_job(client, public_plans, settings):
    """A job belongs to a signed-in user who comes back for it; the public has no account, so its download is streamed."""
    settings.EXPORT_SYNC_MAX_ROWS = 2
    response = client.get(reverse("public:tasks"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row > 2
