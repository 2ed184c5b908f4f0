from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import too_large_refusal

from .models import Task
from .timeframes import parse_timeframe


class TaskForm(forms.ModelForm):
    """A task as people write it: the dates and recurrence follow from the timeframe text."""

    class Meta:
        model = Task
        fields = ["plan", "section", "number", "position", "title", "product", "timeframe", "note"]
        widgets = {"title": forms.Textarea(attrs={"rows": 3}), "product": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan") or getattr(self.instance, "plan", None)
        if plan is not None and cleaned.get("timeframe"):
            try:
                timeframe = parse_timeframe(cleaned["timeframe"], plan_start=plan.starts_on)
            except ValidationError as error:
                self.add_error("timeframe", error)
            else:
                self.instance.start_date = timeframe.start
                self.instance.due_date = timeframe.due
                self.instance.recurrence = timeframe.recurrence
                cleaned["timeframe"] = timeframe.text
        return cleaned


class InlineTaskForm(TaskForm):
    class Meta(TaskForm.Meta):
        fields = ["section", "number", "position", "title", "timeframe"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "cols": 50}),
            "number": forms.TextInput(attrs={"size": 4}),
            "position": forms.NumberInput(attrs={"style": "width: 4em"}),
            "timeframe": forms.TextInput(attrs={"size": 16}),
        }


class AnnexUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Annex file (.xlsx)"),
        help_text=_("The “Phụ lục: Danh mục nhiệm vụ” of the plan, saved as .xlsx. Nothing is written before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def full_clean(self):
        super().full_clean()
        refusal = too_large_refusal(self.request, settings.IMPORT_MAX_FILE_BYTES) if self.is_bound else None
        if refusal:  # the file was cut off while it arrived: too large, not missing
            self._errors["file"] = self.error_class([refusal])
            self.cleaned_data.pop("file", None)
