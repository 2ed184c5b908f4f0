"""A report withdrawn by an administrator, filed again by its agency from its work list, in headless Chromium."""

import datetime

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_officer_finds_a_withdrawn_report_in_the_work_list_and_files_it_again(
    browser, world, officer_b, head_b, coordinator, sysadmin, width
):
    from reports.periods import period_due
    from reports.services import reporting_period_get_or_create
    from reports.services.withdrawal import report_withdraw

    from .helpers import report_accept

    row = reporting_period_get_or_create(period=period_due(datetime.date(2025, 12, 16), "half_year"))
    report = report_accept(
        task=world.other_task, agency=officer_b.agency, period=row, officer=officer_b, head=head_b, coordinator=coordinator, progress=70
    )
    report_withdraw(report=report, by=sysadmin, reason="Số liệu sai kỳ báo cáo")
    officer = sign_in(browser, "officer_b", width=width)
    officer.goto(browser.base_url + "/viec-can-xu-ly/")
    item = officer.get_by_text("đã bị", exact=False).first
    assert "Số liệu sai kỳ báo cáo" in item.inner_text()
    officer.screenshot(path=ARTIFACTS / f"withdrawn-01-work-{width}.png", full_page=True)
    officer.locator("a[href*='/bao-cao/2025-H2/']").first.click()
    reason = officer.locator("#return-reason").inner_text()
    assert "Bị " in reason and "rút" in reason and "Số liệu sai kỳ báo cáo" in reason
    officer.fill("#id_results", "Đã sửa số liệu đúng kỳ báo cáo")
    officer.screenshot(path=ARTIFACTS / f"withdrawn-02-form-{width}.png", full_page=True)
    officer.get_by_role("button", name="Trình lãnh đạo duyệt", exact=True).click()
    expect(officer.get_by_text("Chờ duyệt").first).to_be_visible()
    officer.screenshot(path=ARTIFACTS / f"withdrawn-03-sent-{width}.png", full_page=True)
