"""The agency registry in headless Chromium, on a desk and on a phone: a page of agencies at a time, the filters kept."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import ARTIFACTS
from plans.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_anyone_pages_through_the_registry_with_its_filter_kept_and_exports_every_agency_it_chose(browser, width):
    call_command("load_agencies", verbosity=0)  # the province's registry: more than a page
    current = Agency.objects.active_on(timezone.localdate()).count()
    assert current > 50
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 500 else 768}, locale="vi-VN")
    page.goto(browser.base_url + "/co-quan/?state=hien-tai")
    rows = page.locator("table.registry-table tbody tr")
    assert rows.count() == 50
    pages = (current + 49) // 50
    expect(page.get_by_text(f"1 / {pages}")).to_be_visible()
    page.get_by_role("link", name="Trang sau").click()
    page.wait_for_url("**page=2")
    assert "state=hien-tai" in page.url
    assert page.get_by_text(f"2 / {pages}").is_visible() and page.get_by_role("link", name="Trang trước").is_visible()
    assert rows.count() == min(50, current - 50)
    page.screenshot(path=ARTIFACTS / f"registry-page-2-{width}.png", full_page=False)
    export = page.locator("#export-link").get_attribute("href")
    assert "state=hien-tai" in export and "page=" not in export  # the file holds every page
