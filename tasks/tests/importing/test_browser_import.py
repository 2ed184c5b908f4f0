"""An administrator imports an annex in the admin, in headless Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from plans.services import agency_registry_load
from plans.tests.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
SAMPLE = ROOT / "plans" / "data" / "ke-hoach-1091-phu-luc-nhiem-vu.xlsx"


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.base_url = browser.base_url
    return page


def test_admin_uploads_an_annex_previews_it_and_confirms(page, sysadmin):
    agency_registry_load()
    plan = PlanFactory(symbol="1091/KH-UBND")
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", "Mật-khẩu-thử-2026")
    page.click("input[type=submit]")
    page.goto(f"{page.base_url}/admin/plans/plan/{plan.pk}/change/")
    page.click("text=Nhập từ Excel")
    page.screenshot(path=ARTIFACTS / "admin-import-upload.png", full_page=True)
    page.set_input_files("input[type=file]", str(SAMPLE))
    page.click("input[value='Kiểm tra tệp']")
    expect(page.get_by_text("Chờ xác nhận")).to_be_visible()
    assert "Tuyên truyền, phổ biến Chỉ thị số 16/CT-TTg" in page.content()
    page.screenshot(path=ARTIFACTS / "admin-import-preview.png", full_page=True)
    page.click("input[value='Xác nhận nhập']")
    expect(page.get_by_text("Đã nhập: thêm mới 7")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "admin-import-done.png", full_page=True)
    assert plan.tasks.count() == 7


def test_the_admins_file_chooser_speaks_vietnamese_in_an_english_browser(browser, sysadmin):
    # Walk (hwalk7): the portal's forms name their file chooser in Vietnamese ("Chọn tệp…", "Chưa chọn tệp nào."), but
    # the admin's annex upload showed the browser's own "Choose File / No file chosen" to an English browser.

    agency_registry_load()
    plan = PlanFactory(symbol="1091/KH-UBND")
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    page.goto(browser.base_url + "/admin/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", "Mật-khẩu-thử-2026")
    page.click("input[type=submit]")
    page.goto(f"{browser.base_url}/admin/plans/plan/{plan.pk}/nhap-excel/")
    chooser = page.locator(".file-choice")
    expect(chooser.get_by_text("Chọn tệp…")).to_be_visible()
    expect(chooser.get_by_text("Chưa chọn tệp nào.")).to_be_visible()
    native = page.locator("input[type=file]").bounding_box()
    assert native["width"] <= 1 and native["height"] <= 1, native  # the browser's own chooser, in its language, is hidden
    page.set_input_files("input[type=file]", str(SAMPLE))
    expect(chooser.get_by_text(SAMPLE.name)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "admin-import-upload-phone.png", full_page=True)
    page.click("input[value='Kiểm tra tệp']")
    expect(page.get_by_text("Chờ xác nhận")).to_be_visible()
