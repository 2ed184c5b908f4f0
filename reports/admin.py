from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans.admin_policy import PortalModelAdmin

from .forms import SummaryPeriodMixin, plan_period_field
from .models import (
    EscalationLadder,
    Reminder,
    Report,
    ReportEvent,
    ReportingPeriod,
    Summary,
    SummaryEvent,
    TrustRoot,
    WebhookDelivery,
    WebhookSubscription,
)
from .services.withdrawal import KEPT_STATES, report_withdraw
from .summaries.delivery import deliveries_send_again
from .summaries.service import summary_request


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PortalModelAdmin):
    list_display = ["__str__", "kind", "year", "number", "first_day", "last_day"]
    list_filter = ["kind", "year"]

    def has_add_permission(self, request):
        return False  # periods are made from Nghị định 09/2019's windows, never typed in

    def has_change_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    fields = ["at", "action", "from_state", "to_state", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WithdrawActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason (to withdraw)"), required=False, max_length=1000)


@admin.register(Report)
class ReportAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["task", "agency", "period", "state", "progress", "work_state", "submitted_at", "is_late"]
    list_filter = ["state", "is_late", "period", "agency", "task__plan"]
    list_select_related = ["task", "agency", "period"]
    search_fields = ["task__title", "agency__name", "results"]
    # Read-only: a report's content is written by its agency through ``reports.services`` (version,
    # history and workflow events); its figures feed task progress and the dashboard.
    readonly_fields = [
        "task",
        "agency",
        "period",
        "role",
        "state",
        "version",
        "created_by",
        "first_submitted_at",
        "submitted_at",
        "accepted_at",
        "is_late",
        "progress",
        "work_state",
        "completed_on",
        "results",
        "difficulties",
        "proposals",
    ]
    inlines = [ReportEventInline]
    action_form = WithdrawActionForm
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False  # reports are filed by agencies through the workflow, not typed in here

    def has_delete_permission(self, request, obj=None):
        # A report that reached the coordinator is withdrawn, never deleted (reports.services.withdrawal).
        return super().has_delete_permission(request, obj) and (obj is None or obj.state not in KEPT_STATES)

    def delete_queryset(self, request, queryset):
        kept = queryset.filter(state__in=KEPT_STATES)
        if count := kept.count():
            self.message_user(
                request,
                _("%(count)d reports sent to the coordinator were not deleted: withdraw them with a reason instead.") % {"count": count},
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.exclude(state__in=KEPT_STATES))

    @admin.action(description=_("Withdraw the selected reports (give the reason)"))
    def withdraw(self, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for report in queryset:
            try:
                report_withdraw(report=report, by=request.user, reason=reason)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d reports withdrawn.") % {"count": done}, messages.SUCCESS)


class SummaryAddForm(SummaryPeriodMixin, forms.ModelForm):
    """The admin's way to compile a summary of any past period: a plan and one of its closed periods."""

    period_field = "period_code"
    period_code = forms.ChoiceField(label=_("Period"))  # its choices: the plans' closed periods, set below

    class Meta:
        model = Summary
        fields = ["plan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_code"] = plan_period_field(self.fields["plan"].queryset.order_by("-issued_on", "symbol"))


class SummaryEventInline(admin.TabularInline):
    model = SummaryEvent
    fields = ["at", "action", "section", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrustRoot)
class TrustRootAdmin(PortalModelAdmin):
    """The root certificates signed summaries must chain up to (the Government's root CA in production)."""

    list_display = ["name", "subject", "not_after", "active"]
    list_filter = ["active"]
    fields = ["name", "certificate", "active", "subject", "fingerprint", "not_after"]
    readonly_fields = ["subject", "fingerprint", "not_after"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(PortalModelAdmin):
    """Other systems sent each issued and signed summary (``reports/summaries/delivery.py``)."""

    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    fields = ["name", "url", "secret", "events", "active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # an address typed without its scheme is an HTTPS one
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(PortalModelAdmin):
    """The delivery log: every event sent, its attempts and its outcome (read only)."""

    list_display = ["summary", "subscription", "event", "state", "attempts", "last_status", "last_attempt_at", "delivered_at"]
    list_filter = ["state", "event", "subscription"]
    list_select_related = ["summary__plan", "summary__period", "subscription"]
    readonly_fields = [
        "subscription",
        "summary",
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "body",
    ]

    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Send the selected deliveries again"))
    def send_again(self, request, queryset):
        count = deliveries_send_again(deliveries=queryset)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS)


@admin.register(Summary)
class SummaryAdmin(PortalModelAdmin):
    list_display = ["__str__", "state", "number", "compiled_at", "issued_at", "has_error"]
    list_filter = ["state", "period__kind", "plan"]
    list_select_related = ["plan", "period"]
    readonly_fields = [
        "plan",
        "period",
        "state",
        "number",
        "requested_at",
        "compiled_at",
        "compiled_by",
        "issued_at",
        "issued_by",
        "document",
        "annex",
        "pdf",
        "pdf_sha256",
        "signed_pdf",
        "signed_sha256",
        "signatures",
        "signed_received_at",
        "signed_received_by",
        "error",
    ]
    exclude = ["snapshot"]
    actions = ["compile_again"]
    inlines = [SummaryEventInline]

    @admin.display(boolean=True, description=_("failed"))
    def has_error(self, obj):
        return bool(obj.error)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SummaryAddForm
            kwargs["fields"] = ["plan", "period_code"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_exclude(self, request, obj=None):
        return self.exclude if obj else None

    def save_model(self, request, obj, form, change):
        if change:
            return
        summary = summary_request(plan=form.cleaned_data["plan"], period=form.cleaned_data["period_obj"], by=request.user)
        obj.pk = summary.pk
        obj.refresh_from_db()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # the list and read-only pages only

    @admin.action(description=_("Compile the selected drafts again"))
    def compile_again(self, request, queryset):
        done = 0
        for summary in queryset.select_related("plan", "period"):
            try:
                summary_request(plan=summary.plan, period=summary.period.as_period(summary.plan.report_deadline_day), by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{summary}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d summaries queued for compilation.") % {"count": done}, messages.SUCCESS)


@admin.register(Reminder)
class ReminderAdmin(PortalModelAdmin):
    list_display = ["sent_at", "kind", "plan", "agency", "key", "items"]
    list_filter = ["kind", "plan"]
    list_select_related = ["plan", "agency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationLadder)
class EscalationLadderAdmin(PortalModelAdmin):
    """Per plan, how a late report climbs (working days); a plan without a row follows the defaults."""

    list_display = ["plan", "days_before", "days_after", "leadership_weekday"]
    autocomplete_fields = ["plan"]


from . import admin_reorganisation  # noqa: E402,F401  (registers the reorganisation pages)
