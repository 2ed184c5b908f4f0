"""Walk hwalk9 on a phone (390 px): a report refused for its mistakes says so where the officer is looking."""

import pytest

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
    assert summary.is_visible()
    assert summary.bounding_box()["y"] + 40 < page.viewport_size["height"]  # in the first screen, not under the form
    text = summary.inner_text()
    assert "chưa được gửi" in text
    assert "Tiến độ (%)" in text and "chuong-trinh.exe" in text  # each mistake, named by its field
    summary.get_by_role("link", name="Đính kèm tài liệu minh chứng").click()
    assert page.evaluate("location.hash") == "#id_attachments"
