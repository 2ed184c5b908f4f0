"""Findings of the walk hwalk12 that only a browser shows (layout at 390 px)."""

import pytest

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_every_line_of_an_inbox_card_has_one_size(browser, world, agency_a, coordinator):
    # Walk: at 390 px a card of "Báo cáo chờ tiếp nhận" read "Kế hoạch" and "Kỳ báo cáo" small, "STT", "Nhiệm vụ",
    # "Cơ quan" and "Tiến độ" large; the figures' phone cards (.phone-cards) are one size throughout.
    from reports.choices import ReportState
    from reports.tests.factories import ReportFactory

    ReportFactory(task=world.task, agency=agency_a, state=ReportState.SUBMITTED)
    page = sign_in(browser, "coordinator", width=390)
    page.goto(browser.base_url + "/dau-moi/hop-thu/")
    cells = page.locator(".list-table tbody tr").first.locator("td[data-label]")
    page.screenshot(path=str(ARTIFACTS / "phone-inbox-card.png"), full_page=True)
    sizes = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c).fontSize)")
    assert len(sizes) >= 6 and len(set(sizes)) == 1, sizes
