"""An officer files an indicator's value in the periodic report; leadership reads it once the coordinator accepts."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from indicators.tests.factories import IndicatorFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_value_filed_by_an_officer_reaches_the_leadership_page_after_acceptance(
    browser, world, agency_a, officer_a, head_a, coordinator, leader
):
    indicator = IndicatorFactory(plan=world.plan, code="CT-01", agency=agency_a, name="Tỷ lệ hồ sơ trực tuyến toàn trình")
    indicator.tasks.add(world.task)
    TargetFactory(indicator=indicator, year=2030, value=D(100))

    officer = sign_in(browser, "officer_a")
    officer.locator("tr", has_text="Tuyên truyền về chuyển đổi số").get_by_role("link", name="Báo cáo").click()
    officer.fill("#id_progress", "40")
    officer.fill("#id_results", "Đã tổ chức 3 hội nghị")
    officer.fill(f"#id_indicator_{indicator.pk}", "72,5")
    officer.fill(f"#id_indicator_{indicator.pk}_note", "Theo hệ thống một cửa điện tử")
    officer.screenshot(path=ARTIFACTS / "indicator-01-officer-form.png", full_page=True)
    officer.get_by_role("button", name="Trình lãnh đạo duyệt", exact=True).click()
    expect(officer.get_by_text("Chỉ tiêu đã báo cáo")).to_be_visible()

    head = sign_in(browser, "head_a")
    head.get_by_role("link", name="28/KH-UBND · nhiệm vụ 1").click()
    head.get_by_role("button", name="Duyệt và gửi").click()

    lead = sign_in(browser, "leader")
    lead.goto(browser.base_url + f"/ke-hoach/{world.plan.pk}/chi-tieu/")
    assert "72,5%" not in lead.locator("table.indicator-table").inner_text()  # sent, not yet accepted

    coord = sign_in(browser, "coordinator")
    coord.get_by_role("link", name="Tuyên truyền về chuyển đổi số").click()
    coord.get_by_role("button", name="Tiếp nhận").click()
    expect(coord.get_by_text("Đã tiếp nhận").first).to_be_visible()

    lead.goto(browser.base_url + f"/ke-hoach/{world.plan.pk}/chi-tieu/")
    row = lead.locator("table.indicator-table tr", has_text="CT-01").inner_text()
    assert "72,5%" in row
    lead.screenshot(path=ARTIFACTS / "indicator-02-leadership-plan.png", full_page=True)
    lead.get_by_role("link", name="CT-01 — Tỷ lệ hồ sơ trực tuyến toàn trình").click()
    assert "Theo hệ thống một cửa điện tử" in lead.locator("table").first.inner_text()
