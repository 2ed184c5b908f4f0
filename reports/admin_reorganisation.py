"""Admin pages for reorganisation decisions: record, load a CSV, preview, confirm, undo (administrators only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from plans import policy
from plans.admin_policy import PortalModelAdmin
from plans.agency_kinds import kind_by_name
from plans.choices import AgencyKind, ChangeKind
from plans.models import Agency, ReorganisationChange, ReorganisationDecision
from tasks.models import Task

from .reorganisation.loading import decisions_load
from .reorganisation.preview import preview
from .reorganisation.selectors import decision_record
from .reorganisation.services import decision_apply, decision_undo, destinations_set, tasks_to_choose


class DecisionCsvForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns effective, decision, old_code, new_code, new_name, kind, note (like reorganisation-2025.csv); "
            "optional: new_kind (the new agency's kind; empty: from its name) and join_groups (có, không, or the groups "
            "the successor joins, separated by “;”)."
        ),
    )


def _tasks_cell(change: ReorganisationChange) -> str:
    """The link to choose a split's or transfer's tasks, with how many are chosen; "all its open tasks" for the other kinds."""
    if change.pk is None:
        return "—"
    if not change.chooses_tasks:
        return _("every open task") if change.kind != ChangeKind.DISSOLVE else _("coordinator's queue")
    count = change.destinations.count()
    url = reverse("admin:plans_reorganisationchange_change", args=[change.pk])
    label = ngettext("%(n)d task chosen", "%(n)d tasks chosen", count) % {"n": count} if count else _("no task chosen")
    return format_html('<a href="{}">{}</a>{}', url, label, format_html(" — <strong>{}</strong>", _("choose")) if not count else "")


class ChangeInline(admin.TabularInline):
    model = ReorganisationChange
    # One line per change fits 1366 px: its users' fate, note and groups are on the change's own page ("Thay đổi").
    fields = ["kind", "source", "target", "new_agency", "tasks_link"]
    readonly_fields = ["new_agency", "tasks_link"]
    autocomplete_fields = ["source", "target"]
    show_change_link = True
    extra = 0

    @admin.display(description=gettext_lazy("new agency"))
    def new_agency(self, obj):
        if not obj.pk or not obj.new_code:
            return "—"
        kind = AgencyKind(obj.new_kind or kind_by_name(obj.new_name)).label
        state = _("created when applied") if obj.creates_successor else _("created")
        return format_html("{} ({}, {}) — <em>{}</em>", obj.new_name, obj.new_code, kind, state)

    @admin.display(description=gettext_lazy("tasks that go with it"))
    def tasks_link(self, obj):
        return _tasks_cell(obj)


class TaskChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.symbol} — {obj.number}. {Truncator(obj.title).chars(140)}"


class ChangeForm(forms.ModelForm):
    tasks = TaskChoiceField(
        queryset=Task.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Open tasks that go to the successor"),
        help_text=gettext_lazy(
            "Only the ticked tasks go; the others stay with the agency (a transfer) or go where another part of the split takes them."
        ),
    )

    class Meta:
        model = ReorganisationChange
        fields = ["kind", "source", "target", "new_code", "new_name", "new_kind", "joins_groups", "groups_to_join", "users", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.chooses_tasks:
            self.fields["tasks"].queryset = tasks_to_choose(self.instance)  # type: ignore[attr-defined]
            self.fields["tasks"].initial = list(self.instance.destinations.values_list("task_id", flat=True))
        else:
            del self.fields["tasks"]


@admin.register(ReorganisationChange)
class ReorganisationChangeAdmin(PortalModelAdmin):
    """A change, with the open tasks chosen for its successor (a split or a transfer of functions): reached from its decision."""

    form = ChangeForm
    list_display = ["__str__", "decision", "kind"]
    list_filter = ["kind"]
    autocomplete_fields = ["source", "target"]
    filter_horizontal = ["groups_to_join"]
    change_form_template = "admin/plans/reorganisationchange/change_form.html"

    def has_module_permission(self, request):
        return False  # reached from its decision (its page and its preview)

    def get_fields(self, request, obj=None):
        """The tasks to tick right under the agencies, for a split or a transfer of functions."""
        fields = ["kind", "source", "target", "new_code", "new_name", "new_kind", "joins_groups", "groups_to_join", "users", "note"]
        return [*fields[:3], "tasks", *fields[3:]] if obj is not None and obj.chooses_tasks else fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.decision.is_applied)

    def has_add_permission(self, request):
        return False  # added on its decision's page: the change's own form has no decision to choose

    def has_delete_permission(self, request, obj=None):
        # A change of an applied decision goes only with the decision's undo (its lineage and moved parts hang on it).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.decision.is_applied)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "tasks" in form.cleaned_data:
            try:
                destinations_set(change=form.instance, tasks=list(form.cleaned_data["tasks"]))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, _("The change %(change)s is saved.") % {"change": obj}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:plans_reorganisationdecision_preview", args=[obj.decision_id]))


@admin.register(ReorganisationDecision)
class ReorganisationDecisionAdmin(PortalModelAdmin):
    list_display = ["number", "effective_on", "issuer", "applied_at"]
    search_fields = ["number"]
    inlines = [ChangeInline]
    readonly_fields = ["applied_at", "applied_by"]
    change_form_template = "admin/plans/reorganisationdecision/change_form.html"
    change_list_template = "admin/plans/reorganisationdecision/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("nap-csv/", wrap(self.load_view), name="plans_reorganisationdecision_load"),
            path("<int:pk>/xem-truoc/", wrap(self.preview_view), name="plans_reorganisationdecision_preview"),
            path("<int:pk>/ap-dung/", wrap(require_POST(self.apply_view)), name="plans_reorganisationdecision_apply"),
            path("<int:pk>/hoan-tac/", wrap(require_POST(self.undo_view)), name="plans_reorganisationdecision_undo"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_applied)

    def has_delete_permission(self, request, obj=None):
        # Deleting an applied decision would drop its lineage and leave its agencies retired, its users moved: undo it first.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_applied)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # asks only whether any may be deleted: one at a time, from its page
        return actions

    def _allowed(self, request) -> None:
        if not policy.may_open(request.user, policy.REORGANISE):
            raise PermissionDenied

    def _decision(self, request, pk: int) -> ReorganisationDecision:
        self._allowed(request)
        return get_object_or_404(policy.restrict(ReorganisationDecision.objects.all(), request.user, policy.CHANGE), pk=pk)

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def load_view(self, request):
        self._allowed(request)
        form = DecisionCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                loaded = decisions_load(content=form.cleaned_data["file"].read())
            except ValidationError as error:
                form.add_error("file", error)
            else:
                for note in loaded.notes:
                    messages.info(request, note)
                messages.success(request, _("%(n)d decisions recorded; preview each before applying it.") % {"n": len(loaded.decisions)})
                first = loaded.decisions[0] if loaded.decisions else None
                target = reverse("admin:plans_reorganisationdecision_preview", args=[first.pk]) if first else "../"
                return HttpResponseRedirect(target)
        return TemplateResponse(
            request, "admin/plans/reorganisationdecision/load.html", self._context(request, _("Load decisions from a CSV"), form=form)
        )

    def preview_view(self, request, pk: int):
        decision = self._decision(request, pk)
        others = ReorganisationDecision.objects.exclude(pk=pk).filter(applied_at__isnull=True).order_by("effective_on")
        return TemplateResponse(
            request,
            "admin/plans/reorganisationdecision/preview.html",
            self._context(
                request,
                (_("Applied: %(decision)s") if decision.is_applied else _("Preview: %(decision)s")) % {"decision": decision},
                decision=decision,
                original=decision,
                changes=[(change, _tasks_cell(change)) for change in decision.changes.select_related("source", "target").order_by("id")],
                # Applied: what it moved, read from what it wrote (a new preview would find nothing left to move).
                preview=None if decision.is_applied else preview(decision),
                record=decision_record(decision) if decision.is_applied else None,
                created=Agency.objects.filter(pk__in=decision.undo_log.get("created", [])).order_by("name") if decision.is_applied else [],
                may_undo=decision.is_applied and timezone.localdate() < decision.effective_on,
                others=others,
            ),
        )

    def apply_view(self, request, pk: int):
        decision = self._decision(request, pk)
        try:
            # A split or transfer with no task chosen: applied only once the administrator ticked the confirmation.
            decision_apply(decision=decision, by=request.user, none_chosen_confirmed=request.POST.get("none_chosen_confirmed") == "on")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The decision %(decision)s is applied.") % {"decision": decision})
        return HttpResponseRedirect(reverse("admin:plans_reorganisationdecision_preview", args=[pk]))

    def undo_view(self, request, pk: int):
        decision = self._decision(request, pk)
        try:
            decision_undo(decision=decision)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The decision %(decision)s is undone.") % {"decision": decision})
        return HttpResponseRedirect(reverse("admin:plans_reorganisationdecision_preview", args=[pk]))
