"""Indicators read on a phone, as cards: each field is its label and one value beside it (walk hwalk6)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from conftest import ARTIFACTS
from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.tests.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_judgement_is_a_badge_with_its_reason_beneath(browser, agency_a):
    # Walk (hwalk6): at 390 px the judgement's badge was stretched into a tall coloured block, and its reason
    # ("Chậm so với lộ trình…") squeezed into a column one word wide beside it: three flex items on one row.
    plan = PlanFactory(symbol="125/KH-SKHCN")
    indicator = IndicatorFactory(plan=plan, code="CT-01", agency=agency_a, baseline_value=D(5), baseline_year=2017)
    TargetFactory(indicator=indicator, year=2030, value=D(100))
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2025, 12, 31), year=2025, value=D(20), source="Cục Thống kê")
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page.goto(browser.base_url + reverse("indicators:plan", args=[plan.pk]))
    page.screenshot(path=str(ARTIFACTS / "phone-indicator-cards.png"), full_page=True)
    cells = page.evaluate(
        "() => [...document.querySelectorAll('.indicator-table tbody td[data-label]')].map(td => {"
        " const badge = td.querySelector('.badge'), reason = td.querySelector('.badge ~ .small');"
        " return {label: td.dataset.label, values: td.children.length, bar: !!td.querySelector('.progress'),"
        " badge: badge && badge.getBoundingClientRect().height, reason: reason && reason.getBoundingClientRect().width}; })"
    )
    judgement = [cell for cell in cells if cell["badge"] is not None]
    assert judgement, "the indicator's judgement is shown"
    assert judgement[0]["badge"] < 30, judgement  # one line, not the height of its reason
    assert judgement[0]["reason"] > 150, judgement  # the reason reads across the card, not a word a line
    # every figure is one value beside its label, not the figure in the middle and its year at the card's edge
    assert [cell["label"] for cell in cells if cell["values"] > 1 and not cell["bar"]] == []
