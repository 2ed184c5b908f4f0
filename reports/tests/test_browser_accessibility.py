"""Accessibility and layout in headless Chromium: axe-core on the main pages of each role, a report
filed with the keyboard alone, and the layouts that used to clip or overflow.

axe-core is vendored under static/vendor/axe-core/ and injected by the test only: pages never load it.
The results of every page are written to test-artifacts/axe-results.json.
"""

import datetime
import json

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BLOCKING = {"serious", "critical"}


def axe(page) -> list[dict]:
    """The violations axe-core finds on the page as it is now (WCAG 2 A/AA and best practices)."""
    # Served by the portal itself, so the page's Content-Security-Policy lets it run (an inline copy would not).
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )


def _check(page, name: str, results: dict) -> None:
    page.wait_for_load_state("networkidle")
    violations = axe(page)
    results[name] = {"url": page.url, "violations": violations}


def test_the_main_pages_of_every_role_have_no_serious_accessibility_violations(browser, world, officer_a, head_a, coordinator, leader):
    results: dict = {}
    anonymous = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    for name, url in (
        ("login", "/dang-nhap/"),
        ("public-plan", world.plan.get_absolute_url()),
        ("public-task", world.task.get_absolute_url()),
        ("public-search", "/ke-hoach/?q=chuyen+doi"),
    ):
        anonymous.goto(browser.base_url + url)
        _check(anonymous, name, results)
    anonymous.close()
    for user in ("officer_a", "head_a", "coordinator", "leader"):
        page = sign_in(browser, user)
        _check(page, f"{user}-landing", results)
        if user == "officer_a":
            page.goto(f"{browser.base_url}/nhiem-vu/{world.task.pk}/bao-cao/{world.period_code}/")
            _check(page, "report-form", results)
        if user == "leader":
            page.goto(browser.base_url + "/dieu-hanh/")
            _check(page, "dashboard", results)
        page.close()
    phone = sign_in(browser, "officer_a", width=390)  # officers report from their phones too
    _check(phone, "officer_a-landing-phone", results)
    phone.goto(browser.base_url + world.plan.get_absolute_url())
    _check(phone, "public-plan-phone", results)
    (ARTIFACTS / "axe-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    blocking = {name: [v for v in result["violations"] if v["impact"] in BLOCKING] for name, result in results.items()}
    assert not any(blocking.values()), {name: found for name, found in blocking.items() if found}


def test_an_officer_files_a_report_with_the_keyboard_alone(browser, world, officer_a):
    page = sign_in(browser, "officer_a")
    page.goto(f"{browser.base_url}/nhiem-vu/{world.task.pk}/bao-cao/{world.period_code}/")
    typed = {"id_progress": "45", "id_results": "Đã tổ chức 2 hội nghị phổ biến"}
    sent = False
    for _ in range(80):  # Tab through the page as a keyboard user does
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({id: document.activeElement.id, name: document.activeElement.name, tag: document.activeElement.tagName})"
        )
        assert focused["tag"] != "BODY", "the focus was lost"
        if focused["id"] in typed:
            page.keyboard.press("Control+A")
            page.keyboard.type(typed.pop(focused["id"]))
        elif focused["name"] == "send" and not typed:
            page.keyboard.press("Enter")
            sent = True
            break
    assert sent, f"the send button was never reached (fields left: {list(typed)})"
    page.get_by_text("Đã lưu và trình lãnh đạo đơn vị duyệt", exact=False).wait_for()
    report = Report.objects.get(task=world.task)
    assert report.progress == 45 and report.results == "Đã tổ chức 2 hội nghị phổ biến" and report.state == "pending"
    page.screenshot(path=ARTIFACTS / "keyboard-report-sent.png", full_page=True)


def test_lists_and_the_dashboard_fit_their_width_and_keep_what_matters(browser, world, officer_a, leader):
    # QA: a completed task's "Đã hoàn thành, không cần báo cáo" did not wrap and pushed the list past 1366 px.
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

    done = TaskFactory(
        plan=world.plan, section=world.task.section, number="3", title="Xây dựng cổng dữ liệu mở", due_date=datetime.date(2026, 6, 30)
    )
    done.completed_on, done.progress = datetime.date(2026, 1, 12), 100
    done.save()
    TaskAssignmentFactory(task=done, agency=officer_a.agency, role=AssignmentRole.LEAD)
    officer = sign_in(browser, "officer_a")
    assert officer.get_by_text("Đã hoàn thành, không cần báo cáo").count() >= 1
    overflowing = officer.evaluate(
        "() => [...document.querySelectorAll('.table-responsive, select')].filter(e => e.scrollWidth > e.clientWidth + 1).length"
    )
    clipped = officer.evaluate(
        """() => [...document.querySelectorAll('select')].filter(s => {
            const probe = document.createElement('span'); probe.style.font = getComputedStyle(s).font; probe.style.position = 'absolute';
            probe.textContent = s.options[s.selectedIndex].text; document.body.appendChild(probe);
            const wide = probe.offsetWidth; probe.remove(); return wide > s.clientWidth - 36; }).map(s => s.name)"""
    )
    assert overflowing == 0 and clipped == []
    phone = sign_in(browser, "officer_a", width=390)
    card = phone.locator("tr", has_text="Tuyên truyền về chuyển đổi số")
    due = card.locator("td[data-label='Hạn hoàn thành']")
    assert due.is_visible() and due.inner_text() == "31/12/2030"  # the due date stays on the phone card
    label = phone.evaluate("() => { const r = document.querySelector('.list-table td').getBoundingClientRect(); return r.left; }")
    assert label >= phone.evaluate("() => document.querySelector('.list-table tbody tr').getBoundingClientRect().left + 4")
    dashboard = sign_in(browser, "leader")
    dashboard.goto(browser.base_url + "/dieu-hanh/")
    table = dashboard.locator(".dashboard-table").first
    assert dashboard.evaluate(
        "() => { const d = document.querySelector('.dashboard-table').parentElement; return d.scrollWidth <= d.clientWidth; }"
    )
    expect(table.get_by_text("Kỳ báo cáo hiện tại")).to_be_visible()


