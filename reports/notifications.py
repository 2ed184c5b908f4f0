"""E-mail notices of workflow steps, sent by a job queued (through the outbox) with the step."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from plans.choices import NoticeEmail
from plans.models import User

from .handoffs import report_event_key, report_recipients
from .models import Notice, ReportEvent


def recipients(event: ReportEvent) -> list[User]:
    """Who is e-mailed at once after a step: those ``handoffs.report_recipients`` names who have an address and want it."""
    return [user for user in report_recipients(event) if user.email and user.notice_email == NoticeEmail.IMMEDIATE]


def report_event_notify(event_id: int, base_url: str | None = None) -> int:
    """Send the notice of one workflow step (run as a job: a mail server error is retried); links start at ``SITE_URL``."""
    base_url = settings.SITE_URL if base_url is None else base_url
    event = ReportEvent.objects.select_related("report__task__plan", "report__agency", "report__period", "actor").get(pk=event_id)
    people = recipients(event)
    if not people:
        return 0
    context = {"event": event, "report": event.report, "url": base_url + reverse("reports:report_detail", args=[event.report_id])}
    subject = render_to_string("emails/report_event_subject.txt", context).strip()
    body = render_to_string("emails/report_event.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]) for person in people]
    sent = send_mass_mail(messages, fail_silently=False)
    Notice.objects.filter(key=report_event_key(event_id), user__in=people).update(emailed_at=timezone.now())
    return sent
