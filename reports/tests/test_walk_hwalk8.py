"""Findings of the walk hwalk8 (a deadline day: officer, head, coordinator, leadership, public)."""

import pytest
from django.urls import reverse

from reports.choices import SummaryState
from reports.models import Summary
from reports.periods import parse_period_code
from reports.services import report_save, reporting_period_get_or_create

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã tổ chức 3 hội nghị"}


def test_a_refusal_is_shown_as_a_red_alert_not_an_unstyled_box(client, submitted, coordinator):
    # Walk: returning a report without a comment said "Hãy ghi rõ lý do trả lại…" in a box with no colour and no
    # border (class "alert-error", which Bootstrap does not have), the same as any line of text on the page.
    client.force_login(coordinator)
    page = client.post(reverse("reports:report_transition", args=[submitted.pk, "return"]), {"comment": ""}, follow=True)
    html = page.content.decode()
    assert "Hãy ghi rõ lý do trả lại" in html
    assert 'class="alert alert-danger"' in html and "alert-error" not in html


def test_a_summary_is_not_issued_under_a_number_that_is_not_a_number(
    client, coordinator, leader, filed, django_capture_on_commit_callbacks
):
    # Walk: "abc" in "Số văn bản" issued the summary as "abc/BC-UBND", frozen for ever ("Đã ban hành báo cáo số abc").
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:summary_request"), {"plan": filed.plan.pk, "period": "2018-H2"})
    summary = Summary.objects.get()
    client.force_login(leader)
    for number in ("abc", "12a", "١٢"):
        page = client.post(reverse("reports:summary_step", args=[summary.pk, "issue"]), {"number": number}, follow=True).content.decode()
        assert "Hãy nhập số văn bản do văn thư cấp" in page, number
        summary.refresh_from_db()
        assert summary.state != SummaryState.ISSUED, number
    page = client.post(reverse("reports:summary_step", args=[summary.pk, "issue"]), {"number": " 125 "}, follow=True).content.decode()
    assert "Đã ban hành báo cáo số 125" in page


def test_the_task_page_names_a_reports_evidence_in_words_not_with_an_emoji(client, world, agency_a, officer_a, leader):
    # Walk: leadership's task page put "📎" before each file: on a computer without an emoji font (the headless
    # Chromium of the walk, many office desktops) it drew an empty box, "□ bao-cao.pdf".
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data=DATA,
        version=None,
        files=[SimpleUploadedFile("minh-chung.pdf", pdf)],
        send=True,
    )
    client.force_login(leader)
    page = client.get(reverse("reports:task_page", args=[world.task.pk])).content.decode()
    assert "minh-chung.pdf" in page
    assert "📎" not in page
    assert "Tài liệu minh chứng:</span>" in page
