"""Admin pages for reorganisation decisions: record, load a CSV, preview, confirm, undo (administrators only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plans import policy
from plans.admin_policy import PortalModelAdmin
from plans.models import ReorganisationChange, ReorganisationDecision
from tasks.models import TaskDestination

from .reorganisation.loading import decisions_load
from .reorganisation.preview import preview
from .reorganisation.selectors import decision_record
from .reorganisation.services import decision_apply, decision_undo


class DecisionCsvForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("Columns effective, decision, old_code, new_code, new_name, kind, note (like reorganisation-2025.csv)."),
    )


class ChangeInline(admin.TabularInline):
    model = ReorganisationChange
    fields = ["kind", "source", "target", "users", "note", "tasks_link"]
    readonly_fields = ["tasks_link"]
    autocomplete_fields = ["source", "target"]
    extra = 0

    @admin.display(description=gettext_lazy("tasks chosen"))
    def tasks_link(self, obj):
        return obj.destinations.count() if obj.pk else "—"


class DestinationInline(admin.TabularInline):
    model = TaskDestination
    autocomplete_fields = ["task"]
    extra = 1


@admin.register(ReorganisationChange)
class ReorganisationChangeAdmin(PortalModelAdmin):
    """A change, with the open tasks chosen for its successor (a split or a transfer of functions)."""

    list_display = ["__str__", "decision", "kind"]
    list_filter = ["kind"]
    autocomplete_fields = ["source", "target"]
    inlines = [DestinationInline]

    def has_module_permission(self, request):
        return False  # reached from its decision


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
                # Applied: what it moved, read from what it wrote (a new preview would find nothing left to move).
                preview=None if decision.is_applied else preview(decision),
                record=decision_record(decision) if decision.is_applied else None,
                may_undo=decision.is_applied and timezone.localdate() < decision.effective_on,
                others=others,
            ),
        )

    def apply_view(self, request, pk: int):
        decision = self._decision(request, pk)
        try:
            decision_apply(decision=decision, by=request.user)
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
