"""The "số liệu minh họa" tag says the figures a row shows are examples, and leaves once they are not (walk hwalk5)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.selectors import indicator_row
from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_tag_leaves_the_row_once_its_latest_figure_is_a_published_one(client, agency_a):
    # Walk: the demo's example of 2024 stayed in the history, and its tag stuck to the row of 2025's published figure.
    plan = PlanFactory(symbol="125/KH-SKHCN")
    indicator = IndicatorFactory(plan=plan, code="CT-01", agency=agency_a, name="Tỷ lệ hồ sơ trực tuyến")
    TargetFactory(indicator=indicator, year=2030, value=D(100))
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2024, 12, 31), year=2024, value=D(40), is_illustrative=True)
    row = indicator_row(indicator, today=timezone.localdate())
    assert row.is_illustrative  # the figure shown is the example
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2025, 12, 31), year=2025, value=D(61), source="Cục Thống kê")
    row = indicator_row(indicator, today=timezone.localdate())
    assert not row.is_illustrative
    page = client.get(reverse("indicators:plan", args=[plan.pk])).content.decode()
    assert "số liệu minh họa" not in page.split("<table", 1)[1]
    detail = client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert "minh họa" in detail  # the 2024 example keeps its own mark in the list of values
