from django.contrib import admin, messages
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin
from simple_history.admin import SimpleHistoryAdmin

from plans.admin import PlanAdmin as BasePlanAdmin
from plans.admin import SectionAdmin as BaseSectionAdmin
from plans.admin_policy import PortalModelAdmin
from plans.forms import SectionChoiceField
from plans.models import Plan, Section

from .admin_import import AnnexAdminMixin
from .forms import InlineTaskForm, TaskForm
from .kept import lead_parts_batch
from .models import ImportJob, Task, TaskAssignment
from .resources import TaskResource
from .services import tasks_order_refresh
from .status import status_label


class KeptCountsOnce:
    """An admin page that writes tasks or their assignments (a task and its inline leads, a plan and its inline tasks):
    their kept counts are counted again once, at the end of its transaction, plans' locks before agencies' and those in
    order, as the services write them (``tasks.kept.lead_parts_batch``). Row by row, a page adding a task led by B then
    A held B's lock while a report's step on a task led by both held A's and wanted B's (a deadlock on PostgreSQL)."""

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(self.model)), lead_parts_batch():
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with transaction.atomic(using=router.db_for_write(self.model)), lead_parts_batch():
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        if request.method != "POST":  # a list read writes nothing
            return super().changelist_view(request, *args, **kwargs)
        with transaction.atomic(using=router.db_for_write(self.model)), lead_parts_batch():
            return super().changelist_view(request, *args, **kwargs)


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    fields = ["agency", "role", "via_group"]
    autocomplete_fields = ["agency"]
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    form = InlineTaskForm
    fields = ["section", "number", "position", "title", "timeframe", "start_date", "due_date", "progress"]
    readonly_fields = ["start_date", "due_date", "progress"]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            sections = db_field.related_model.objects.filter(plan_id=getattr(request, "_plan_pk", None))
            return SectionChoiceField(queryset=sections, required=False, label=db_field.verbose_name)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(KeptCountsOnce, AnnexAdminMixin, BasePlanAdmin):
    """The plan page of the admin, with its sections and tasks inline and its Excel annex."""

    inlines = [*BasePlanAdmin.inlines, TaskInline]
    change_form_template = "admin/plans/plan/change_form_with_annex.html"
    actions = ["export_annex"]

    @admin.action(description=_("Export the task annex (Excel)"))
    def export_annex(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one plan to export its annex."), level=messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:plans_plan_export_annex", args=[queryset.get().pk]))

    def get_object(self, request, object_id, from_field=None):
        request._plan_pk = object_id
        return super().get_object(request, object_id, from_field)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        tasks_order_refresh(plan_ids=[form.instance.pk])  # its sections may have moved


@admin.register(Section)
class SectionAdmin(BaseSectionAdmin):
    """The section page of the admin; moving a section moves its tasks in the lists."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tasks_order_refresh(section_ids=[obj.pk])


@admin.register(Task)
class TaskAdmin(KeptCountsOnce, ExportActionMixin, PortalModelAdmin, SimpleHistoryAdmin):
    form = TaskForm
    resource_classes = [TaskResource]
    list_display = ["number", "short_title", "plan", "section", "timeframe", "due_date", "status_display", "progress"]
    list_filter = ["plan", "recurrence", "assignments__agency"]
    list_select_related = ["plan", "section"]
    search_fields = ["title"]
    autocomplete_fields = ["plan", "section"]
    readonly_fields = ["start_date", "due_date", "recurrence", "progress", "completed_on", "status_display"]
    inlines = [TaskAssignmentInline]
    fieldsets = [
        (None, {"fields": ["plan", "section", "number", "position", "title", "product", "note"]}),
        (_("Timeframe"), {"fields": ["timeframe", "start_date", "due_date", "recurrence"]}),
        (_("Progress (from accepted reports)"), {"fields": ["progress", "completed_on", "status_display"]}),
    ]

    @admin.display(description=_("content"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 90 else obj.title[:88] + "…"

    @admin.display(description=_("status"))
    def status_display(self, obj):
        if obj.pk is None:
            return "—"
        return status_label(obj.status(timezone.localdate()), extended=bool(obj.extended_due_date))


@admin.register(ImportJob)
class ImportJobAdmin(PortalModelAdmin):
    """Every annex upload, with its outcome: failed background jobs show their error here."""

    list_display = ["original_name", "plan", "uploaded_by", "created_at", "state", "background"]
    list_filter = ["state", "background", "plan"]
    list_select_related = ["plan", "uploaded_by"]
    readonly_fields = [
        "plan",
        "file",
        "original_name",
        "uploaded_by",
        "state",
        "background",
        "preview",
        "result",
        "error",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False