def test_the_public_plan_shows_status_and_progress_without_sideways_scrolling(browser, world, agency_a, agency_b, leader):
    from plans.tests.factories import AgencyFactory
    from tasks.choices import AssignmentRole
    from tasks.tests.factories import TaskAssignmentFactory

    # A row as the plans write them: a long product, a timeframe in words, several cooperating agencies.
    task = world.task
    task.product = "Báo cáo kết quả triển khai gửi Sở Thông tin và Truyền thông tổng hợp, báo cáo Ủy ban nhân dân tỉnh"
    task.timeframe = "Hằng năm, giai đoạn 2017 - 2030"
    task.due_date = datetime.date(2030, 6, 29)  # a Saturday: the list says which day it is judged by, and why
    task.save()
    world.other_task.extended_due_date = datetime.date(2031, 6, 30)
    world.other_task.save()
    for n in range(3):
        agency = AgencyFactory(code=f"HUYEN{n}", name=f"Ủy ban nhân dân huyện Long Hồ số {n}", aliases=[f"UBND huyện Long Hồ {n}"])
        TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.COOPERATING)
    for width in (1366, 1280):
        page = browser.new_page(viewport={"width": width, "height": 768}, locale="vi-VN")
        page.goto(browser.base_url + world.plan.get_absolute_url())
        box = page.evaluate(
            "() => { const d = document.querySelector('.public-task-table').parentElement; return [d.scrollWidth, d.clientWidth]; }"
        )
        assert box[0] <= box[1], f"the table is {box[0]}px wide in a {box[1]}px box at {width}px"
        for key in ("status", "progress"):
            right = page.evaluate(
                f"() => Math.max(...[...document.querySelectorAll('.public-task-table .col-{key}')].map(c => c.getBoundingClientRect().right))"
            )
            assert right <= width, (key, right, width)
        page.screenshot(path=ARTIFACTS / f"public-plan-{width}.png", full_page=True)
        page.close()
    # The leadership's list of the same tasks (QA: its progress column was cut at 1366 px): the timeframe under the task.
    page = sign_in(browser, leader.username)
    page.goto(browser.base_url + "/dieu-hanh/nhiem-vu/")
    right = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.list-table .col-progress')].map(c => c.getBoundingClientRect().right))"
    )
    assert right <= 1366, right
    assert "Thời gian thực hiện: Hằng năm, giai đoạn 2017 - 2030" in page.locator("td.col-title").first.inner_text()
    page.screenshot(path=ARTIFACTS / "leadership-list-1366.png", full_page=True)
    page.close()
    phone = browser.new_page(viewport={"width": 390, "height": 768}, locale="vi-VN")
    phone.goto(browser.base_url + world.plan.get_absolute_url())
    card = phone.locator("tr", has_text="Tuyên truyền về chuyển đổi số")
    assert card.locator("td.col-status").is_visible() and card.locator("td.col-progress").is_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth <= 390")
    phone.screenshot(path=ARTIFACTS / "public-plan-phone.png", full_page=True)


def test_the_compile_form_shows_only_the_periods_of_the_plan_chosen(browser, world, coordinator):
    from plans.tests.factories import PlanFactory

    PlanFactory(symbol="99/KH-UBND", reporting_kinds=["quarter"])
    page = sign_in(browser, "coordinator")
    page.goto(browser.base_url + "/dieu-hanh/bao-cao-tong-hop/")
    page.select_option("#id_plan", label="28/KH-UBND")
    visible = page.evaluate("() => [...document.querySelectorAll('#id_period option')].filter(o => !o.hidden && o.value).map(o => o.text)")
    assert "6 tháng cuối năm 2018" in visible and not any(text.startswith("Quý") for text in visible)
    page.select_option("#id_period", label="Năm 2018")
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.get_by_text("Năm 2018").first).to_be_visible()
