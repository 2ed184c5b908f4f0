"""Findings of the walk hwalk12 (every role at 1366 and 390 px)."""

import pytest
from django.urls import reverse

from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["reports:inbox", "reports:reassign_queue"])
def test_the_coordinators_inbox_and_reassign_pages_sit_in_the_headers_container(client, coordinator, coordinating_agency, name):
    # Walk: at 1366 px "Báo cáo chờ tiếp nhận" and "Nhiệm vụ cần giao lại" ran from edge to edge (container-xxl) while
    # the header, the menu and the coordinator's other page ("Đôn đốc") keep to the page's column; their tables are
    # narrow (four to nine columns) and fit it.
    PlanFactory(symbol="125/KH-SKHCN", coordinator=coordinating_agency)
    client.force_login(coordinator)
    page = client.get(reverse(name)).content.decode()
    assert '<div class="container mt-4">' in page
    assert "container-xxl" not in page


def test_the_previous_periods_report_comes_before_the_forms_buttons(client, world, officer_a):
    # Walk: at 390 px the officer read "Báo cáo kỳ trước" under "Lưu nháp" and "Trình lãnh đạo duyệt", after the form
    # it is there to help write. It comes first in the page; at 1366 px it stays in the right column (order-lg-last).
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_edit", args=[world.task.pk, world.period_code]), follow=True).content.decode()
    previous, save = page.index("Báo cáo kỳ trước"), page.index('name="save"')
    assert previous < save
    assert '<aside class="col-lg-4 order-lg-last">' in page
