"""Leadership and the public use the portal as people do, in headless Chromium."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from reports.tests.test_dashboard import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_clicks_a_chart_bar_to_its_task_list_and_exports_it(browser, leader):
    plan, _agencies = build(12, agencies=3)
    page = sign_in(browser, "leader")
    assert page.url.endswith("/dieu-hanh/")
    # Polled from the test: wait_for_function evaluates its string in the page, which the CSP (no unsafe-eval) refuses.
    for _attempt in range(100):
        if page.evaluate("() => Boolean(window.Chart && Chart.getChart('chart-plans'))"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the dashboard's chart was never drawn")
    page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)
    # the bar of overdue tasks (4th status) of the first plan
    x, y = page.evaluate(
        "() => { const chart = Chart.getChart('chart-plans'); const bar = chart.getDatasetMeta(3).data[0];"
        " const box = chart.canvas.getBoundingClientRect(); return [box.left + bar.x - 2, box.top + bar.y]; }"
    )
    page.mouse.click(x, y)
    page.wait_for_url("**/dieu-hanh/nhiem-vu/**")
    assert "status=overdue" in page.url
    rows = page.locator("table.list-table tbody tr")
    assert rows.count() == 3
    assert all("Chưa hoàn thành, quá hạn" in rows.nth(i).inner_text() for i in range(3))
    page.screenshot(path=ARTIFACTS / "dashboard-drilldown.png", full_page=True)
    with page.expect_download() as download:
        page.click("#export-link")
    assert download.value.suggested_filename == "danh-sach-nhiem-vu.xlsx"


def test_the_public_finds_a_task_on_a_plan_page_typing_without_diacritics(browser):
    plan, _agencies = build(6)
    task = plan.tasks.get(number="3")
    task.title = "Xây dựng nền tảng chia sẻ dữ liệu của tỉnh"
    task.save()
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page.goto(browser.base_url + plan.get_absolute_url())
    page.fill("input[name=q]", "nen tang chia se du lieu")
    page.click("button[type=submit]")
    expect(page.get_by_text("Xây dựng nền tảng chia sẻ dữ liệu của tỉnh")).to_be_visible()
    assert page.locator("table.list-table tbody tr").count() == 1
    page.screenshot(path=ARTIFACTS / "public-plan-search.png", full_page=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone.goto(browser.base_url + plan.get_absolute_url())
    phone.screenshot(path=ARTIFACTS / "public-plan-phone.png", full_page=True)
