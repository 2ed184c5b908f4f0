"""E-mail notices: plain-text subjects (never HTML-escaped) and links from SITE_URL."""

import pytest
from django.core import mail

from reports.models import ReportEvent
from reports.notifications import report_event_notify
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create

pytestmark = pytest.mark.django_db


def test_a_notice_subject_keeps_the_ampersand_and_its_link_starts_at_site_url(world, agency_a, officer_a, head_a, settings):
    settings.SITE_URL = "https://theodoi.vinhlong.gov.vn"
    agency_a.aliases = ["Sở TT&TT"]
    agency_a.save()
    head_a.email = "truongdonvi@vinhlong.gov.vn"
    head_a.save()
    period = reporting_period_get_or_create(period=parse_period_code("2018-H2"))
    report = report_save(
        task=world.task,
        agency=agency_a,
        period=period,
        by=officer_a,
        data={"progress": 40, "work_state": "in_progress", "results": "x"},
        version=None,
    )
    report_transition(report=report, action="send_for_approval", by=officer_a, notify=False)
    mail.outbox.clear()
    report_event_notify(ReportEvent.objects.get(report=report, action="send_for_approval").pk)
    message = mail.outbox[0]
    assert "Sở TT&TT" in message.subject and "&amp;" not in message.subject
    assert f"https://theodoi.vinhlong.gov.vn/bao-cao/{report.pk}/" in message.body
