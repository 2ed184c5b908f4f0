from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plans.admin_policy import PortalModelAdmin

from .models import Indicator, IndicatorTarget, IndicatorValue
from .services import indicator_value_record, indicator_value_refusal

VALUE_FIELDS = [
    "measured_on",
    "year",
    "period_label",
    "value",
    "source",
    "source_url",
    "published_on",
    "note",
    "is_illustrative",
    "correction_reason",
]


class IndicatorValueForm(forms.ModelForm):
    """Checked by the service's own check before anything is written."""

    class Meta:
        model = IndicatorValue
        fields = ["indicator", *VALUE_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("indicator") and not self.errors:
            try:
                indicator_value_refusal(
                    indicator=data["indicator"],
                    measured_on=data.get("measured_on"),
                    year=data.get("year"),
                    value=data.get("value"),
                    source=data.get("source") or "",
                    correction_reason=data.get("correction_reason") or "",
                )
            except ValidationError as error:
                self.add_error(None, error)  # a message per field the service names
        return data

    def _post_clean(self):  # the model's own unique check would refuse the correction the service makes
        pass


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    fields = ["year", "due_on", "value", "label"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(PortalModelAdmin):
    list_display = ["__str__", "scope", "kind", "unit", "plan", "agency", "is_illustrative"]
    list_filter = ["scope", "kind", "is_illustrative"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["plan", "section", "agency", "tasks", "named_by"]
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ["scope", "code", "name", "unit", "kind", "direction", "description", "position", "is_illustrative"]}),
        (_("Where it belongs"), {"fields": ["plan", "section", "named_by", "tasks", "agency"]}),
        (_("Baseline"), {"fields": ["baseline_value", "baseline_year", "baseline_source"]}),
    ]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(PortalModelAdmin):
    """Published values (an index with its document and date). A value is never edited: a new one for the same
    day supersedes it, with a reason (``indicator_value_record``); reported values arrive through reports."""

    list_display = ["indicator", "measured_on", "value", "source", "published_on", "superseded_at", "is_illustrative"]
    list_filter = ["is_illustrative", ("superseded_at", admin.EmptyFieldListFilter)]
    search_fields = ["indicator__code", "indicator__name", "source"]
    autocomplete_fields = ["indicator"]
    date_hierarchy = "measured_on"
    form = IndicatorValueForm
    fields = ["indicator", *VALUE_FIELDS]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in VALUE_FIELDS}
        data = {
            name: ("" if value is None and name in ("period_label", "source", "source_url", "note", "correction_reason") else value)
            for name, value in data.items()
        }
        saved = indicator_value_record(indicator=form.cleaned_data["indicator"], by=request.user, **data)
        obj.pk = saved.pk
