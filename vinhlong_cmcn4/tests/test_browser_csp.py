"""The Content-Security-Policy holds in Chromium: no page's own script or handler is refused."""

import pytest

from conftest import sign_in
from plans.tests.factories import PlanFactory
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(page, url: str) -> list[str]:
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    page.goto(url)
    page.wait_for_timeout(500)
    return [text for text in messages if "Content Security Policy" in text or "Refused to" in text or text.startswith("page error")]


def test_public_admin_and_api_docs_pages_log_no_csp_violation(browser, sysadmin):
    plan = PlanFactory(symbol="28/KH-UBND")
    TaskFactory(plan=plan, progress=40)
    anonymous = browser.new_page()
    for url in ("/", "/ke-hoach/", f"/ke-hoach/{plan.pk}/", "/dang-nhap/", "/api/docs/"):
        assert _violations(anonymous, browser.base_url + url) == [], url
    admin = sign_in(browser, sysadmin.username)
    for url in (
        "/admin/",
        "/admin/reports/report/",
        "/admin/tasks/task/export/",
        f"/admin/plans/plan/{plan.pk}/nhap-excel/",
        "/dieu-hanh/",
    ):
        assert _violations(admin, browser.base_url + url) == [], url
    admin.goto(browser.base_url + "/admin/tasks/task/export/")
    admin.click("input.select-toggle")  # bound by static/js/admin-export-toggle.js, not inline
    assert admin.eval_on_selector_all("input[type=checkbox]:not(.select-toggle)", "boxes => boxes.filter(b => b.checked).length") == 0
