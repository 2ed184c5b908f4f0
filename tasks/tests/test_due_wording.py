"""How a list writes a due date that a day off moved."""

import datetime

import pytest
from django.utils import translation

from tasks.columns import due_html
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_an_extended_date_that_falls_on_a_sunday_is_named_before_the_day_it_moves_to():
    # Walk: "31/12/2018 → 01/04/2019 (lùi do ngày nghỉ cuối tuần)" read as if the plan's date had moved.
    task = TaskFactory(due_date=datetime.date(2018, 12, 31), extended_due_date=datetime.date(2019, 3, 31))  # a Sunday
    with translation.override("vi"):
        shown = str(due_html(task))
    assert shown.startswith("31/12/2018<br>") and "Gia hạn đến 31/03/2019 → 01/04/2019" in shown
