"""One request for more time, from the head to the coordinator to the decision, followed through the notices alone."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"handoff-{name}.png", full_page=True)


def test_an_extension_goes_from_head_to_coordinator_to_decision_through_the_notices_alone(browser, world, head_a, coordinator):
    head = sign_in(browser, "head_a")
    # From the landing page: the task's report form, its link to the requests, the form (no typed address).
    head.locator("tr", has_text="Tuyên truyền về chuyển đổi số").get_by_role("link", name="Báo cáo").click()
    head.get_by_role("link", name="Đề nghị gia hạn").click()
    head.fill("#id_requested_due", "30/06/2031")
    head.fill("#id_reason", "Chờ phân bổ kinh phí năm 2031")
    head.get_by_role("button", name="Gửi đề nghị").click()
    expect(head.get_by_text("30/06/2031").first).to_be_visible()
    shot(head, "01-head-asked")

    coord = sign_in(browser, "coordinator")  # lands on the inbox: the work box and the notice name the request
    assert "Việc cần xử lý" in coord.locator("nav").inner_text() and coord.locator(".nav-work .badge").inner_text() == "1"
    notice = coord.locator(".notices .alert", has_text="xin gia hạn")
    assert "30/06/2031" in notice.inner_text()
    shot(coord, "02-coordinator-landing")
    notice.get_by_role("button", name="Mở và đánh dấu đã đọc").click()
    coord.get_by_role("button", name="Chấp thuận", exact=True).click()
    expect(coord.get_by_text("Gia hạn đến 30/06/2031").first).to_be_visible()
    assert coord.locator(".nav-work .badge").count() == 0  # decided: it left the list
    shot(coord, "03-coordinator-decided")

    head.goto(browser.base_url + "/")  # the head comes back to the portal: home, then its own page from the menu
    head.get_by_role("link", name="Nhiệm vụ của đơn vị").first.click()
    decided = head.locator(".notices .alert", has_text="đã được chấp thuận")
    assert "30/06/2031" in decided.inner_text()
    decided.get_by_role("button", name="Mở và đánh dấu đã đọc").click()
    expect(head.get_by_text("Gia hạn đến 30/06/2031").first).to_be_visible()
    shot(head, "04-head-told")


def test_on_a_phone_a_notice_reads_across_the_screen_with_its_button_below(browser, world, head_a):
    # Walk at 390 px: the head's landing page squeezed each notice into a column of three words beside its button.
    from reports.models import Notice

    Notice.objects.create(
        user=head_a,
        key="walk-1",
        url="/don-vi/nhiem-vu/",
        text="Đề nghị gia hạn nhiệm vụ 15 (125/KH-SKHCN) đã được chấp thuận: hạn mới là 30/04/2027.",
    )
    phone = sign_in(browser, "head_a", width=390)
    notice = phone.locator(".notices .alert").first
    text, button = notice.get_by_text("đã được chấp thuận").bounding_box(), notice.get_by_role("button").bounding_box()
    assert text["width"] >= 300 and button["y"] >= text["y"] + text["height"], (text, button)
    laptop = sign_in(browser, "head_a")
    notice = laptop.locator(".notices .alert").first
    text, button = notice.get_by_text("đã được chấp thuận").bounding_box(), notice.get_by_role("button").bounding_box()
    assert button["x"] > text["x"] + text["width"] - 1  # beside it where there is room
    phone.screenshot(path=ARTIFACTS / "notice-phone.png")
