"""The portal as a person sees it, in headless Chromium; screenshots land in test-artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from plans.tests.factories import PlanFactory, SectionFactory
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="en-US")
    page.base_url = browser.base_url
    return page


def test_home_page_lists_plans_in_vietnamese(page):
    plan = PlanFactory(symbol="28/KH-UBND", title="Kế hoạch thực hiện Chỉ thị số 16/CT-TTg về Cách mạng công nghiệp lần thứ 4")
    TaskFactory(plan=plan, progress=75)
    page.goto(page.base_url + "/")
    expect(page.get_by_text("28/KH-UBND")).to_be_visible()
    expect(page.get_by_role("heading", name="Các kế hoạch đã công bố")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "home.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "home-phone.png", full_page=True)


def test_admin_plan_page_in_vietnamese(page, sysadmin):
    section = SectionFactory(title="Tuyên truyền, nâng cao nhận thức về cuộc Cách mạng công nghiệp lần thứ 4")
    TaskFactory(plan=section.plan, section=section, title="Tổ chức các hoạt động tuyên truyền")
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", "Mật-khẩu-thử-2026")
    page.click("input[type=submit]")
    page.goto(f"{page.base_url}/admin/plans/plan/{section.plan.pk}/change/")
    expect(page.get_by_text("Nhóm nhiệm vụ").first).to_be_visible()
    assert "Tổ chức các hoạt động tuyên truyền" in page.content()
    page.screenshot(path=ARTIFACTS / "admin-plan.png", full_page=True)


def test_the_admin_plan_pages_task_inline_fits_1366_px(page, sysadmin):
    # Walk (issue 30, point 10): the task inline was 1,739–1,795 px wide at 1366 px (long section names in its list,
    # a 50-column title box, a saved task's name on one line).
    long = "Tuyên truyền, nâng cao nhận thức về cuộc Cách mạng công nghiệp lần thứ 4 cho cán bộ, công chức và người dân"
    section = SectionFactory(title=long)
    for n in range(3):
        TaskFactory(plan=section.plan, section=section, number=str(n + 1), title=f"{long} — nhiệm vụ {n + 1}", timeframe="Quý IV/2018")
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", "Mật-khẩu-thử-2026")
    page.click("input[type=submit]")
    page.goto(f"{page.base_url}/admin/plans/plan/{section.plan.pk}/change/")
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, table: document.querySelector('#tasks-group table').getBoundingClientRect().right})"
    )
    assert widths["page"] <= 1366 and widths["table"] <= 1366, widths
    page.locator("#tasks-group").screenshot(path=ARTIFACTS / "admin-plan-tasks-1366.png")
