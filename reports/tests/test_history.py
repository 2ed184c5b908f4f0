"""The change history reads in Vietnamese and local time: never "submitted → accepted" or "+00:00"."""

import datetime

import pytest
from django.urls import reverse

from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db


def test_the_history_shows_vietnamese_states_and_local_times(client, world, agency_a, officer_a, head_a, coordinator):
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "x"},
        version=None,
    )
    sent = datetime.datetime(2018, 12, 18, 3, 5, tzinfo=datetime.UTC)  # 10:05 in Vĩnh Long
    report = report_transition(report=report, action="submit", by=head_a, notify=False, at=sent)
    report_transition(report=report, action="accept", by=coordinator, notify=False)
    client.force_login(coordinator)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert "Đã gửi" in history and "Đã tiếp nhận" in history
    assert "10:05 18/12/2018" in history
    assert "submitted" not in history and "+00:00" not in history


def test_a_long_text_changed_near_its_end_shows_where_it_differs(client, world, agency_a, officer_a):
    """Found by walking the portal (stop 22): both sides were cut at 60 characters, so they read the same."""
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    start = "Đã triển khai mạng truyền số liệu chuyên dùng cấp II đến 85 xã, phường, thị trấn; "
    saved = {"progress": 40, "work_state": "in_progress", "results": start + "còn 22 xã chưa kết nối."}
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=saved, version=None)
    changed = {**saved, "results": start + "còn 12 xã chưa kết nối."}
    report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=changed, version=report.version)
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert "<del>…phường, thị trấn; còn 22 xã chưa kết nối.</del> → …phường, thị trấn; còn 12 xã chưa kết nối." in history


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("ngắn", "dài hơn", ("ngắn", "dài hơn")),
        ("a" * 70, "b" * 70, ("a" * 59 + "…", "b" * 59 + "…")),  # differ at once: from the start
        ("x " * 40 + "cũ", "x " * 40 + "mới", ("…" + "x " * 10 + "cũ", "…" + "x " * 10 + "mới")),
        ("", "nội dung mới " * 6, ("", ("nội dung mới " * 6)[:59] + "…")),
    ],
)
def test_change_excerpts_start_near_the_first_difference_and_never_exceed_the_width(old, new, shown):
    from reports.history import SHOWN, change_excerpts

    excerpts = change_excerpts(old, new)
    assert excerpts == shown
    assert all(len(side) <= SHOWN for side in excerpts)
