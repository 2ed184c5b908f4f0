"""Findings of the walk hwalk11 that only a browser shows (layout at 390 px)."""

import pytest

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_period_dues_deadline_stays_beside_its_label(browser, world, leader):
    # Walk: at 390 px the card of each plan read "Kỳ báo cáo hiện tại … 6 tháng cuối năm 2026" and under the label,
    # at the card's left edge, "hạn 21/12/2026 (lùi do ngày nghỉ cuối tuần)": the deadline read as the label's.
    page = sign_in(browser, "leader", width=390)
    page.goto(browser.base_url + "/dieu-hanh/")
    cell = page.locator(".dashboard-table td[data-label='Kỳ báo cáo hiện tại']").first
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "phone-dashboard-period-due.png"), full_page=True)
    td, deadline = cell.bounding_box(), cell.locator(".text-muted").bounding_box()
    assert deadline["x"] > td["x"] + td["width"] * 0.35, (td, deadline)  # in the value's column, right of the label
