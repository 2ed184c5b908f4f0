"""Walk hwalk8 on a phone (390 px): a report's indicator values and the reports list read without squeezing or spilling."""

import datetime
from decimal import Decimal as D

import pytest

from conftest import ARTIFACTS, sign_in
from indicators.tests.factories import IndicatorFactory
from reports.periods import parse_period_code
from reports.services import report_save, reporting_period_get_or_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every element of a table row that reaches past the row's right edge (a phone's card spilling its text).
SPILLS = """() => [...document.querySelectorAll('table tbody tr')].flatMap(tr => {
  const edge = tr.getBoundingClientRect().right;
  return [...tr.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > edge + 1).map(el => el.textContent.trim());
})"""


def test_on_a_phone_a_reports_indicator_values_read_as_cards(browser, world, agency_a, officer_a):
    # Walk: at 390 px "Chỉ tiêu đã báo cáo" kept its four columns: the indicator's name wrapped a word a line
    # ("CT-02 — / Số doanh / nghiệp / khởi…") and "Khi báo cáo được tiếp nhận" stood one word a line in "Ghi nhận".
    indicator = IndicatorFactory(
        plan=world.plan, code="CT-02", agency=agency_a, name="Số doanh nghiệp khởi nghiệp đổi mới sáng tạo được hỗ trợ (lũy kế)"
    )
    indicator.tasks.add(world.task)
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "Đã hỗ trợ 12 doanh nghiệp"},
        version=None,
        indicator_values={indicator.pk: (D(12), "Quyết định hỗ trợ số 12/QĐ-SKHCN")},
    )
    page = sign_in(browser, "officer_a", width=390)
    page.goto(browser.base_url + f"/bao-cao/{report.pk}/")
    table = page.locator("table", has_text="CT-02")
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "phone-report-indicator-values.png"), full_page=True)
    row = table.locator("tbody tr").first
    assert row.locator("td").first.bounding_box()["width"] > 250  # the indicator's name reads across the card
    labels = row.evaluate("tr => [...tr.querySelectorAll('td[data-label]')].map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"Giá trị"', '"Ghi chú"', '"Ghi nhận"'], labels  # every figure named (the headers are hidden)
    recorded = row.locator("td").last
    assert recorded.bounding_box()["height"] < 60, recorded.bounding_box()  # "Khi báo cáo được tiếp nhận" on a line or two


def test_on_a_phone_a_deadline_moved_past_a_weekend_stays_inside_its_card(browser, filed, leader):
    # Walk: at 390 px the reports list ("/dieu-hanh/bao-cao/") and the inbox wrote "Thời hạn gửi: 21/12/2026 (lùi do
    # ngày nghỉ cuối tuần)" on one unbreakable line: "tuần)" ran past the card's right edge.
    filed.plan.report_deadline_day = 22  # 22/12/2018 is a Saturday: the deadline moves to Monday 24/12/2018
    filed.plan.save(update_fields=["report_deadline_day"])
    assert datetime.date(2018, 12, 22).weekday() == 5
    page = sign_in(browser, "leader", width=390)
    page.goto(browser.base_url + "/dieu-hanh/bao-cao/")
    page.screenshot(path=str(ARTIFACTS / "phone-reports-deadline-moved.png"), full_page=True)
    assert "lùi do ngày nghỉ cuối tuần" in page.locator("table.list-table").inner_text()
    assert page.evaluate(SPILLS) == []
