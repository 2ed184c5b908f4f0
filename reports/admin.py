from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vinhlong_cmcn4.admin_policy import PortalModelAdmin

from .models import Report, ReportEvent, ReportingPeriod
from .workflow import EDITABLE_STATES


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


@admin.register(Report)
class ReportAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["task", "agency", "period", "state", "progress", "work_state", "submitted_at", "is_late"]
    list_filter = ["state", "is_late", "period", "agency", "task__plan"]
    list_select_related = ["task", "agency", "period"]
    search_fields = ["task__title", "agency__name", "results"]
    readonly_fields = ["task", "agency", "period", "role", "state", "version", "created_by", "submitted_at", "accepted_at", "is_late"]
    inlines = [ReportEventInline]

    def has_add_permission(self, request):
        return False  # reports are filed by agencies through the workflow, not typed in here

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state not in EDITABLE_STATES:
            # Sent and accepted figures feed task progress and the dashboard: only the workflow changes them.
            fields += ["progress", "work_state", "completed_on", "results", "difficulties", "proposals"]
        return fields
