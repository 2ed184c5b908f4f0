"""A list read on a phone, as cards: a field the row leaves empty is not shown as a label with nothing after it."""

import pytest

from conftest import ARTIFACTS
from plans.tests.factories import PlanFactory, SectionFactory
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_a_task_card_shows_no_label_without_a_value(browser):
    # Walk (hwalk5): at 390 px each card of a plan's tasks read "Gia hạn đến:" and "Hạn hoàn thành:" with nothing after.
    plan = PlanFactory(symbol="125/KH-SKHCN")
    TaskFactory(plan=plan, section=SectionFactory(plan=plan), title="Tổ chức tuyên truyền", timeframe="Thường xuyên")
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page.goto(browser.base_url + plan.get_absolute_url())
    page.screenshot(path=str(ARTIFACTS / "phone-task-cards.png"), full_page=True)
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.list-table tbody td[data-label]')].filter(td => td.offsetParent)"
        ".map(td => [td.dataset.label, td.textContent.trim()])"
    )
    assert shown, "the plan's tasks are listed"
    assert [label for label, text in shown if not text] == []
