"""A reorganisation as people do it, in headless Chromium: load the CSV, preview, apply; the successor's officer; the coordinator's queue."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from plans.models import Agency
from reports.periods import parse_period_code
from reports.services import report_save, reporting_period_get_or_create
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CSV = ARTIFACTS.parent / "plans" / "data" / "reorganisation-2025.csv"


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"reorganisation-{name}.png", full_page=True)


def test_an_administrator_applies_the_2025_decisions_and_the_successor_and_coordinator_carry_on(
    browser, world, officer_a, officer_b, coordinator, sysadmin
):
    call_command("load_agencies", verbosity=0)
    district = Agency.objects.get(code="UBND_TXBM")
    press = TaskFactory(plan=world.plan, section=world.task.section, number="3", title="Chuyển đổi số trong hoạt động báo chí")
    TaskAssignmentFactory(task=press, agency=officer_a.agency, role=AssignmentRole.LEAD)
    local = TaskFactory(plan=world.plan, section=world.task.section, number="4", title="Xây dựng chính quyền số cấp huyện")
    TaskAssignmentFactory(task=local, agency=district, role=AssignmentRole.LEAD)
    period = reporting_period_get_or_create(period=parse_period_code("2019-H1"))
    report_save(
        task=press, agency=officer_a.agency, period=period, by=officer_a, data={"progress": 30, "work_state": "in_progress"}, version=None
    )

    admin = sign_in(browser, "sysadmin")
    admin.goto(browser.base_url + "/admin/plans/reorganisationdecision/nap-csv/")
    admin.set_input_files("#id_file", str(CSV))
    shot(admin, "01-load")
    admin.click("input[value='Nạp']")
    expect(admin.get_by_text("Đã ghi nhận 2 quyết định")).to_be_visible()
    expect(admin.get_by_text("Có hiệu lực từ 01/03/2025.")).to_be_visible()
    shot(admin, "02-preview")
    assert "Sở Thông tin và Truyền thông" in admin.content()
    # The transfers of functions have no task chosen: the preview says so, and applying asks for the box to be ticked.
    expect(admin.get_by_text("Chưa chọn nhiệm vụ nào chuyển theo “Sở Thông tin và Truyền thông → Sở Văn hóa")).to_be_visible()
    admin.click("input[value='Xác nhận và áp dụng']")
    assert admin.get_by_text("Đã áp dụng quyết định").count() == 0  # the browser refuses: the box is required
    admin.check("input[name='none_chosen_confirmed']")
    admin.click("input[value='Xác nhận và áp dụng']")
    expect(admin.get_by_text("Đã áp dụng quyết định")).to_be_visible()
    admin.locator("a", has_text="(01/07/2025)").click()  # the other decision
    admin.click("input[value='Xác nhận và áp dụng']")
    expect(admin.get_by_text("Đã áp dụng quyết định")).to_be_visible()
    shot(admin, "03-applied")
    assert Agency.objects.get(code="STTTT").active_to == datetime.date(2025, 3, 1)

    successor = sign_in(browser, "officer_b")
    row = successor.locator("tr", has_text="Chuyển đổi số trong hoạt động báo chí")
    expect(row.get_by_text("kế thừa từ Sở TT&TT (từ 01/03/2025)")).to_be_visible()
    row.locator("summary").click()
    expect(row.get_by_role("link", name="6 tháng đầu năm 2019")).to_be_visible()
    shot(successor, "04-successor-tasks")
    phone = sign_in(browser, "officer_b", width=390)
    phone.locator("tr", has_text="Chuyển đổi số trong hoạt động báo chí").scroll_into_view_if_needed()
    shot(phone, "05-successor-phone")

    coord = sign_in(browser, "coordinator")
    coord.goto(browser.base_url + "/dau-moi/giao-lai/")
    expect(coord.get_by_text("Xây dựng chính quyền số cấp huyện")).to_be_visible()
    shot(coord, "06-queue")
    coord.locator("tr", has_text="Xây dựng chính quyền số cấp huyện").locator("select").select_option(label="Sở Nội vụ")
    coord.locator("#confirm-reassign").check()
    coord.get_by_role("button", name="Giao lại").click()
    expect(coord.get_by_text("Đã giao lại 1 nhiệm vụ")).to_be_visible()
    shot(coord, "07-reassigned")
    assert local.assignments.get().agency.code == "SNV"

    # Anyone reads the registry from the public menu: who took over a ceased agency's work, and since when.
    public = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    public.goto(browser.base_url + "/")
    public.get_by_role("navigation").get_by_role("link", name="Danh bạ cơ quan, đơn vị").click()
    public.get_by_label("Tìm kiếm").fill("thong tin truyen thong")
    public.get_by_role("button", name="Lọc").click()
    expect(public.get_by_text("Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)")).to_be_visible()
    shot(public, "08-registry")


def test_on_a_phone_each_task_to_reassign_is_a_card_whose_agency_list_reads_whole(browser, world, coordinator):
    # Walk at 390 px: the queue stayed a four-column table; its "Giao cho" list was 60 px wide, a chosen agency unreadable.
    from plans.tests.factories import AgencyFactory

    world.plan.coordinator = coordinator.agency
    world.plan.save()
    district = AgencyFactory(name="Ủy ban nhân dân huyện Long Hồ", active_to=datetime.date(2025, 7, 1))
    task = TaskFactory(plan=world.plan, number="5", title="Đẩy mạnh việc ứng dụng công nghệ thông tin vào các hoạt động của đời sống")
    TaskAssignmentFactory(task=task, agency=district, role=AssignmentRole.LEAD)
    phone = sign_in(browser, "coordinator", width=390)
    phone.goto(browser.base_url + "/dau-moi/giao-lai/")
    row = phone.locator("tr", has_text="Ủy ban nhân dân huyện Long Hồ")
    chooser = row.locator("select")
    chooser.select_option(index=1)
    assert chooser.bounding_box()["width"] >= 300, chooser.bounding_box()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert row.locator("input[type=checkbox]").is_visible() and phone.get_by_label("Chọn tất cả").first.is_visible()
    phone.screenshot(path=ARTIFACTS / "reassign-queue-phone.png", full_page=True)
