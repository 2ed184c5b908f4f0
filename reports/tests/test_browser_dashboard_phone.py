"""The dashboard read on a phone (walk hwalk7): every table fits 390 px, each row a card with its figures named."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, sign_in
from plans.tests.factories import AgencyFactory
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_agency_table_is_one_card_per_agency_without_sideways_scrolling(browser, world, leader):
    # Walk (hwalk7): at 390 px the table "Các cơ quan, chậm nhất xếp trước" kept its eight columns: the names wrapped
    # a word a line ("Ủy ban / nhân dân / huyện…") and "Báo cáo trễ hạn" and "Tỷ lệ đúng hạn" lay off the screen.
    agency = AgencyFactory(name="Ủy ban nhân dân thành phố Vĩnh Long", aliases=["UBND thành phố Vĩnh Long"])
    TaskAssignmentFactory(task=world.other_task, agency=agency, role=AssignmentRole.LEAD)
    page = sign_in(browser, "leader", width=390)
    page.goto(browser.base_url + "/dieu-hanh/")
    page.locator("#agency-table").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "phone-dashboard-agencies.png"), full_page=True)
    box = page.evaluate("() => { const d = document.getElementById('agency-table').parentElement; return [d.scrollWidth, d.clientWidth]; }")
    assert box[0] <= box[1], box  # no sideways scrolling
    card = page.locator("#agency-table tbody tr", has_text="thành phố Vĩnh Long")
    name = card.locator("td").first.bounding_box()
    assert name["width"] > 250, name  # the agency's name reads across the card
    rate = card.locator("td[data-label='Tỷ lệ đúng hạn']")
    expect(rate).to_be_visible()
    named = rate.evaluate("td => getComputedStyle(td, '::before').content")
    assert named == '"Tỷ lệ đúng hạn"', named  # every figure named on the card (the column headers are hidden)
    late = card.locator("td[data-label='Báo cáo trễ hạn']")
    expect(late).to_be_visible()


def test_on_a_phone_a_summarys_section_and_agency_tables_are_cards_without_sideways_scrolling(browser, filed, leader, agency_b):
    # Walk (hwalk7): at 390 px a summary's "Kết quả theo nhóm nhiệm vụ" and "Cơ quan, đơn vị" kept their columns: the
    # sections' titles wrapped a word a line ("Tuyên / truyền, / nâng cao…") and the progress lay off the screen.
    from reports.periods import parse_period_code
    from reports.summaries.service import summary_compile

    filed.task.section.title = "Tuyên truyền, nâng cao nhận thức về cuộc Cách mạng công nghiệp lần thứ 4"
    filed.task.section.save()
    agency_b.name = "Ủy ban nhân dân thành phố Vĩnh Long"
    agency_b.save()
    summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    page = sign_in(browser, "leader", width=390)
    page.goto(browser.base_url + summary.get_absolute_url())
    page.screenshot(path=str(ARTIFACTS / "phone-summary-tables.png"), full_page=True)
    for region in ("Kết quả theo nhóm nhiệm vụ", "Cơ quan, đơn vị"):
        table = page.get_by_role("region", name=region)
        box = table.evaluate("d => [d.scrollWidth, d.clientWidth]")
        assert box[0] <= box[1], (region, box)  # no sideways scrolling
        first = table.locator("tbody tr").first
        assert first.locator("td").first.bounding_box()["width"] > 250, region  # the name reads across the card
        labels = first.evaluate("tr => [...tr.querySelectorAll('td[data-label]')].map(td => getComputedStyle(td, '::before').content)")
        assert len(labels) == first.locator("td").count() - 1 and all(label.startswith('"') for label in labels), (region, labels)
