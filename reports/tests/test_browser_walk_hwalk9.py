"""Walk hwalk9 on a phone (390 px): a report refused for its mistakes says so where the officer is looking."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_a_refused_report_names_its_mistakes_at_the_top_of_the_page(browser, world, officer_a, tmp_path):
    # Walk: an officer sent a report with a progress of 150 and an .exe; the page came back at its top, showing the
    # task and the return's reason as before, and nothing said it was not sent: the two mistakes sat under their
    # fields, the file's 2,400 px down the page.
    program = tmp_path / "chuong-trinh.exe"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    page = sign_in(browser, "officer_a", width=390)
    page.goto(browser.base_url + f"/nhiem-vu/{world.task.pk}/bao-cao/{world.period_code}/")
    page.fill("#id_progress", "150")
    page.fill("#id_results", "Đã tổ chức 3 hội nghị")
    page.set_input_files("#id_attachments", str(program))
    page.get_by_role("button", name="Trình lãnh đạo duyệt", exact=True).click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "phone-report-refused.png"))
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] + 40 < page.viewport_size["height"]  # in the first screen, not under the form
    text = summary.inner_text()
    assert "chưa được gửi" in text
    assert "Tiến độ (%)" in text and "chuong-trinh.exe" in text  # each mistake, named by its field
    summary.get_by_role("link", name="Đính kèm tài liệu minh chứng").click()
    assert page.evaluate("location.hash") == "#id_attachments"


def test_on_a_computer_a_reports_indicator_headings_each_stand_on_one_line(browser, world, agency_a, officer_a):
    # Walk: at 1366 px "Chỉ tiêu đã báo cáo" wrote its headings "Giá / trị" and "Ghi / chú", a word a line, beside an
    # indicator's long name.
    from decimal import Decimal as D

    from indicators.tests.factories import IndicatorFactory
    from reports.periods import parse_period_code
    from reports.services import report_save, reporting_period_get_or_create

    indicator = IndicatorFactory(
        plan=world.plan, code="CT-01", agency=agency_a, name="Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến"
    )
    indicator.tasks.add(world.task)
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    data = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}
    values = {indicator.pk: (D("87.5"), "")}
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=data, version=None, indicator_values=values)
    page = sign_in(browser, "officer_a")
    page.goto(browser.base_url + f"/bao-cao/{report.pk}/")
    page.locator("table.indicator-table").screenshot(path=str(ARTIFACTS / "report-indicator-headings.png"))
    # the lines each heading's words take (a cell stretches to its row: its height would not tell)
    lines = page.locator("table.indicator-table thead th").evaluate_all(
        """ths => Object.fromEntries(ths.map(th => {
          const range = document.createRange(); range.selectNodeContents(th);
          return [th.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
        }))"""
    )
    assert lines == {"Chỉ tiêu": 1, "Giá trị": 1, "Ghi chú": 1, "Ghi nhận": 1}, lines
