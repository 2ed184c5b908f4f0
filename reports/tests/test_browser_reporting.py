"""The reporting workflow as people do it, in headless Chromium, with a screenshot of each page."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"workflow-{name}.png", full_page=True)


def test_report_goes_from_officer_to_head_to_coordinator_and_back(browser, world, officer_a, head_a, coordinator, tmp_path):
    evidence = tmp_path / "bien-ban-hoi-nghi.pdf"
    evidence.write_bytes(PDF)

    officer = sign_in(browser, "officer_a")
    shot(officer, "01-officer-tasks")
    officer.locator("tr", has_text="Tuyên truyền về chuyển đổi số").get_by_role("link", name="Báo cáo").click()
    officer.fill("#id_progress", "40")
    officer.fill("#id_results", "Đã tổ chức 3 hội nghị phổ biến Chỉ thị 16/CT-TTg")
    officer.set_input_files("#id_attachments", str(evidence))
    shot(officer, "02-officer-form")
    officer.get_by_role("button", name="Trình lãnh đạo duyệt", exact=True).click()
    expect(officer.get_by_text("Chờ duyệt").first).to_be_visible()
    expect(officer.get_by_role("link", name="bien-ban-hoi-nghi.pdf")).to_be_visible()
    shot(officer, "03-officer-sent")

    head = sign_in(browser, "head_a")
    head.get_by_role("link", name="28/KH-UBND · nhiệm vụ 1").click()
    shot(head, "04-head-report")
    head.get_by_role("button", name="Duyệt và gửi").click()
    expect(head.get_by_text("Đã gửi").first).to_be_visible()

    coord = sign_in(browser, "coordinator")
    shot(coord, "05-coordinator-inbox")
    coord.get_by_role("link", name="Tuyên truyền về chuyển đổi số").click()
    coord.fill("#comment-return", "Đề nghị bổ sung số liệu người tham dự")
    coord.get_by_role("button", name="Trả lại đơn vị").click()
    expect(coord.get_by_text("Bị trả lại").first).to_be_visible()
    shot(coord, "06-coordinator-returned")

    officer.goto(browser.base_url + "/don-vi/nhiem-vu/")
    box = officer.locator("#returned")
    assert "Báo cáo bị trả lại" in box.inner_text() and "Đề nghị bổ sung số liệu người tham dự" in box.inner_text()
    shot(officer, "06b-officer-returned-box")
    box.get_by_role("link", name="28/KH-UBND · nhiệm vụ 1").click()
    reason = officer.locator("#return-reason").inner_text()
    assert "Đề nghị bổ sung số liệu người tham dự" in reason and "Bị trả lại bởi" in reason
    shot(officer, "06c-officer-form-with-reason")
    officer.fill("#id_progress", "60")
    officer.fill("#id_results", "Đã tổ chức 3 hội nghị với 450 người tham dự")
    officer.get_by_role("button", name="Trình lãnh đạo duyệt", exact=True).click()
    shot(officer, "07-officer-resent")

    head.goto(browser.base_url + "/don-vi/nhiem-vu/")
    head.get_by_role("link", name="28/KH-UBND · nhiệm vụ 1").click()
    head.get_by_role("button", name="Duyệt và gửi").click()

    # QA: on a phone the header row, and its "select all" box, are hidden: a box above the list does it there.
    narrow = sign_in(browser, "coordinator", width=390)
    narrow.goto(browser.base_url + "/dau-moi/hop-thu/")
    expect(narrow.locator("#select-all-narrow")).to_be_visible()
    expect(narrow.locator("#select-all")).to_be_hidden()
    narrow.locator("#select-all-narrow").check()
    assert narrow.locator("tbody input[type=checkbox]").evaluate_all("boxes => boxes.length > 0 && boxes.every(b => b.checked)")
    shot(narrow, "07b-coordinator-inbox-phone")
    narrow.close()

    coord.goto(browser.base_url + "/dau-moi/hop-thu/")
    expect(coord.locator("#select-all-narrow")).to_be_hidden()  # on a wide screen, the header's box
    coord.locator("tr", has_text="Tuyên truyền về chuyển đổi số").locator("input[type=checkbox]").check()
    coord.get_by_role("button", name="Tiếp nhận các báo cáo đã chọn").click()
    expect(coord.get_by_text("Đã tiếp nhận 1 báo cáo")).to_be_visible()
    shot(coord, "08-coordinator-accepted")

    officer.goto(browser.base_url + "/don-vi/nhiem-vu/")
    row = officer.locator("tr", has_text="Tuyên truyền về chuyển đổi số")
    assert "60%" in row.inner_text() and "Đã tiếp nhận" in row.inner_text()
    shot(officer, "09-officer-progress")

    phone = sign_in(browser, "officer_a", width=390)
    phone.goto(browser.base_url + "/don-vi/nhiem-vu/")
    shot(phone, "10-officer-tasks-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone
