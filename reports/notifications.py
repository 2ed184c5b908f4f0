"""E-mail notices of workflow steps, sent by a job queued (through the outbox) with the step."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from plans.choices import Role
from plans.models import User
from plans.policy import ROLE_GROUPS

from .choices import WorkflowAction
from .models import ReportEvent


def recipients(event: ReportEvent) -> list[User]:
    """Who needs to act or know after a step."""
    report = event.report
    users = User.objects.filter(is_active=True).exclude(email="").exclude(pk=event.actor_id)
    if event.action == WorkflowAction.SEND_FOR_APPROVAL:
        return list(users.filter(agency=report.agency, groups__name=ROLE_GROUPS[Role.HEAD]))
    if event.action == WorkflowAction.SUBMIT:
        coordinators = users.filter(groups__name=ROLE_GROUPS[Role.COORDINATOR])
        if report.task.plan.coordinator_id:
            coordinators = coordinators.filter(Q(agency=report.task.plan.coordinator_id) | Q(agency__isnull=True))
        return list(coordinators)
    if event.action == WorkflowAction.RECALL:
        return list(users.filter(agency=report.agency, groups__name=ROLE_GROUPS[Role.OFFICER]))
    if event.action in {WorkflowAction.SEND_BACK, WorkflowAction.RETURN, WorkflowAction.ACCEPT}:
        return list(users.filter(Q(pk=report.created_by_id) | Q(agency=report.agency, groups__name=ROLE_GROUPS[Role.HEAD])).distinct())
    return []


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
    return send_mass_mail(messages, fail_silently=False)
